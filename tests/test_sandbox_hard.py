"""The hard world (`--hard`): each adversarial archetype present in its documented share, its truth
recorded, and the tell-tales a careful analyst would use on the pages; the rest of the world untouched."""

from __future__ import annotations

import collections
import datetime as dt

import pytest

from pipelines import contracts as c
from sandbox import adversary, debris, names, numbers
from sandbox.world import World

SEED = 13
N = 120


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
    touched = {p for p, v in truth["claims"].items() if v["archetype"] in ("disguised_copy", "inflated")}
    assert touched
    # every claim the adversary left alone keeps its truth, field for field
    for path, claim in truth["claims"].items():
        if path not in touched:
            plain = {k: v for k, v in claim.items() if k != "archetype"}
            assert plain == easy_truth["claims"][path], path
    # the documents are the same documents; only case pages and the witnesses of inflated cases differ
    easy_items = {x.item_id: x for x in easy.expected_items()}
    assert easy_items.keys() == items.keys()
    witnesses = {e for p in touched for e in truth["claims"][p]["evidence"] if not e.startswith("cases:")}
    changed = {k for k, x in items.items() if c.to_record(x) != c.to_record(easy_items[k])}
    assert changed and all(k.startswith("cases:") or k in witnesses for k in changed), changed - witnesses
    # providers gain a field and keep the rest
    for mine, theirs in zip(truth["providers"], easy_truth["providers"], strict=True):
        assert mine["honest"] == (mine["archetype"] == "honest")
        assert {k: v for k, v in mine.items() if k != "honest"} == theirs


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
