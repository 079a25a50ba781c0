"""`kaopu report` without a browser: what the pages say, what they never do with scraped text, the
ClaimReview file, comparison, and that a failed write leaves the previous report whole."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from markupsafe import escape

from pipelines.messages import render, say
from pipelines.storage import read_table
from report import ReportError, page_name, write_report
from report.build import score_interval
from report.claim_reviews import RATING, safe_url
from tests.report_fixture import HOSTILE_ALIAS, HOSTILE_NAME, QUIET_ALIAS_TRADITIONAL, QUIET_NAME, build_tree


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    return build_tree(tmp_path_factory.mktemp("report") / "data")


@pytest.fixture(scope="module")
def zh(tree):
    return write_report(tree)


@pytest.fixture(scope="module")
def rep(tree):
    return read_table(tree, "marts/provider_reputation").to_pandas().set_index("provider_id")


def _rows(site_index: Path) -> list[dict]:
    body = (site_index.parent / "assets" / "rows.js").read_text("utf-8")
    return json.loads(body.removeprefix("window.KAOPU=").rstrip().rstrip(";"))["rows"]


def _pid(rep, name):
    return rep.index[rep["provider_name"] == name][0]


def test_index_lists_every_provider_with_a_link_to_its_page(zh, rep):
    rows = _rows(zh.index)
    assert len(rows) == len(rep)
    for row in rows:
        assert (zh.index.parent / row["href"]).is_file()
    assert "<" not in (zh.index.parent / "assets" / "rows.js").read_text("utf-8")


def test_a_hostile_name_is_escaped_and_never_a_path(zh, rep):
    pid = _pid(rep, HOSTILE_NAME)
    page = zh.pages[pid]
    assert page.parent == zh.index.parent / "providers" and page.is_file()
    html = page.read_text("utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;../../逃逸" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    site = zh.index.parent.resolve()
    assert all(site in p.resolve().parents for p in site.rglob("*"))


@pytest.mark.parametrize("pid", ["../../etc/passwd", "<script>", "a/b", "..", "providers"])
def test_page_names_are_plain_file_names(pid):
    name = page_name(pid)
    assert "/" not in name and "\\" not in name and not name.startswith(".") and name.endswith(".html")
    assert re.fullmatch(r"[\w.-]+", name)


def test_a_provider_without_evidence_says_no_data_in_place_of_each_chart(zh, rep):
    html = zh.pages[_pid(rep, QUIET_NAME)].read_text("utf-8")
    assert 'class="chart"' not in html
    # rating, sentiment, complaints and their amounts per month, complaint outcomes, cases, flagged reviews,
    # registry, fees, freshness: each says so
    assert html.count('<p class="nodata">暂无数据</p>') >= 10
    assert "未找到独立证据" in html  # its risk flag, in Chinese


def test_a_provider_page_shows_its_charts_cases_and_evidence(zh, tree, rep):
    checks = read_table(tree, "marts/claim_checks").to_pandas()
    decided = checks[checks["evidence"].map(len) > 0].iloc[0]
    html = zh.pages[decided["provider_id"]].read_text("utf-8")
    assert html.count('<svg class="chart"') >= 2
    assert render(decided["reason_code"], decided["reason_args"], "zh") in html
    assert f'id="claim-{decided["claim_id"]}"' in html
    docs = read_table(tree, "clean/documents", ["doc_id", "source_url"]).to_pandas().set_index("doc_id")
    url = safe_url(docs.at[decided["evidence"][0], "source_url"])
    assert url and f'href="{escape(url)}"' in html
    assert re.search(r"依据 \d+ 份文档", html)


def test_english_report_renders_the_same_codes_in_english(tree, tmp_path, rep):
    en = write_report(tree, tmp_path / "en", lang="en")
    checks = read_table(tree, "marts/claim_checks").to_pandas()
    c = checks.iloc[0]
    html = en.pages[c["provider_id"]].read_text("utf-8")
    assert render(c["reason_code"], c["reason_args"], "en") in html
    assert "Score breakdown" in html and "no data" in en.pages[_pid(rep, QUIET_NAME)].read_text("utf-8")
    assert 'lang="en"' in html


def test_claim_reviews_one_per_verdict_with_rating_and_citations(zh, tree, rep):
    checks = read_table(tree, "marts/claim_checks").to_pandas().set_index("claim_id")
    reviews = [json.loads(line) for line in zh.claim_reviews.read_text("utf-8").splitlines()]
    assert len(reviews) == len(checks) > 0
    for r in reviews:
        c = checks.loc[r["identifier"]]
        assert r["@type"] == "ClaimReview" and r["claimReviewed"]
        assert r["reviewRating"]["ratingValue"] == RATING[c["verdict"]]
        assert r["reviewRating"]["alternateName"] == c["verdict"]
        assert [x["identifier"] for x in r["citation"]] == list(c["evidence"])
        assert r["itemReviewed"]["author"]["name"] == rep.at[c["provider_id"], "provider_name"]
    # The provider page embeds its reviews as JSON-LD.
    pid = checks["provider_id"].iloc[0]
    html = zh.pages[pid].read_text("utf-8")
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    embedded = json.loads(ld.group(1))
    assert {r["identifier"] for r in embedded} == set(checks.index[checks["provider_id"] == pid])


def test_compare_page_for_named_providers_in_either_script(tree, tmp_path, rep):
    a = rep.loc[rep["n_documents"] > 0, "provider_name"].iloc[0]
    site = write_report(tree, tmp_path / "cmp", names=[a, QUIET_ALIAS_TRADITIONAL], compare=True)
    assert site.chosen == [_pid(rep, a), _pid(rep, QUIET_NAME)]
    html = site.compare.read_text("utf-8")
    assert a in html and QUIET_NAME in html and "暂无数据" in html
    with pytest.raises(ReportError, match="2 to 5"):
        write_report(tree, tmp_path / "cmp1", names=[a], compare=True)
    with pytest.raises(ReportError) as exc:
        write_report(tree, tmp_path / "cmp2", names=["没有这家公司"])
    assert exc.value.exit_code == 3


def test_a_failed_write_leaves_the_previous_report_whole(tree, tmp_path, monkeypatch):
    out = tmp_path / "site"
    first = write_report(tree, out)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))

    def boom(*_a, **_k):
        raise RuntimeError("disk full")

    monkeypatch.setattr("report.build.provider_context", boom)
    with pytest.raises(RuntimeError):
        write_report(tree, out)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert first.index.is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no temporary directory left behind


def test_only_http_links_are_kept():
    assert safe_url("https://example.com/a") == "https://example.com/a"
    assert safe_url("//example.com/a") == "https://example.com/a"
    for bad in ("javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "/relative", None, ""):
        assert safe_url(bad) is None


def test_interval_narrows_with_evidence():
    lo1, hi1 = score_interval(70.0, 0.2)
    lo2, hi2 = score_interval(70.0, 0.95)
    assert lo1 < lo2 < 70.0 < hi2 < hi1
    assert lo1 >= 0 and hi1 <= 100


def test_hostile_alias_is_searchable_as_text_only(zh):
    rows = _rows(zh.index)
    row = next(r for r in rows if r["name"] == HOSTILE_NAME)
    assert HOSTILE_ALIAS.lower() in row["key"]


def test_cli_writes_the_report_and_prints_each_named_page(tree, tmp_path, rep):
    from typer.testing import CliRunner

    from cli.app import app

    name = rep.loc[rep["n_documents"] > 0, "provider_name"].iloc[0]
    out = tmp_path / "cli-site"
    runner = CliRunner()
    ok = runner.invoke(app, ["--data", str(tree.root), "report", name, "--out", str(out), "--lang", "en"])
    assert ok.exit_code == 0, ok.output
    assert f"report: {out / 'index.html'}" in ok.output
    assert str(out / "providers" / page_name(_pid(rep, name))) in ok.output
    assert 'lang="en"' in (out / "index.html").read_text("utf-8")
    missing = runner.invoke(app, ["--data", str(tree.root), "report", "没有这家公司", "--out", str(out)])
    assert missing.exit_code == 3
    bad = runner.invoke(app, ["--data", str(tree.root), "report", "--lang", "fr", "--out", str(out)])
    assert bad.exit_code == 2


def _printed(monkeypatch, show) -> str:
    """What a cli printer writes, on a console wide enough that no sentence is folded."""
    from cli import render
    from cli.consoles import KaopuConsole

    console = KaopuConsole(width=2000, record=True, file=io.StringIO())
    monkeypatch.setattr(render, "out", console)
    show(render)
    return console.export_text()


def test_crawl_provider_printout_speaks_the_merchants_language(tree, rep, monkeypatch):
    checks = read_table(tree, "marts/claim_checks").to_pandas()
    c = checks[checks["verdict"] != "not_enough_evidence"].iloc[0]
    name = rep.at[c["provider_id"], "provider_name"]
    zh = _printed(monkeypatch, lambda render: render.print_provider(tree, name, "zh"))
    en = _printed(monkeypatch, lambda render: render.print_provider(tree, name, "en"))
    n = int((checks["provider_id"] == c["provider_id"]).sum())
    assert f"宣称的成功案例（{n}个）" in zh and f"claimed success cases ({n})" in en
    assert "靠谱分" in zh and "reputation_score" not in zh and "reputation_score" in en
    assert "risk_flag_codes" not in zh + en  # the flags are shown once, in words
    assert say(f"verdict.{c['verdict']}", "zh") in zh and c["verdict"] in en
    # the reason is rendered from its code in the chosen language, not copied from the Chinese column
    assert render(c["reason_code"], c["reason_args"], "zh") in zh
    assert render(c["reason_code"], c["reason_args"], "en") in en
    assert render(c["reason_code"], c["reason_args"], "zh") not in en


def test_top_of_the_table_speaks_the_merchants_language(tree, rep, monkeypatch):
    zh = _printed(monkeypatch, lambda render: render.print_reputation(tree, "zh", top=len(rep)))
    en = _printed(monkeypatch, lambda render: render.print_reputation(tree, "en", top=len(rep)))
    assert f"服务商口碑：共{len(rep)}家" in zh and f"provider_reputation: top {len(rep)} of {len(rep)}" in en
    assert "靠谱分" in zh and "score" in en and "score" not in zh
    bands = set(rep["confidence_band"].dropna())
    assert bands and all(say(f"band.{b}", "zh") in zh for b in bands)
    flagged = rep[rep["risk_flag_codes"].map(len) > 0].iloc[0]
    first = flagged["risk_flag_codes"][0]
    assert render(first["code"], first["args"], "en") in en and "risk flags:" in en
    assert render(first["code"], first["args"], "zh") in zh and "风险提示：" in zh


def test_an_unknown_provider_or_missing_marts_fail_in_the_merchants_language(tree, tmp_path):
    from cli import app as cli
    from cli import render
    from cli.errors import Fail
    from pipelines.storage import DataTree

    for lang, said in (("zh", "仍不在服务商口碑表中"), ("en", "is not in provider_reputation")):
        with pytest.raises(Fail, match=said) as failed:
            render.print_provider(tree, "没有这家公司", lang)
        assert failed.value.code == 3
    from typer.testing import CliRunner

    empty = ["--data", str(tmp_path / "empty"), "report"]
    zh = CliRunner().invoke(cli.app, empty, env={"KAOPU_LANG": None})
    en = CliRunner().invoke(cli.app, [*empty, "--lang", "en"])
    assert zh.exit_code == en.exit_code == 1
    assert zh.stderr.strip() == "kaopu: " + say("fail.no_marts", "zh")
    assert (
        en.stderr.strip()
        == "kaopu: no marts/provider_reputation table yet: run `kaopu build` (or demo / run) first"
    )
    assert not DataTree(tmp_path / "empty").table_path("marts/provider_reputation").exists()


def test_flagged_reviews_show_their_signals_in_chinese(zh, tree):
    from pipelines.messages import signal_names

    flags = read_table(tree, "marts/review_flags").to_pandas()
    pid = flags["provider_id"].iloc[0]
    mine = flags[flags["provider_id"] == pid]
    html = zh.pages[pid].read_text("utf-8")
    assert any("、".join(signal_names(codes, "zh")) in html for codes in mine["flags"])
    codes = {c for cs in mine["flags"] for c in cs}
    assert codes and not any(code in html for code in codes)  # no internal code reaches a merchant
