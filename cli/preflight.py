"""Before a crawl: does anything answer where each source's profile points?

A closed port costs a spider its every retry (over a minute for six sources) before it says so. One
TCP connect per host, with a short timeout, says it in a second, so the command can start the sandbox
itself or fail with one line per source and the command that fixes it.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from pipelines.config import Profile

CONNECT_TIMEOUT_S = 1.0
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)


def answers(host: str, port: int, timeout: float = CONNECT_TIMEOUT_S) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def unreachable(profile: Profile, sources: list[str]) -> dict[str, str]:
    """source → its base URL, for every enabled source among `sources` where nothing answers."""
    checked: dict[tuple[str, int], bool] = {}
    down: dict[str, str] = {}
    for name in sources:
        site = profile.source(name)
        if not site.enabled:
            continue
        where = host_port(site.base_url)
        if where not in checked:
            checked[where] = answers(*where)
        if not checked[where]:
            down[name] = site.base_url
    return down


def is_own_loopback_base(profile: Profile, down: dict[str, str]) -> bool:
    """Every unreachable source lives under the profile's loopback base URL: a sandbox kaopu can
    start itself would serve them all."""
    base = profile.base_url.rstrip("/")
    return (
        bool(base)
        and host_port(base)[0] in LOOPBACK
        and all(url.startswith(base + "/") or url == base for url in down.values())
    )
