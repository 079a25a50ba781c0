"""The hard world (`--hard`): each adversarial archetype present in its documented share, its truth
recorded, and the tell-tales a careful analyst would use on the pages; the rest of the world untouched."""

from __future__ import annotations

import collections
import datetime as dt
import json

import pytest

from pipelines import contracts as c
from sandbox import adversary, debris, names, numbers
from sandbox.pages import render
from sandbox.world import World

SEED = 13
N = 120
THREADS = ("forum_answer", "market_review", "complaint")  # ids are positions in a thread or list


@pytest.fixture(scope="module")
def hard() -> World:
    return World(SEED, N, hard=True)


@pytest.fixture(scope="module")
def truth(hard):
    return hard.truth()


@pytest.fixture(scope="module")
def items(hard):
    return {x.item_id: x for x in hard.expected_items()}


def _page_text(world: World, path: str) -> str:
    site, case_id = path.removeprefix("/cases/").removesuffix(".html").split("/case/")
    p = world.provider_by_site(site)
    return debris.to_simplified(world.case_page(p.index, world.case_by_id(p, case_id).slot).text)


def _months(a: str, b: str) -> int:
    x, y = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
    return (y.year - x.year) * 12 + y.month - x.month


def test_the_hard_world_changes_only_what_its_archetypes_name(hard, truth, items):
    easy = World(SEED, N)
    easy_truth = easy.truth()
    touched = {p for p, v in truth["claims"].items() if v["archetype"] != "plain"}
    assert touched
    easy_items = {x.item_id: x for x in easy.expected_items()}

    def witness(pool, ids):  # review and answer ids are positions: compare the documents themselves
        return [(getattr(pool[e], "author", e), getattr(pool[e], "created_at", e)) for e in ids]

    # every claim the adversary left alone keeps its truth, field for field
    for path, claim in truth["claims"].items():
        if path not in touched:
            assert claim["archetype"] == "plain"
            ids = ("evidence", "later_complaints")
            plain = {k: v for k, v in claim.items() if k not in ("archetype", *ids)}
            theirs = easy_truth["claims"][path]
            assert plain == {k: v for k, v in theirs.items() if k not in ids}, path
            for k in ids:
                assert witness(items, claim.get(k, [])) == witness(easy_items, theirs.get(k, []))
    # the documents are the same documents (plus the sock puppets' posts); only case pages, the
    # witnesses of inflated cases, the puppets' posts and the farm's reviews differ. Answer and review
    # ids are positions in their thread or listing, so those are compared by what they are.

    def witnesses(t):
        return {e for p in touched for e in t["claims"][p]["evidence"] if not e.startswith("cases:")}

    puppet_posts = {e for v in truth["claims"].values() for e in v.get("puppet_posts", [])}
    hard_skip = witnesses(truth) | puppet_posts | {f"market:{k}" for k in truth["bought_reviews"]}
    hard_skip |= {f"complaints:{sn}" for sn in truth["complaints"]}
    easy_skip = witnesses(easy_truth) | {f"market:{k}" for k in easy_truth["bought_reviews"]}

    def threads(pool, skip):
        return collections.Counter(
            (x.author, x.text, x.created_at) for k, x in pool.items() if x.kind in THREADS and k not in skip
        )

    assert threads(items, hard_skip) == threads(easy_items, easy_skip)
    # a listing keeps its number of bought reviews: the farm rewrites them, it does not add any
    assert collections.Counter(v["service_code"] for v in truth["bought_reviews"].values()) == (
        collections.Counter(v["service_code"] for v in easy_truth["bought_reviews"].values())
    )
    others = {k for k, x in items.items() if x.kind not in THREADS}
    assert others == {k for k, x in easy_items.items() if x.kind not in THREADS}
    changed = {k for k in others if c.to_record(items[k]) != c.to_record(easy_items[k])}
    assert changed and all(k.startswith("cases:") or k in witnesses(truth) for k in changed), changed
    # providers gain a field and keep the rest
    for mine, theirs in zip(truth["providers"], easy_truth["providers"], strict=True):
        assert mine["honest"] == (mine["archetype"] == "honest")
        assert {k: v for k, v in mine.items() if k not in ("honest", "former_names")} == theirs


