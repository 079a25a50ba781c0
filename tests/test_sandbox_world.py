"""The sandbox world: deterministic, lazy, and its planted truth backed by evidence on the pages."""

from __future__ import annotations

import collections
import datetime as dt
import re
import time

import pytest

from pipelines import contracts as c
from sandbox import names, numbers
from sandbox.world import World

SEED = 11
N = 60


@pytest.fixture(scope="module")
def world() -> World:
    return World(SEED, N)


@pytest.fixture(scope="module")
def truth(world):
    return world.truth()


@pytest.fixture(scope="module")
def items(world):
    return list(world.expected_items())


def test_same_seed_same_world_and_other_seed_other_world(truth, items):
    assert World(SEED, N).truth() == truth
    assert [c.to_record(x) for x in World(SEED, N).expected_items()] == [c.to_record(x) for x in items]
    other = World(SEED + 1, N)
    assert other.truth()["providers"] != truth["providers"]
    assert {x.text for x in other.expected_items() if x.kind == "market_review"} != {
        x.text for x in items if x.kind == "market_review"
    }


def test_every_expected_item_is_a_valid_contract_item_with_a_unique_id(items):
    for item in items:
        c.validate(item)
    ids = collections.Counter(x.item_id for x in items)
    assert [i for i, n in ids.items() if n > 1] == []
    assert {x.kind for x in items} == set(c.ITEM_TYPES)


def test_count_documents_matches_expected_items(world, items):
    assert world.count_documents() == dict(collections.Counter(x.kind for x in items))


def test_big_world_is_lazy_and_names_stay_unique():
    started = time.perf_counter()
    w = World(3, 100_000)
    p = w.provider(99_999)
    assert time.perf_counter() - started < 1.0
    assert p.legal_name.endswith("公司") and p.brand.startswith(p.core)
    cores = {names.provider_core(3, i)[0] for i in range(100_000)}
    assert len(cores) == 100_000
    with pytest.raises(ValueError):
        World(3, 100_001)


def test_truth_lists_every_provider_and_every_case_page(world, truth, items):
    assert [p["legal_name"] for p in truth["providers"]] == [world.provider(i).legal_name for i in range(N)]
    case_paths = {x.source_url.removeprefix("http://sandbox") for x in items if x.kind == "case_page"}
    assert set(truth["claims"]) == case_paths
    verdicts = collections.Counter(v["verdict"] for v in truth["claims"].values())
    assert set(verdicts) == set(c.VERDICTS), verdicts
    archetypes = collections.Counter(p["archetype"] for p in truth["providers"])
    assert set(archetypes) == {"honest", "average", "fraudulent"}


def _by_id(items):
    return {x.item_id: x for x in items}


