"""With the sandbox profile, `run` and `crawl` never retry for a minute against a closed port: they start
the demo's sandbox themselves, or fail in seconds saying what to start. What a user watches and reads
after a crawl: per-source progress, one line per failed source, and how old a failed source's rows are."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from cli import app as cli
from cli import progress, render, summaries
from cli.flow_runs import DEMO_PROVIDERS
from pipelines.storage import DataTree, RawWriter
from sandbox.server import start
from sandbox.world import DEFAULT_SEED
from tests.sandbox_fixture import spider_cmd, watch_world
from tests.test_flows import _kaopu, _kaopu_env

REPO = Path(__file__).resolve().parents[1]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when this returns: nothing listens there


def test_run_starts_the_sandbox_itself_when_none_answers(prefect_api, tmp_path):
    data = tmp_path / "data"
    # The registry can only search (天眼查 has no listing): it searches the watch list's names, here
    # the demo world's, which the sandbox the command starts serves.
    watch_world(data, DEFAULT_SEED, DEMO_PROVIDERS)
    env = _kaopu_env(f"http://127.0.0.1:{_closed_port()}", prefect_api)
    proc = _kaopu(["run", "--source", "registry", "--data", str(data)], env)
    assert proc.returncode == 0, proc.stderr
    assert "no sandbox answered" in proc.stderr and "kaopu sandbox serve" in proc.stderr
    registry = pd.read_parquet(DataTree(data).table_path("clean/registry"))
    assert len(registry) == DEMO_PROVIDERS


def test_a_source_pointing_nowhere_fails_in_seconds_one_line_each(tmp_path):
    port = _closed_port()
    config = (
        (REPO / "kaopu.toml")
        .read_text(encoding="utf-8")
        .replace('base_url = "{base}/cases"', f'base_url = "http://127.0.0.1:{port}/cases"')
        .replace('base_url = "{base}/forum"', f'base_url = "http://127.0.0.1:{port}/forum"')
    )
    (tmp_path / "kaopu.toml").write_text(config, encoding="utf-8")
    with start(45, n_providers=3, port=0) as sb:
        env = _kaopu_env(sb.url, api=None)
        started = time.monotonic()
        proc = _kaopu(["run", "--config", str(tmp_path / "kaopu.toml"), "--data", str(tmp_path / "d")], env)
        took = time.monotonic() - started
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert lines[0] == f"kaopu: forum: nothing answers at http://127.0.0.1:{port}/forum"
    assert lines[1] == f"kaopu: cases: nothing answers at http://127.0.0.1:{port}/cases"
    assert f"kaopu sandbox serve --port {port}" in lines[2] and len(lines) == 3
    assert took < 20, f"took {took:.0f} s"  # the imports, not retries: a spider alone retries for 75 s
    assert not (tmp_path / "d" / "raw").exists()


def test_a_spider_reports_its_progress_while_it_crawls(tmp_path):
    with start(46, n_providers=60, port=0) as sb:
        proc = subprocess.Popen(
            spider_cmd("market", tmp_path, sb.url), cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        moving = tmp_path / "stats-market.progress.json"
        final = tmp_path / "stats-market.json"
        seen = []
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if moving.exists() and not final.exists():
                line, ended = progress.crawl_line(tmp_path, "stats", "market")
                seen.append((line, ended))
            time.sleep(0.1)
        proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert any(not ended and "pages" in line for line, ended in seen), "no progress before the end"
    end = json.loads(moving.read_text(encoding="utf-8"))
    stats = json.loads(final.read_text(encoding="utf-8"))
    assert end["pages"] == stats["pages"] > 0 and end["errors"] == stats["errors"]


def test_crawl_and_build_lines_read_the_files_the_work_writes(tmp_path):
    runs = tmp_path / "state" / "runs"
    runs.mkdir(parents=True)
    assert progress.crawl_line(runs, "r1", "forum") == ("forum: starting", False)
    (runs / "r1-forum.progress.json").write_text('{"pages": 4, "items": 9, "errors": 1}')
    assert progress.crawl_line(runs, "r1", "forum") == ("forum: 4 pages, 9 items, 1 errors", False)
    (runs / "r1-forum.stats.json").write_text('{"pages": 5, "items": 12, "errors": 1}')
    assert progress.crawl_line(runs, "r1", "forum") == ("forum: done, 5 pages, 12 items, 1 errors", True)
    tree = DataTree(tmp_path)
    assert progress.build_line(tree, time.time()) == "build: waiting"
    from flows import history

    history.build_stage(tree, "marts")
    assert progress.build_line(tree, time.time() - 5) == "build: clean → marts"


def test_a_failed_sources_rows_are_said_to_be_old(tmp_path, capsys):
    tree = DataTree(tmp_path / "data")
    with RawWriter(tree.raw_file("market", "run-old")) as raw:
        raw.write({"fetched_at": "2026-01-02T03:04:05+00:00", "x": 1})
    render.print_stale(tree, ["market", "forum"], "en")
    said = capsys.readouterr().out
    assert "market failed in this run; its rows above come from data fetched" in said
    assert "(2026-01-02T03:04:05+00:00)" in said
    assert "forum failed in this run; its rows above come from no data at all" in said
    render.print_stale(tree, ["market", "forum"], "zh")
    said = capsys.readouterr().out
    assert "注意：market在本次运行中失败；上面它的数据来自" in said
    assert "（2026-01-02T03:04:05+00:00）" in said
    assert "注意：forum在本次运行中失败；上面没有它的任何数据" in said


def test_a_failed_sources_message_names_it_once(capsys):
    summary = {
        "crawl": [
            {"source": "market", "exit_code": 1, "message": "market: market: nothing could be fetched"},
            {"source": "forum", "exit_code": 0, "message": "ok", "raw_written": 3, "stats": {"pages": 2}},
        ]
    }
    assert render.report_crawl(summary, "en") == ["market"]
    err = capsys.readouterr().err
    assert err.strip() == "kaopu: market: nothing could be fetched"


def test_eval_prints_a_short_summary_not_the_json():
    metrics = {
        "seed": 21,
        "providers": 30,
        "faults": 0.05,
        "claims": {"macro_f1": 0.91, "accuracy": 0.93, "n": 40, "covered": 39},
        "reviews": {"precision": 1.0, "recall": 0.9, "flagged": 9, "bought": 10},
        "reputation": {"spearman": 0.95, "matched": 30, "providers": 30},
    }
    lines = summaries.eval_lines(metrics, "en")
    assert len(lines) <= 6
    assert "claim verdicts: macro-F1 0.91" in lines[1]
    assert "Spearman 0.95 over 30 of 30 providers" in lines[3]
    assert summaries.eval_lines(metrics)[1] == "案例结论：macro-F1 0.91，准确率 0.93，共40条案例（找到39条）"


def test_version_flag_and_help_list_the_commands():
    result = CliRunner().invoke(cli.app, ["--help"])
    assert result.exit_code == 0
    for command in ("demo", "run", "crawl", "build", "status", "serve", "eval"):
        assert command in result.output
