"""Discovery without listings (the real 知乎, 搜狐 and 天眼查 have none): the names a search-only source
learns from the data tree, the order a run crawls in, and crawls that search instead of list."""

from __future__ import annotations

import json
import os
import subprocess
from urllib.parse import parse_qsl, urlsplit

import pytest

from pipelines.config import WatchedProvider
from pipelines.storage import DataTree, RawWriter
from spiders.discovery import crawl_waves, known_names, registered_names, search_plan
from tests.sandbox_fixture import REPO, raw_records, spider_cmd, watch_world

SEED = 20261208
N_PROVIDERS = 10


def _write_raw(tree: DataTree, source: str, records: list[dict]) -> None:
    with RawWriter(tree.raw_file(source, f"run-{source}")) as writer:
        for rec in records:
            writer.write({"source": source, **rec})


def test_known_names_come_from_every_structured_source_once_each(tmp_path):
    tree = DataTree(tmp_path)
    _write_raw(
        tree,
        "market",
        [
            {"kind": "market_listing", "provider_name": "温州青禾网络科技有限公司", "brand": "青禾电商"},
            # A review's text names agencies too, but only structured fields are names.
            {"kind": "market_review", "provider_name": "温州青禾网络科技有限公司", "text": "找北辰代运营"},
        ],
    )
    _write_raw(
        tree,
        "complaints",
        [
            {"kind": "complaint", "target": "宁波北辰电子商务有限公司"},
            {"kind": "complaint", "target": "青禾電商"},  # traditional script: the same name
            # A sentence in the name field is not a name to search.
            {"kind": "complaint", "target": "店铺委托对方代运营三个月" * 4},
        ],
    )
    _write_raw(tree, "cases", [{"kind": "case_page", "provider_name": "ＳＵＮ星辰运营"}])
    record = {"kind": "registry_record", "legal_name": "宁波北辰电子商务有限公司", "alias": "北辰"}
    _write_raw(tree, "registry", [record])
    _write_raw(tree, "forum", [{"kind": "forum_answer", "text": "听说松果代运营不错"}])

    assert known_names(tree) == [
        "温州青禾网络科技有限公司",
        "青禾电商",
        "宁波北辰电子商务有限公司",
        "ＳＵＮ星辰运营",
        "北辰",
    ]


def test_known_names_of_an_empty_tree_are_none(tmp_path):
    assert known_names(DataTree(tmp_path)) == []


def test_the_plan_searches_watched_then_known_then_generic_terms_each_once(tmp_path):
    tree = DataTree(tmp_path)
    _write_raw(
        tree,
        "market",
        [{"kind": "market_listing", "provider_name": "温州青禾网络科技有限公司", "brand": "青禾电商"}],
    )
    watched = [WatchedProvider("qinghe", "青禾电商", "温州青禾网络科技有限公司", ("青禾",))]
    plan = search_plan(watched, tree, ["代运营", "青禾电商", "代运营"])
    assert plan.watched == ("温州青禾网络科技有限公司", "青禾电商")
    assert plan.known == ()  # already searched as watched names
    assert plan.generic == ("代运营",)
    assert plan.queries == ["温州青禾网络科技有限公司", "青禾电商", "代运营"]
    assert plan.describe("forum") == (
        "forum: searching 3 queries — 2 watched names, 0 names already in the data tree, "
        "1 generic terms (代运营)"
    )


def test_the_registry_does_not_search_again_for_companies_it_already_holds(tmp_path):
    tree = DataTree(tmp_path)
    _write_raw(
        tree,
        "market",
        [
            {"kind": "market_listing", "provider_name": "温州青禾网络科技有限公司", "brand": "青禾电商"},
            {"kind": "market_listing", "provider_name": "宁波北辰电子商务有限公司", "brand": "北辰"},
        ],
    )
    record = {"kind": "registry_record", "legal_name": "宁波北辰电子商务有限公司", "alias": "北辰"}
    _write_raw(tree, "registry", [record])
    assert registered_names(tree) == ["宁波北辰电子商务有限公司", "北辰"]
    plan = search_plan([], tree, [], already_found=registered_names(tree))
    assert plan.known == ("温州青禾网络科技有限公司", "青禾电商")
    # Other sources still search every known name: a company's stories keep coming.
    assert len(search_plan([], tree, []).known) == 4


def test_a_full_run_lists_first_and_searches_second_a_targeted_one_goes_at_once():
    everything = ["market", "complaints", "forum", "articles", "registry", "cases"]
    assert crawl_waves(everything, targeted=False) == [
        ["market", "complaints", "cases"],
        ["forum", "articles", "registry"],
    ]
    assert crawl_waves(everything, targeted=True) == [everything]
    assert crawl_waves(["registry"], targeted=False) == [["registry"]]
    assert crawl_waves([], targeted=False) == []


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("KAOPU_")}


@pytest.mark.slow
def test_registry_crawls_the_watch_lists_companies_by_search(tmp_path):
    from sandbox.server import start
    from sandbox.world import World

    watched = [World(SEED, N_PROVIDERS).provider(i) for i in (2, 6)]
    watch_world(tmp_path, SEED, N_PROVIDERS, indexes=(2, 6))
    log = tmp_path / "access.log"
    with start(SEED, N_PROVIDERS, access_log=log) as sb:
        cmd = spider_cmd("registry", tmp_path, sb.url)
        proc = subprocess.run(cmd, cwd=REPO, env=_env(), capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    names = {rec["legal_name"] for rec in raw_records(tmp_path, "registry")}
    assert {p.legal_name for p in watched} <= names
    asked = [line.split(" ")[2] for line in log.read_text(encoding="utf-8").splitlines()]
    assert any(p.startswith("/registry/search?key=") for p in asked)


@pytest.mark.slow
def test_a_search_source_with_nothing_to_go_on_still_runs_its_generic_terms_and_says_so(tmp_path):
    from sandbox.server import start

    (tmp_path / "providers.toml").write_text("# nobody watched yet\n", encoding="utf-8")
    log = tmp_path / "access.log"
    with start(SEED, N_PROVIDERS, access_log=log) as sb:
        cmd = spider_cmd("forum", tmp_path, sb.url)  # the shipped sandbox profile's generic terms
        proc = subprocess.run(cmd, cwd=REPO, env=_env(), capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    stats = json.loads((tmp_path / "stats-forum.json").read_text(encoding="utf-8"))
    assert stats["searched"] == (
        "forum: searching 3 queries — 0 watched names, 0 names already in the data tree, "
        "3 generic terms (代运营、天猫代运营、淘宝代运营)"
    )
    asked = [line.split(" ")[2] for line in log.read_text(encoding="utf-8").splitlines()]
    searched = {
        dict(parse_qsl(urlsplit(p).query))["q"] for p in asked if p.startswith("/forum/api/v4/search_v3")
    }
    assert searched == {"代运营", "天猫代运营", "淘宝代运营"}
    # The generic term found stories, and each hit's whole question was read.
    assert any(p.startswith("/forum/api/v4/questions/") for p in asked)
    assert raw_records(tmp_path, "forum")
