"""The command line as a shell user meets it: options anywhere, --version, pipes, short echoes, and no
traceback whatever the arguments. Fast: in-process through typer's runner, the heavy work stubbed."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli import app as cli
from cli import flow_runs, prefect_control
from cli.group import hoist_global_options
from cli.stopping import Stopper
from flows import history
from flows.lock import RunLock
from pipelines.storage import DataTree, QuarantineWriter

REPO = Path(__file__).resolve().parents[1]
COMMANDS = {"demo", "run", "crawl", "build", "status", "serve", "eval", "eval-text", "sandbox", "report"}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["demo", "--data", "X"], ["--data", "X", "demo"]),
        (["demo", "--data=X", "-v"], ["--data=X", "-v", "demo"]),
        (["report", "A", "--lang", "en"], ["--lang", "en", "report", "A"]),
        (["build", "--lang=en"], ["--lang=en", "build"]),
        (
            ["--config", "c.toml", "run", "--source", "market", "--profile", "live"],
            ["--config", "c.toml", "--profile", "live", "run", "--source", "market"],
        ),
        (
            ["crawl", "--provider", "a", "--", "--data", "x"],
            ["crawl", "--provider", "a", "--", "--data", "x"],
        ),
        (["--data", "status", "status"], ["--data", "status", "status"]),  # a data dir named like a command
        (["nosuch", "--data", "x"], ["nosuch", "--data", "x"]),  # click's own "no such command" follows
    ],
)
def test_global_options_after_the_subcommand_move_before_it(args, expected):
    assert hoist_global_options(args, COMMANDS) == expected


def _invoke(args: list[str], env: dict[str, str] | None = None):
    return CliRunner().invoke(cli.app, args, env=env, catch_exceptions=True)


def test_status_reads_the_data_tree_given_after_the_subcommand(tmp_path):
    data = tmp_path / "elsewhere"
    with QuarantineWriter(DataTree(data).quarantine_file("run-1")) as quarantine:
        quarantine.write({"x": 1}, "empty_text")
    result = _invoke(["status", "--data", str(data), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "quarantined: 1 (empty_text 1)" in result.output
    chinese = _invoke(["status", "--data", str(data)], env={"KAOPU_LANG": None})
    assert f"隔离：1条（empty_text 1），在 {data / 'quarantine'}" in chinese.output


def test_version_is_printed(tmp_path):
    result = _invoke(["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("kaopu ")


def test_status_shows_the_run_in_progress_and_interrupted_runs(tmp_path):
    tree = DataTree(tmp_path / "data")
    history.record_interrupted(tree, run_id="run-x", what="run", started=None, signal_name="SIGTERM")
    with RunLock(tree, what="build", run_id="build-y"):
        result = _invoke(["--data", str(tree.root), "status", "--lang", "en"])
        chinese = _invoke(["--data", str(tree.root), "status"], env={"KAOPU_LANG": None})
    assert result.exit_code == 0, result.output
    assert f"running now: build build-y (pid {os.getpid()}" in result.output
    assert "interrupted (SIGTERM)" in result.output
    assert f"正在运行：build build-y（pid {os.getpid()}" in chinese.output
    assert "被中断（SIGTERM）" in chinese.output
    after = _invoke(["--data", str(tree.root), "status"], env={"KAOPU_LANG": "en"})
    assert "running now: nothing" in after.output


def test_python_dash_m_cli_is_kaopu(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "--data", str(tmp_path / "data"), "status", "--lang", "en"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "running now: nothing" in proc.stdout
    wrong = subprocess.run(
        [sys.executable, "-m", "cli", "nosuch"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert wrong.returncode == 2 and "Usage: kaopu" in wrong.stderr


def test_a_closed_pipe_ends_quietly_with_exit_0(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.app", "--data", str(tmp_path / "data"), "status"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # like `| head -0`: the reader is gone before the first line is written
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()
    assert err == b""


def test_an_unknown_profile_blames_the_flag(tmp_path):
    result = _invoke(["--data", str(tmp_path), "status", "--profile", "nosuch"])
    assert result.exit_code == 2
    assert result.output.startswith("kaopu: --profile 'nosuch': expected")
    assert "kaopu.toml:" not in result.output


def test_data_naming_a_file_blames_the_flag(tmp_path):
    a_file = tmp_path / "f"
    a_file.write_text("x", encoding="utf-8")
    result = _invoke(["status", "--data", str(a_file)])
    assert result.exit_code == 2
    assert "--data" in result.output and "this is a file" in result.output
    assert "FileExistsError" not in result.output


def test_a_huge_argument_is_not_echoed_whole(tmp_path):
    result = _invoke(["--data", str(tmp_path), "run", "--source", "长" * 10_000])
    assert result.exit_code == 2
    assert len(result.output) < 400 and "10000 characters" in result.output


def test_sandbox_serve_refuses_a_port_out_of_range():
    result = _invoke(["sandbox", "serve", "--port", "99999"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "--port" in result.output


def test_build_json_dash_prints_only_json(monkeypatch, tmp_path):
    result_doc = {"clean": {"raw_files": 0, "documents": 3}, "marts": {"provider_reputation": 2}}

    class Flows:
        @staticmethod
        def build(_data, full=False):
            return result_doc

    monkeypatch.setattr(prefect_control, "load_flows", lambda tree, verbose: Flows)
    monkeypatch.setattr(Stopper, "install", lambda self: self)
    machine = _invoke(["--data", str(tmp_path), "build", "--json", "-"])
    assert machine.exit_code == 0, machine.output
    assert json.loads(machine.stdout) == result_doc
    human = _invoke(["--data", str(tmp_path), "build", "--lang", "en"])
    assert human.exit_code == 0, human.output
    assert "clean: no new raw files; 3 documents as before" in human.stdout
    assert "marts: 2 providers rated" in human.stdout


def _stub_build(monkeypatch) -> list[bool]:
    """`build` with the flow stubbed; returns the `full` argument of each build the command started."""
    asked: list[bool] = []

    class Flows:
        @staticmethod
        def build(_data, full=False):
            asked.append(full)
            return {"clean": {"raw_files": 0, "documents": 3}, "marts": {"provider_reputation": 2}}

    monkeypatch.setattr(prefect_control, "load_flows", lambda tree, verbose: Flows)
    monkeypatch.setattr(Stopper, "install", lambda self: self)
    return asked


def test_build_full_asks_the_flow_to_reclean_everything(monkeypatch, tmp_path):
    asked = _stub_build(monkeypatch)
    assert _invoke(["--data", str(tmp_path), "build"]).exit_code == 0
    full = _invoke(["--data", str(tmp_path), "build", "--full", "--lang", "en"])
    assert full.exit_code == 0, full.output
    assert asked == [False, True]
    assert "clean: no new raw files" in full.stdout  # the same summary as any build


def test_a_merchant_reads_chinese_unless_english_is_asked_for(monkeypatch, tmp_path):
    _stub_build(monkeypatch)
    data = ["--data", str(tmp_path)]
    chinese = _invoke([*data, "build"], env={"KAOPU_LANG": None})
    assert chinese.exit_code == 0, chinese.output
    assert "清洗：没有新的原始文件；文档仍为3份" in chinese.stdout
    assert "还没有服务商口碑表" in chinese.stdout
    assert "clean:" not in chinese.stdout
    for args, env in (
        ([*data, "--lang", "en", "build"], None),  # before the subcommand
        ([*data, "build", "--lang=en"], None),  # after it, like the other global options
        ([*data, "build"], {"KAOPU_LANG": "en"}),
        ([*data, "build", "--lang", "EN"], {"KAOPU_LANG": "zh"}),  # the option beats the variable
    ):
        english = _invoke(args, env=env)
        assert english.exit_code == 0, (args, english.output)
        assert "clean: no new raw files; 3 documents as before" in english.stdout, args
        assert "no provider_reputation table yet" in english.stdout
        assert "清洗" not in english.stdout


@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        (["--lang", "fr", "status"], None, "kaopu: --lang 'fr': expected one of zh, en"),
        (["status", "--lang", "日本語"], None, "kaopu: --lang '日本語': expected one of zh, en"),
        (["status"], {"KAOPU_LANG": "de"}, "kaopu: $KAOPU_LANG (--lang) 'de': expected one of zh, en"),
    ],
)
def test_an_unknown_language_is_one_line_and_exit_2(tmp_path, args, env, said):
    result = _invoke(["--data", str(tmp_path), *args], env=env)
    assert result.exit_code == 2
    assert result.stderr.strip() == said
    assert result.stdout == ""  # refused before the command ran


# ---------------------------------------------------------------------------------------------
# Fuzz: any mix of the CLI's own options with hostile values ends in a known exit code and one-line
# messages, never a traceback. What a valid call would start (a crawl, a server) is stubbed to exit 0.
# ---------------------------------------------------------------------------------------------


def _options() -> dict[str, list[str]]:
    group = typer.main.get_command(cli.app)
    found: dict[str, list[str]] = {"": [o for p in group.params for o in p.opts]}
    for name, command in group.commands.items():
        subs = command.commands.items() if isinstance(command, click.Group) else [("", command)]
        for sub, cmd in subs:
            key = f"{name} {sub}".strip()
            found[key] = [o for p in cmd.params for o in p.opts if o.startswith("-")]
    return found


OPTIONS = _options()
VALUES = st.sampled_from(
    [
        "",
        "-1",
        "0",
        "1",
        "65536",
        "99999",
        "1e309",
        "nan",
        "-",
        "--",
        "2026-13-45",
        "2026-01-31",
        "长" * 5000,
        "../..",
        "/",
        "market",
        "live",
        "sandbox",
        "0 3 * * *",
        "61 * * * *",
        "x" * 300,
        "--data",
    ]
) | st.text(max_size=30)


@st.composite
def command_lines(draw) -> list[str]:
    command = draw(st.sampled_from(sorted(k for k in OPTIONS if k)))
    args: list[str] = []
    for _ in range(draw(st.integers(0, 4))):
        where = draw(st.sampled_from(["", command]))
        args += [draw(st.sampled_from(OPTIONS[where] or ["--help"])), draw(VALUES)]
    split = draw(st.integers(0, len(args)))
    return [*args[:split], *command.split(), *args[split:]]


class _WouldRun(Exception):
    pass


@pytest.fixture
def stubbed(monkeypatch, tmp_path):
    """Everything after validation: a lock, Prefect, a server, a crawl, the sandbox."""

    def would_run(*_a, **_k):
        raise typer.Exit(0)

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KAOPU_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setattr(flow_runs, "locked_run", would_run)
    monkeypatch.setattr(prefect_control, "load_flows", would_run)
    monkeypatch.setattr(prefect_control, "start_server", would_run)
    monkeypatch.setattr(flow_runs, "sandbox_if_needed", lambda *_a: contextlib.nullcontext())
    monkeypatch.setattr(Stopper, "install", lambda self: self)
    monkeypatch.setattr("flows.prefect_env.configure", lambda *_a, **_k: None)
    monkeypatch.setattr("evaluation.text.evaluate", would_run)
    monkeypatch.setattr("sandbox.server.start", would_run)
    return tmp_path


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(argv=command_lines())
def test_no_argument_makes_a_traceback(stubbed, argv):
    result = CliRunner().invoke(cli.app, argv, catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), (argv, result.exception)
    assert result.exit_code in {0, 1, 2, 3}, (argv, result.output[-500:])
    assert "Traceback" not in result.output
    assert len(result.output) < 8000, argv  # no 5000-character value echoed whole
