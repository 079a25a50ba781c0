"""`kaopu sandbox truth|serve` as a user runs them: JSON out, one-line errors with exit 2."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from sandbox.cli import app
from sandbox.world import World

REPO = Path(__file__).resolve().parents[1]


def test_truth_writes_the_worlds_truth_as_json(tmp_path):
    out = tmp_path / "deep" / "truth.json"
    result = CliRunner().invoke(app, ["truth", "--seed", "4", "--providers", "12", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data == json.loads(json.dumps(World(4, 12).truth()))
    assert {"seed", "n_providers", "providers", "claims", "bought_reviews"} <= set(data)


def test_truth_of_the_hard_world_keeps_the_schema_and_adds_its_archetypes(tmp_path):
    easy, hard = tmp_path / "easy.json", tmp_path / "hard.json"
    for path, extra in ((easy, []), (hard, ["--hard"])):
        args = ["truth", "--seed", "4", "--providers", "40", "--out", str(path), *extra]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
    e, h = (json.loads(p.read_text(encoding="utf-8")) for p in (easy, hard))
    assert set(e) < set(h) and h["hard"] is True
    assert e["claims"].keys() == h["claims"].keys()
    for path, claim in h["claims"].items():
        assert set(e["claims"][path]) <= set(claim)  # fields are added, never renamed or dropped
    assert {v["archetype"] for v in h["claims"].values()} - {"plain"}


def test_bad_arguments_fail_in_one_line_with_exit_2(tmp_path):
    runner = CliRunner()
    for args in (
        ["truth", "--providers", "0"],
        ["serve", "--providers", "100001"],
        ["serve", "--faults", "2"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, args
        assert len(result.output.strip().splitlines()) == 1 and result.output.startswith("error:")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["truth", "--out", str(blocker / "truth.json")])
    assert result.exit_code == 2 and result.output.startswith("error: cannot write")


def test_serve_prints_its_url_and_a_taken_port_is_a_one_line_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = f"from sandbox.cli import app; app(['serve', '--port', '{port}', '--access-log', 'a.log'])"
        proc = subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
        )
    assert proc.returncode == 2
    assert re.fullmatch(r"error: cannot serve on 127\.0\.0\.1:\d+: .+\n", proc.stderr)
    with subprocess.Popen(
        [sys.executable, "-c", "from sandbox.cli import app; app(['serve', '--port', '0', '--seed', '3'])"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        text=True,
    ) as serve:
        try:
            line = serve.stdout.readline()
            assert re.search(r"on http://127\.0\.0\.1:\d+", line), line
        finally:
            serve.terminate()
            serve.wait(timeout=10)
    assert (tmp_path / "sandbox-access.log").exists()
