"""End to end: crawl a sandbox world as of D1, then as of D2 with `--revisit all`. Every withdrawal,
deletion, edit and figure change the truth lists between D1 and D2 must be in clean/changes, with no
false event; the marts' counts must match the truth; raw only grows; a gone item stays in
clean/documents with `gone_at`; an incremental build equals a full one."""

from __future__ import annotations

import collections
import hashlib

import pytest

from incremental_build.clean import update_clean
from incremental_build.marts import build_marts
from pipelines.storage import DataTree, read_table
from sandbox import dates
from sandbox.history import parse_as_of
from sandbox.server import start
from sandbox.world import World
from tests.sandbox_fixture import crawl, raw_records, watch_world

pytestmark = pytest.mark.slow

SEED, N = 11, 8
D1, D2 = "2026-06-10", "2027-03-31"  # before the world's today (2026-06-30), and nine months after it
SOURCES = ("market", "complaints", "cases")
SCORED = ("withdrawn", "deleted", "edited", "figures_changed")


def _digest(tree: DataTree) -> dict[str, str]:
    return {tree.relative(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in tree.raw_files()}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    data = tmp_path_factory.mktemp("history")
    tree = DataTree(data)
    watch_world(data, SEED, N)
    with start(SEED, n_providers=N, port=0, as_of=parse_as_of(D1)) as sb:
        first = crawl(data, sb.url, sources=SOURCES)
    assert all(code == 0 for code, _, _ in first.values()), first
    update_clean(tree, workers=1)
    build_marts(tree)
    state = {
        "raw": _digest(tree),
        "lines": collections.Counter(
            (r["source"], r["native_id"], r["fetched_at"]) for r in raw_records(data)
        ),
        "docs": set(read_table(tree, "clean/documents", ["doc_id"]).column("doc_id").to_pylist()),
    }
    with start(SEED, n_providers=N, port=0, as_of=parse_as_of(D2)) as sb:
        second = crawl(data, sb.url, "--revisit", "all", sources=SOURCES)
    assert all(code == 0 for code, _, _ in second.values()), second
    update_clean(tree, workers=1)  # incremental: the revisit's versions of known doc_ids are new raw
    build_marts(tree)
    return tree, state


@pytest.fixture(scope="module")
def truth():
    before = {
        (e["source"], e["native_id"], e["kind"])
        for e in World(SEED, N, as_of=parse_as_of(D1)).truth().get("events", [])
    }
    later = World(SEED, N, as_of=parse_as_of(D2)).truth()
    # Events on documents that existed on D1: one created later was first seen already changed.
    first_day = dates.iso(parse_as_of(D1))
    events = [
        e
        for e in later["events"]
        if (e["source"], e["native_id"], e["kind"]) not in before and e["created"] <= first_day
    ]
    assert {e["kind"] for e in events} == set(SCORED), "the test world must hold every kind of event"
    return events


def test_every_event_between_the_two_days_is_in_clean_changes(crawled, truth):
    tree, _ = crawled
    changes = read_table(tree, "clean/changes").to_pandas()
    got = {(r.doc_id, r.change) for r in changes.itertuples() if r.change in SCORED}
    want = {(f"{e['source']}:{e['native_id']}", e["kind"]) for e in truth}
    recall = len(want & got) / len(want)
    assert recall >= 0.99, f"missed {sorted(want - got)[:10]}"
    assert got - want == set(), f"false events {sorted(got - want)[:10]}"
    # Each change row says what changed: a raised rating's before and after, a case's figures.
    raised = [e for e in truth if e["kind"] == "edited" and e["rating_after"] > e["rating_before"]]
    rows = changes.set_index(["doc_id", "change"])
    for e in raised:
        row = rows.loc[(f"market:{e['native_id']}", "edited")]
        assert (row["rating_before"], row["rating_after"]) == (e["rating_before"], e["rating_after"])
    figures = changes[changes["change"] == "figures_changed"]
    assert (figures["figures_before"] != figures["figures_after"]).all()


def test_marts_count_what_the_truth_says_happened(crawled, truth):
    tree, _ = crawled
    rep = read_table(tree, "marts/provider_reputation").to_pandas().set_index("provider_name")
    brand = {p.legal_name: p.brand for p in World(SEED, N).providers()}  # the watch list's names
    want: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for e in truth:
        pid = brand[e["provider"]]
        if e["kind"] == "withdrawn":
            want[pid]["complaints_withdrawn"] += 1
        elif e["kind"] == "deleted":
            want[pid]["reviews_deleted"] += 1
        elif e["kind"] == "figures_changed":
            want[pid]["case_figures_changed"] += 1
        elif e["rating_after"] > e["rating_before"]:
            want[pid]["ratings_raised"] += 1
    cols = ["complaints_withdrawn", "reviews_deleted", "ratings_raised", "case_figures_changed"]
    for pid in rep.index:
        got = {c: int(rep.at[pid, c]) for c in cols}
        assert got == {c: want[pid][c] for c in cols}, pid
    assert sum(sum(c.values()) for c in want.values()) > 0


def test_nothing_leaves_raw_and_gone_items_stay_in_documents(crawled, truth):
    tree, state = crawled
    after = _digest(tree)
    assert {k: after.get(k) for k in state["raw"]} == state["raw"], "a raw file of the first crawl changed"
    lines = collections.Counter(
        (r["source"], r["native_id"], r["fetched_at"]) for r in raw_records(tree.root)
    )
    assert not state["lines"] - lines
    docs = read_table(tree, "clean/documents").to_pandas().set_index("doc_id")
    assert state["docs"] <= set(docs.index), "a document of the first build left clean/documents"
    assert len(docs) > len(state["docs"]), "the later day's new documents are missing"
    for e in truth:
        doc = docs.loc[f"{e['source']}:{e['native_id']}"]
        assert doc["versions"] >= (1 if e["kind"] in ("withdrawn", "deleted") else 2)
        if e["kind"] in ("withdrawn", "deleted"):
            assert doc["gone_at"] is not None and str(doc["gone_at"]) != "NaT"
            assert doc["gone_how"] == ("withdrawn_page" if e["kind"] == "withdrawn" else "missing_from_list")
        else:
            assert doc["last_seen_at"] > doc["first_seen_at"]
    # The revisit wrote known items again: some ids now have two lines in raw.
    twice = collections.Counter((r["source"], r["native_id"]) for r in raw_records(tree.root))
    assert max(twice.values()) >= 2


def test_an_incremental_build_equals_a_full_one(crawled):
    tree, _ = crawled
    inc_changes = read_table(tree, "clean/changes").to_pandas()
    inc_docs = read_table(tree, "clean/documents").to_pandas().set_index("doc_id")
    update_clean(tree, workers=1, full=True)
    full_changes = read_table(tree, "clean/changes").to_pandas()
    full_docs = read_table(tree, "clean/documents").to_pandas().set_index("doc_id")
    cols = [
        "doc_id",
        "change",
        "seen_at",
        "rating_before",
        "rating_after",
        "figures_before",
        "figures_after",
        "how",
    ]
    key = ["doc_id", "change", "seen_at"]
    a = inc_changes[cols].sort_values(key).reset_index(drop=True)
    b = full_changes[cols].sort_values(key).reset_index(drop=True)
    assert a.equals(b)
    hist = ["versions", "first_seen_at", "last_seen_at", "gone_at", "gone_how", "rating_first", "n_changes"]
    assert inc_docs.loc[full_docs.index, hist].equals(full_docs[hist])


def test_a_case_that_changed_its_figures_is_checked_against_its_first_version(crawled, truth):
    tree, _ = crawled
    claims = read_table(tree, "clean/claims").to_pandas()
    docs = read_table(tree, "clean/documents").to_pandas().set_index("doc_id")
    changed = [f"cases:{e['native_id']}" for e in truth if e["kind"] == "figures_changed"]
    assert changed
    for doc_id in changed:
        mine = claims[claims["doc_id"] == doc_id]
        assert len(mine) and (mine["fetched_at"] == docs.at[doc_id, "first_seen_at"]).all(), doc_id
