"""Without a site-wide listing (the real 知乎, 搜狐 and 天眼查 have none), a full crawl searches for
every provider on the watch list — the path the live profile takes, here against the sandbox."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from tests.sandbox_fixture import CONFIG, REPO, raw_records, spider_cmd

pytestmark = pytest.mark.slow

SEED = 20261208
N_PROVIDERS = 10


def test_registry_without_a_listing_crawls_the_watch_lists_companies(tmp_path):
    from sandbox.server import start
    from sandbox.world import World

    world = World(SEED, N_PROVIDERS)
    watched = [world.provider(2), world.provider(6)]
    (tmp_path / "providers.toml").write_text(
        "".join(f'[[provider]]\nname = "{p.brand}"\nlegal_name = "{p.legal_name}"\n\n' for p in watched),
        encoding="utf-8",
    )
    config = tmp_path / "kaopu.toml"
    text = re.sub(r"endpoints = \{ companies = [^\n]*\n", "", CONFIG.read_text(encoding="utf-8"))
    config.write_text(text, encoding="utf-8")
    log = tmp_path / "access.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAOPU_")}
    with start(SEED, N_PROVIDERS, access_log=log) as sb:
        cmd = spider_cmd("registry", tmp_path, sb.url)
        cmd[cmd.index("--config") + 1] = str(config)
        proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    names = {rec["legal_name"] for rec in raw_records(tmp_path, "registry")}
    assert {p.legal_name for p in watched} <= names
    asked = [line.split(" ")[2] for line in log.read_text(encoding="utf-8").splitlines()]
    assert not [p for p in asked if p.startswith("/registry/companies")]
    assert any(p.startswith("/registry/search?key=") for p in asked)