def test_disguised_copies_nudge_figures_rename_the_client_and_shift_the_start(hard, truth):
    copies = [(p, v) for p, v in truth["claims"].items() if v["verdict"] == "duplicated"]
    disguised = [(p, v) for p, v in copies if v["archetype"] == "disguised_copy"]
    assert len(copies) >= 10
    share = len(disguised) / len(copies)
    assert abs(share - adversary.DISGUISED_COPY_SHARE) < 0.25, share
    moved = 0
    for path, claim in disguised:
        original = truth["claims"][claim["original"]]
        d = claim["disguise"]
        # the truth keeps what was copied, and the page states the nudged figures
        assert (d["before_cny"], d["after_cny"]) == (original["before_cny"], original["after_cny"])
        for key in ("before_cny", "after_cny"):
            assert abs(claim[key] / original[key] - 1) <= adversary.COPY_FIGURE_CHANGE + 1e-9
        moved += (claim["before_cny"], claim["after_cny"]) != (original["before_cny"], original["after_cny"])
        # the client by brand or alias: the same brand inside, never the original shop name
        assert claim["client"] != original["client"]
        assert names.shop_core(original["client"]) in claim["client"]
        assert abs(_months(original["start"], claim["start"])) in (1, 2)
        text = _page_text(hard, path)
        assert original["client"] not in text
        assert f"{int(claim['before_cny']):,}元" in text or f"{int(claim['after_cny']):,}元" in text, text
    assert moved == len(disguised)