def test_supported_claims_are_corroborated_by_the_clients_own_words(world, truth, items):
    by_id = _by_id(items)
    supported = [v for v in truth["claims"].values() if v["verdict"] == "supported"]
    assert supported
    index = {p["legal_name"]: i for i, p in enumerate(truth["providers"])}
    unnamed = 0
    for claim in supported:
        (ev,) = claim["evidence"]
        doc = by_id[ev]
        assert doc.author == claim["client"]
        # It sits where the agency is the subject (its listing, or the question about it); the text
        # may name the agency by any of its names, or not at all, as clients write.
        p = world.provider(index[claim["provider"]])
        if doc.kind == "market_review":
            assert doc.provider_name == claim["provider"]
        else:
            assert doc.question_id == world.qid(p.index)
        unnamed += not any(n in doc.text for n in (p.brand, p.legal_name, *p.aliases))
        # the numbers: the before amount in some written form, and the after amount or the growth
        assert _mentions_amount(doc.text, claim["before_cny"])
        pct = numbers.growth_pct(int(claim["before_cny"] // 10_000), int(claim["after_cny"] // 10_000))
        mult = numbers.multiple(int(claim["before_cny"] // 10_000), int(claim["after_cny"] // 10_000))
        assert (
            _mentions_amount(doc.text, claim["after_cny"])
            or (pct and f"{pct}%" in doc.text)
            or (mult and mult in doc.text)
        ), doc.text
        start = dt.date.fromisoformat(claim["start"])
        assert dt.date.fromisoformat(doc.created_at[:10]) >= start
    assert 0 < unnamed < len(supported)


def _mentions_amount(text: str, yuan: float) -> bool:
    wan = int(yuan // 10_000)
    forms = {
        f"{wan}万",
        f"{wan} 万",
        f"{wan}w",
        f"{wan}W",
        f"{wan * 10_000:,}元",
        f"{wan / 10_000:g}亿",
        f"{wan / 10_000:g} 亿",
        f"{wan / 100:,.1f}百万元",
    }
    if wan < 10_000:
        forms.add(numbers.cn_int(wan) + "万")
    return any(f in text for f in forms)


def test_refuted_claims_carry_their_contradiction(world, truth, items):
    by_id = _by_id(items)
    bases = collections.Counter()
    for path, claim in truth["claims"].items():
        if claim["verdict"] != "refuted":
            continue
        bases[claim["basis"]] += 1
        start = dt.date.fromisoformat(claim["start"])
        end = start + dt.timedelta(days=claim["period_days"])
        if claim["basis"] == "complaint":
            (ev,) = claim["evidence"]
            complaint = by_id[ev]
            assert complaint.author == claim["client"] and claim["client"] in complaint.text
            assert start <= dt.date.fromisoformat(complaint.created_at[:10]) <= end
        else:
            reg = by_id[claim["evidence"][0]]
            if claim["basis"] == "predates":
                assert start < dt.date.fromisoformat(reg.established)
            else:
                assert reg.staff_insured <= 5
                case = next(x for x in items if x.kind == "case_page" and x.source_url.endswith(path))
                m = re.search(r"(\d+)[个個][类類]目|[类類]目覆[盖蓋](\d+)", case.text)
                count = int(m.group(1) or m.group(2))
                assert count >= 20
    assert bases["complaint"] > 0


def test_claims_that_are_not_refuted_fit_the_registry(world, truth):
    providers = {p["legal_name"]: world.provider(i) for i, p in enumerate(truth["providers"])}
    for claim in truth["claims"].values():
        if claim["verdict"] in ("refuted", "duplicated"):
            continue
        assert dt.date.fromisoformat(claim["start"]) >= providers[claim["provider"]].established


def test_duplicated_claims_copy_an_earlier_page_of_another_provider(truth, items):
    cases = {x.source_url.removeprefix("http://sandbox"): x for x in items if x.kind == "case_page"}
    dups = [(p, v) for p, v in truth["claims"].items() if v["verdict"] == "duplicated"]
    assert dups
    for path, claim in dups:
        original = truth["claims"][claim["original"]]
        assert original["provider"] != claim["provider"]
        assert (original["before_cny"], original["after_cny"]) == (claim["before_cny"], claim["after_cny"])
        # the client may be written differently on the copy (suffix changed or dropped), never renamed
        assert original["client"][:2] == claim["client"][:2]
        copy, first = cases[path], cases[claim["original"]]
        assert first.published_at[:10] <= copy.published_at[:10]
        assert copy.text != first.text  # reworded, not byte-copied


def test_implausible_growth_is_far_beyond_what_any_other_claim_shows(truth):
    def ratio(v):
        return v["after_cny"] / v["before_cny"] / (1 + v["period_days"] / 45)

    impl = [ratio(v) for v in truth["claims"].values() if v["verdict"] == "implausible"]
    # (a duplicated copy keeps whatever numbers its original had, so it is left out)
    rest = [ratio(v) for v in truth["claims"].values() if v["verdict"] not in ("implausible", "duplicated")]
    assert impl and max(rest) <= 1.0 and min(impl) > 3 * max(rest)


def test_bought_reviews_show_the_signals_planted_for_them(world, truth, items):
    reviews = {x.native_id: x for x in items if x.kind == "market_review"}
    nick_count = collections.Counter(x.author for x in reviews.values())
    by_signal = collections.defaultdict(list)
    for rid, info in truth["bought_reviews"].items():
        for s in info["signals"]:
            by_signal[s].append(reviews[rid])
    assert set(by_signal) == {"burst", "near_duplicate", "incentive_wording", "one_review_buyer"}
    for r in by_signal["one_review_buyer"]:
        assert nick_count[r.author] == 1
    for r in by_signal["incentive_wording"]:
        assert "返" in r.text or "红包" in r.text
    for r in by_signal["burst"]:
        same_day = [
            x
            for x in reviews.values()
            if x.service_code == r.service_code and x.created_at[:10] == r.created_at[:10]
        ]
        assert len(same_day) >= 2
    # no single signal catches every bought review
    for signal, found in by_signal.items():
        assert len(found) < len(truth["bought_reviews"]), signal


def test_fraudulent_providers_differ_by_evidence_not_by_markers(world, truth, items):
    arch = {p["legal_name"]: p["archetype"] for p in truth["providers"]}
    bought = collections.Counter(arch[v["provider"]] for v in truth["bought_reviews"].values())
    reviews = collections.Counter(arch[x.provider_name] for x in items if x.kind == "market_review")
    assert bought["fraudulent"] / reviews["fraudulent"] > 2 * bought["honest"] / reviews["honest"]
    # ...while ids and text lengths do not give the archetype away
    lengths = collections.defaultdict(list)
    for x in items:
        if x.kind == "market_review" and x.native_id not in truth["bought_reviews"]:
            lengths[arch[x.provider_name]].append(len(x.text))
    means = {a: sum(v) / len(v) for a, v in lengths.items()}
    assert max(means.values()) < 1.5 * min(means.values()), means


def test_texts_span_the_lengths_and_forms_of_real_pages(items):
    texts = [x.text for x in items if getattr(x, "text", "")]
    # about 2,000 characters at most, a little more where pinyin debris was glued in
    assert 5 <= min(map(len, texts)) <= 8 and 1400 <= max(map(len, texts)) <= 2600
    joined = "\n".join(texts)
    assert re.search(r"\((?:yùn|yíng|diàn|shāng|wù)\)", joined)  # pinyin debris
    assert "&ldquo;" in joined or "&amp;ldquo;" in joined
    assert re.search(r"QQ|微信|V：", joined)
    assert re.search(r"侵权|侵删", joined)
    complaints = "\n".join(x.text for x in items if x.kind == "complaint")
    assert re.search(r"(?<!\d)1[3589]\d{9}(?!\d)", complaints)  # phone numbers inside ordinary texts
    assert re.search(r"微信[a-z]{3,6}\d{3,5}", complaints)
    dates = {x.date_raw for x in items if x.kind == "article"}
    assert any("|" in d for d in dates) or any("发布于" in d for d in dates)


def _held_out_accuracy(values: list, labels: list[str]) -> float:
    """Fit the best one-feature rule on even positions ('value ≥ t', or the majority label of each
    category), score it on odd ones: a real marker scores near 1.0, noise near the base rate."""
    fit = list(zip(values[::2], labels[::2], strict=True))
    test = list(zip(values[1::2], labels[1::2], strict=True))
    if all(isinstance(v, (int, float)) for v in values):

        def score(rule, rows):
            return sum(rule(v) == (lab == "fraudulent") for v, lab in rows) / len(rows)

        rules = [(lambda v, t=t, up=up: (v >= t) == up) for t in sorted(set(values)) for up in (True, False)]
        best = max(rules, key=lambda r: score(r, fit))
        return score(best, test)
    by_value = collections.defaultdict(collections.Counter)
    for v, lab in fit:
        by_value[v][lab] += 1
    overall = collections.Counter(lab for _, lab in fit).most_common(1)[0][0]
    guess = {v: c.most_common(1)[0][0] for v, c in by_value.items()}
    return sum(guess.get(v, overall) == lab for v, lab in test) / len(test)


def test_no_marker_like_public_attribute_separates_honest_from_fraudulent():
    w = World(23, 1200)
    providers = [p for p in w.providers() if p.archetype != "average"]
    labels = [p.archetype for p in providers]
    features = {
        "brand suffix": [p.brand[len(p.core) :] for p in providers],
        "legal suffix": [p.legal_name[len(p.city) + len(p.core) :] for p in providers],
        "city": [p.city for p in providers],
        "tp star": [p.tp_star or 0 for p in providers],
        "listings": [p.n_listings for p in providers],
        "min price": [w.listing(p.index, 0).price_min for p in providers],
        "capital": [p.capital_wan for p in providers],
        "id parity": [int(p.company_id) % 2 for p in providers],
        "site length": [len(p.site) for p in providers],
        "title length": [len(w.listing(p.index, 0).title) for p in providers],
    }
    odd = labels[1::2]
    base = max(odd.count("honest"), odd.count("fraudulent")) / len(odd)
    for name, values in features.items():
        acc = _held_out_accuracy(values, labels)
        assert acc < base + 0.08, (name, acc, base)


def test_a_client_complains_within_the_period_exactly_when_the_claim_is_refuted_by_it(world, truth, items):
    complaints = [x for x in items if x.kind == "complaint"]
    late = 0
    for claim in truth["claims"].values():
        start = dt.date.fromisoformat(claim["start"])
        end = start + dt.timedelta(days=claim["period_days"])
        by_client = [
            x
            for x in complaints
            if x.author == claim["client"] and claim["provider"] in (x.target, _legal_of(truth, x.target))
        ]
        within = [x for x in by_client if start <= dt.date.fromisoformat(x.created_at[:10]) <= end]
        assert bool(within) == (claim["basis"] == "complaint"), claim
        late += len(by_client) - len(within)
    assert late > 0  # clients who complained after the period: a date, not a complaint, decides


def _legal_of(truth, target: str) -> str | None:
    return next(
        (p["legal_name"] for p in truth["providers"] if target in (p["brand"], p["legal_name"])), None
    )


def _simplified_case_pages(world, truth):
    from sandbox import debris

    for path, claim in truth["claims"].items():
        site, case_id = path.removeprefix("/cases/").removesuffix(".html").split("/case/")
        p = world.provider_by_site(site)
        cc = world.case_by_id(p, case_id)
        yield claim, debris.to_simplified(world.case_page(p.index, cc.slot).text)


def test_every_case_page_states_its_claim_exactly_in_some_form(world, truth):
    """Fair difficulty: whatever form a page uses, its words determine the truth's numbers."""
    for claim, text in _simplified_case_pages(world, truth):
        start = dt.date.fromisoformat(claim["start"])
        y, m = start.year, start.month
        assert any(f in text for f in (f"{y}年{m}月", f"{y}.{m}", f"{y}年{m:02d}月")), text
        if claim["image_only"]:
            continue
        before, after = int(claim["before_cny"] // 10_000), int(claim["after_cny"] // 10_000)
        assert _mentions_amount(text, claim["before_cny"]) or numbers.cn_int(before) + "万" in text, text
        pct, mult = numbers.growth_pct(before, after), numbers.multiple(before, after)
        assert (
            _mentions_amount(text, claim["after_cny"])
            or (after < 10_000 and numbers.cn_int(after) + "万" in text)
            or (pct and f"{pct}%" in text)
            or (mult and mult in text)
        ), text


def test_case_pages_write_figures_in_many_forms(world, truth):
    """No reader can be written against three templates: each of these forms occurs, none is all."""
    texts = [text for _claim, text in _simplified_case_pages(world, truth)]
    forms = {
        "arrow": r"→",
        "percent growth": r"增长(?:了)?\d+%",
        "multiple": r"翻了[一两]番|是原来的",
        "currency sign": r"人民币|[¥￥]",
        "spaced unit": r"\d [万亿]",
        "yuan in full": r"\d{1,3}(?:,\d{3})+元",
        "month range": r"\d{4}\.\d{1,2}—|\d{4}年\d{1,2}月(?:至|到|-)",
        "side figure": r"ROI|投产比|点击率|转化率|退款率|客单价",
    }
    for name, pattern in forms.items():
        share = sum(bool(re.search(pattern, t)) for t in texts) / len(texts)
        assert 0.01 <= share <= 0.9, (name, share)


def test_agencies_are_named_in_every_way_people_write_them(world, items):
    """Brand, legal name, alias (pinyin included) and court-style masked names all occur in free text,
    and some first-hand texts name no agency at all."""
    providers = list(world.providers())
    text = "\n".join(x.text for x in items if x.kind in ("complaint", "forum_answer", "article", "comment"))
    assert sum(p.brand in text for p in providers) > 0.8 * len(providers)
    assert sum(p.legal_name in text for p in providers) > 0.5 * len(providers)
    assert sum(any(a in text for a in p.aliases[1:]) for p in providers) > 0.5 * len(providers)
    assert re.search(r"某某?[^\s，。]{0,8}有限公司", text)
    reviews = [x for x in items if x.kind == "market_review"]
    by_legal = {p.legal_name: p for p in providers}
    unnamed = [
        r
        for r in reviews
        if not any(
            n in r.text
            for n in (by_legal[r.provider_name].brand, r.provider_name, by_legal[r.provider_name].core)
        )
    ]
    assert 0.3 < len(unnamed) / len(reviews) < 0.98