def test_inflated_claims_are_plausible_on_the_page_and_contradicted_by_the_client_alone(hard, truth, items):
    arch = {p["legal_name"]: p["archetype"] for p in truth["providers"]}
    inflated = [v for v in truth["claims"].values() if v["archetype"] == "inflated"]
    corroborated = collections.Counter(
        arch[v["provider"]]
        for v in truth["claims"].values()
        if v["archetype"] == "inflated" or (v["verdict"] == "supported")
    )
    by_arch = collections.Counter(arch[v["provider"]] for v in inflated)
    assert by_arch["honest"] == 0 and by_arch["fraudulent"] > 0 and by_arch["average"] > 0
    assert by_arch["fraudulent"] / corroborated["fraudulent"] > by_arch["average"] / corroborated["average"]
    for claim in inflated:
        before, claimed, told = claim["before_cny"], claim["after_cny"], claim["client_after_cny"]
        assert claim["verdict"] == "refuted"
        assert claimed >= 1.15 * told
        # inside the band an honest case may reach: only the client's own figure gives it away
        assert claimed / before <= 1 + claim["period_days"] / 45
        (ev,) = claim["evidence"]
        witness = items[ev]
        assert witness.author == claim["client"]
        told_wan, claimed_wan = int(told // 10_000), int(claimed // 10_000)
        pct = numbers.growth_pct(int(before // 10_000), told_wan)
        mult = numbers.multiple(int(before // 10_000), told_wan)
        text = debris.to_simplified(witness.text)
        assert _mentions(text, told_wan) or (pct and f"{pct}%" in text) or (mult and mult in text), text
        assert not _mentions(text, claimed_wan)


def _mentions(text: str, wan: int) -> bool:
    forms = {f"{wan}万", f"{wan} 万", f"{wan}w", f"{wan}W", f"{wan * 10_000:,}元", f"{wan / 100:,.1f}百万元"}
    if wan % 1000 == 0:
        forms |= {f"{wan / 10_000:g}亿", f"{wan / 10_000:g} 亿"}
    if wan < 10_000:
        forms.add(numbers.cn_int(wan) + "万")
    return any(f in text for f in forms)


def test_sock_puppets_vouch_with_the_pages_figures_and_leave_only_their_habits_as_tell_tales(
    hard, truth, items
):
    arch = {p["legal_name"]: p["archetype"] for p in truth["providers"]}
    open_cases = [
        v for v in truth["claims"].values() if v["verdict"] == "not_enough_evidence" and not v["image_only"]
    ]
    propped = collections.Counter(arch[v["provider"]] for v in open_cases if v["archetype"] == "sock_puppet")
    pool = collections.Counter(arch[v["provider"]] for v in open_cases)
    assert propped["honest"] == 0
    share = propped["fraudulent"] / pool["fraudulent"]
    assert abs(share - adversary.SOCK_PUPPET_SHARE["fraudulent"]) < 0.2, share
    authors = collections.Counter(
        getattr(x, "author", None) or getattr(x, "nick", None) or getattr(x, "user_nick", None)
        for x in items.values()
    )
    names_of = {p["legal_name"]: (p["brand"], *p["aliases"]) for p in truth["providers"]}
    for path, claim in truth["claims"].items():
        if claim["archetype"] != "sock_puppet":
            continue
        assert claim["verdict"] == "not_enough_evidence"  # vouched for, still unsupported
        assert claim["client"] not in claim["sock_puppets"]
        posts = [items[e] for e in claim["puppet_posts"]]
        assert {x.author for x in posts} == set(claim["sock_puppets"])
        # the accounts post nowhere else: every document they wrote is one of these posts
        assert sum(authors[a] for a in claim["sock_puppets"]) == len(posts)
        page = _page_text(hard, path)
        published = dt.datetime.fromisoformat(items[_case_item(path)].published_at)
        for a in claim["sock_puppets"]:
            mine = sorted((x for x in posts if x.author == a), key=lambda x: x.created_at)
            assert len(mine) >= 2  # the testimonial and praise of the same agency
            # figures copied verbatim from the page, as the page prints them
            figures = [
                adversary.printed_amount(page, int(claim[k] // 10_000)) for k in ("before_cny", "after_cny")
            ]
            assert any(all(f in x.text for f in figures) for x in mine), (figures, [x.text for x in mine])
            # the start figure is always printed; a page that gives only a growth rate or a
            # multiple leaves the puppet to work out the end figure itself
            assert figures[0] in page
            for x in mine:
                assert any(n in x.text for n in names_of[claim["provider"]]), x.text
                lag = dt.datetime.fromisoformat(x.created_at) - published
                assert lag <= dt.timedelta(days=adversary.PUPPET_WINDOW_DAYS[1] + 1), (lag, x.created_at)


def _case_item(path: str) -> str:
    site, case_id = path.removeprefix("/cases/").removesuffix(".html").split("/case/")
    return f"cases:{site}/{case_id}"


def test_count_documents_counts_the_hard_worlds_extra_posts(hard, items):
    assert sum(hard.count_documents().values()) == len(items)


def test_the_review_farm_paraphrases_spreads_out_and_reuses_its_accounts(hard, truth, items):
    bought = truth["bought_reviews"]
    farm = {k for k, v in bought.items() if v.get("kind") == "paraphrased"}
    share = len(farm) / len(bought)
    assert abs(share - adversary.PARAPHRASED_SHARE) < 0.08, share
    reviews = {k.removeprefix("market:"): x for k, x in items.items() if x.kind == "market_review"}
    by_account = collections.defaultdict(list)
    for k in farm:
        by_account[reviews[k].author].append(reviews[k])
    # accounts with several reviews, across several agencies, all five stars
    assert min(len(v) for v in by_account.values()) >= 2
    assert sum(len({x.provider_name for x in v}) >= 3 for v in by_account.values()) >= 0.8 * len(by_account)
    assert all(x.rating == 5 for v in by_account.values() for x in v)
    # spread out: on one listing, rarely two farm reviews on the same day
    days = collections.Counter((reviews[k].service_code, reviews[k].created_at[:10]) for k in farm)
    assert sum(n > 1 for n in days.values()) <= 0.05 * len(days)
    # paraphrased: no farm review repeats another review of its listing word for word
    texts = collections.Counter((x.service_code, x.text) for x in reviews.values())
    repeated = sum(texts[(reviews[k].service_code, reviews[k].text)] > 1 for k in farm)
    assert repeated <= 0.05 * len(farm), repeated
    # and the farm's accounts are nobody else: no genuine review comes from one of them
    assert not {x.author for k, x in reviews.items() if k not in bought} & set(by_account)


def test_honest_agencies_have_bad_patches_and_smears_that_their_records_explain(hard, truth, items):
    honest = [p for p in truth["providers"] if p["honest"]]
    kinds = collections.defaultdict(set)
    for v in truth["complaints"].values():
        kinds[v["kind"]].add(v["provider"])
    assert {v["provider"] for v in truth["complaints"].values()} <= {p["legal_name"] for p in honest}
    for kind, share in (("bad_patch", adversary.BAD_PATCH_SHARE), ("smear", adversary.SMEAR_SHARE)):
        assert abs(len(kinds[kind]) / len(honest) - share) < 0.15, kind
    authors = collections.Counter(getattr(x, "author", None) for x in items.values())
    by_provider = collections.defaultdict(lambda: collections.defaultdict(list))
    for sn, v in truth["complaints"].items():
        by_provider[v["provider"]][v["kind"]].append(items[f"complaints:{sn}"])
    for docs in by_provider.values():
        patch = docs.get("bad_patch", [])
        # a bad month: inside one calendar month, every complaint answered and completed
        assert len({x.created_at[:7] for x in patch}) <= 1
        assert all(x.status == "已完成" and len(x.timeline) >= 4 for x in patch)
        smear = sorted(docs.get("smear", []), key=lambda x: x.created_at)
        if smear:
            first, last = (dt.datetime.fromisoformat(smear[i].created_at) for i in (0, -1))
            assert last - first <= dt.timedelta(days=adversary.SMEAR_SPAN_DAYS)
        for x in smear:
            assert authors[x.author] == 1  # a throwaway account: this complaint is all it ever wrote
            assert x.amount_cny is None  # no money, no order, no shop named
            assert x.status == "已回复" and x.timeline[-1]["text"] in adversary.SMEAR_REPLIES


def test_refuting_clients_may_not_say_which_case_or_may_use_the_agencys_former_name(hard, truth, items):
    from sandbox.sites.registry import registry_company

    refuting = [v for v in truth["claims"].values() if v["basis"] == "complaint"]
    hidden = collections.Counter(k for v in refuting for k in v.get("complaint_disguise", []))
    assert abs(hidden["unnamed_case"] / len(refuting) - adversary.UNNAMED_CASE_SHARE) < 0.2
    assert hidden["former_name"] > 0
    renamed = {p["legal_name"]: p for p in truth["providers"] if p.get("former_names")}
    assert abs(len(renamed) / len(truth["providers"]) - adversary.FORMER_NAME_SHARE) < 0.1
    for claim in refuting:
        (ev,) = claim["evidence"]
        doc = items[ev]
        text = debris.to_simplified(doc.text)
        start = dt.date.fromisoformat(claim["start"])
        # the account and the date still tie it to the case
        assert doc.author == claim["client"]
        assert (
            start
            <= dt.date.fromisoformat(doc.created_at[:10])
            <= start + dt.timedelta(days=claim["period_days"])
        )
        kinds = claim.get("complaint_disguise", [])
        if "unnamed_case" in kinds:
            assert claim["client"] not in text and f"{start.year}年{start.month}月" not in text
        if "former_name" in kinds:
            p = renamed[claim["provider"]]
            (former,) = p["former_names"]
            assert former in text or former in doc.title
            assert not any(n in text for n in (p["legal_name"], p["brand"], *p["aliases"][1:]))
    # the registry still lists the former name, the way 天眼查 shows 曾用名
    for legal, p in list(renamed.items())[:5]:
        i = next(k for k, q in enumerate(truth["providers"]) if q["legal_name"] == legal)
        page = registry_company(hard, hard.provider(i).company_id).body.decode()
        assert f'"historyNames": "{p["former_names"][0]}"' in page


def test_paid_one_off_accounts_show_no_buyer_credit_and_merchants_accounts_show_years_of_it(
    hard, truth, items
):
    reviews = {k.removeprefix("market:"): x for k, x in items.items() if x.kind == "market_review"}
    bought = truth["bought_reviews"]
    one_off = [reviews[k] for k, v in bought.items() if "one_review_buyer" in v.get("signals", [])]
    genuine = [x for k, x in reviews.items() if k not in bought]
    farm = [reviews[k] for k, v in bought.items() if v.get("kind") == "paraphrased"]
    assert all(x.author_level is not None and 0 <= x.author_level <= 20 for x in reviews.values())

    def fresh(xs):
        return sum(x.author_level == 0 for x in xs) / len(xs)

    shares = adversary.FRESH_ACCOUNT_SHARE
    assert abs(fresh(one_off) - shares["paid_one_off"]) < 0.06, fresh(one_off)
    assert abs(fresh(genuine) - shares["genuine"]) < 0.01, fresh(genuine)
    assert fresh(farm) < 0.05  # the farm keeps aged accounts: its history is its tell-tale
    # an account shows one level wherever it posts
    levels = collections.defaultdict(set)
    for x in reviews.values():
        levels[x.author].add(x.author_level)
    assert all(len(v) == 1 for v in levels.values())
    # the page carries the icon the level is read from; the easy world shows none
    lst = hard.listing(0, 0)
    q = {"service_code": lst.service_code, "currentPage": "1"}
    page = json.loads(render(hard, "/market/score/query_suggest.do", q).body)
    assert all("displayRatePic" in x for x in page["comments"])
    easy = json.loads(render(World(SEED, N), "/market/score/query_suggest.do", q).body)
    assert not any("displayRatePic" in x for x in easy["comments"])
    assert all(x.author_level is None for x in World(SEED, 5).expected_items() if x.kind == "market_review")
