"""The sandbox HTTP server: stdlib ThreadingHTTPServer around `sandbox.pages.render`, plus the
misbehaviour of the real web (seeded faults) and an access log.

Faults are decided per URL from `(seed, url, how many times this URL was asked before)`, so the
same request sequence meets the same faults, and a URL's faults do not depend on what other
threads fetch meanwhile. A URL never fails more than twice in a row, so a crawler that retries
gets every page; `/robots.txt` never fails.

Blocks are a separate, deliberate fault mode (`blocks=`): after a source's first N requests, every
further request under its path prefix gets that site's block, captcha or login-wall answer
(`sandbox.pages.block_page`) — the way a real site turns on a crawler mid-run. Tests use it to
prove a crawl stops, keeps what it had, and says why.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from sandbox import names, pages
from sandbox.world import World

FAULT_KINDS = ("429", "503", "truncated", "slow", "redirect")
REDIRECT_PARAM = "_sbx"  # the harmless parameter a fault redirect adds
MAX_SLOW_SECONDS = 2.0


@dataclass(frozen=True)
class Fault:
    kind: str
    delay: float = 0.0


class FaultPlan:
    """Decides, reproducibly, whether the n-th request of a URL fails and how."""

    def __init__(self, seed: int, rate: float):
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"faults must be between 0 and 1, got {rate}")
        self.seed = seed
        self.rate = rate
        self._lock = threading.Lock()
        self._seen: dict[str, int] = {}
        self._streak: dict[str, int] = {}

    def next(self, key: str) -> Fault | None:
        if self.rate <= 0 or key == "/robots.txt":
            return None
        with self._lock:
            n = self._seen.get(key, 0)
            self._seen[key] = n + 1
            streak = self._streak.get(key, 0)
            draw = names.key_of(self.seed, "fault", key, n)
            fails = streak < 2 and (draw % 1_000_000) / 1_000_000 < self.rate
            kind = FAULT_KINDS[(draw >> 24) % len(FAULT_KINDS)] if fails else None
            # A slow answer is still a good answer: it does not count towards the failure streak.
            self._streak[key] = streak + 1 if kind not in (None, "slow") else 0
        if kind is None:
            return None
        delay = 0.2 + ((draw >> 40) % 1000) / 1000 * (MAX_SLOW_SECONDS - 0.2) if kind == "slow" else 0.0
        return Fault(kind, delay)


class BlockPlan:
    """`{"/complaints": ("login_required", 5)}`: the 6th and later requests under /complaints are
    answered with a login wall. Counted per prefix, in arrival order."""

    def __init__(self, plan: dict[str, tuple[str, int]] | None):
        for prefix, (kind, _after) in (plan or {}).items():
            if kind not in pages.BLOCK_KINDS:
                raise ValueError(
                    f"block kind for {prefix}: expected one of {pages.BLOCK_KINDS}, got {kind!r}"
                )
        self.plan = dict(plan or {})
        self._lock = threading.Lock()
        self._count: dict[str, int] = {}

    def next(self, path: str) -> str | None:
        if path == "/robots.txt" or path.startswith("/login"):
            return None
        for prefix, (kind, after) in self.plan.items():
            if path.startswith(prefix):
                with self._lock:
                    n = self._count.get(prefix, 0) + 1
                    self._count[prefix] = n
                return kind if n > after else None
        return None


class AccessLog:
    def __init__(self, path: str | Path | None):
        self._lock = threading.Lock()
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._file = open(path, "a", encoding="utf-8", buffering=1) if path else None  # noqa: SIM115

    def write(self, method: str, target: str, status: int, size: int, agent: str) -> None:
        if self._file is None:
            return
        now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
        agent = agent.replace("\n", " ") or "-"
        with self._lock:
            self._file.write(f"{now} {method} {target} {status} {size} {agent}\n")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def fault_key(path: str, query: list[tuple[str, str]]) -> str:
    """The URL a fault counter belongs to: the redirect's extra parameter does not make a new URL."""
    kept = [(k, v) for k, v in query if k != REDIRECT_PARAM]
    return path + ("?" + urlencode(kept) if kept else "")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sandbox/1"
    sys_version = ""
    server: _Server

    def do_GET(self) -> None:
        split = urlsplit(self.path)
        pairs = parse_qsl(split.query, keep_blank_values=True)
        block = self.server.blocks.next(split.path)
        if block is not None:
            answer = pages.block_page(block, split.path)
            self._send(answer.status, answer.body, answer.headers)
            return
        fault = self.server.faults.next(fault_key(split.path, pairs))
        if fault is not None and fault.kind in ("429", "503"):
            body = b"Too Many Requests" if fault.kind == "429" else b"Service Unavailable"
            self._send(int(fault.kind), body, [("Content-Type", "text/plain"), ("Retry-After", "1")])
            return
        if fault is not None and fault.kind == "redirect":
            extra = urlencode([*pairs, (REDIRECT_PARAM, "1")])
            self._send(302, b"", [("Location", f"{split.path}?{extra}")])
            return
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay)
        try:
            answer = pages.render(self.server.world, split.path, dict(pairs), self.headers.get("Cookie", ""))
        except Exception as exc:  # a bug must answer 500 and be logged, not kill the thread silently
            self.server.errors.append(f"{self.path}: {exc!r}")
            answer = pages.Answer(500, b"Internal Server Error", [("Content-Type", "text/plain")])
        self._send(
            answer.status,
            answer.body,
            answer.headers,
            truncate=fault is not None and fault.kind == "truncated",
        )

    def do_HEAD(self) -> None:
        self._send(405, b"", [("Allow", "GET")])

    def do_POST(self) -> None:
        self._send(405, b"Method Not Allowed", [("Allow", "GET"), ("Content-Type", "text/plain")])

    def _send(self, status: int, body: bytes, headers: list[tuple[str, str]], truncate: bool = False) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if truncate:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        sent = body[: len(body) // 2] if truncate else body
        if self.command != "HEAD":
            self.wfile.write(sent)
        self.server.log.write(self.command, self.path, status, len(sent), self.headers.get("User-Agent", ""))

    def log_message(self, format: str, *args) -> None:
        pass  # the access log replaces stderr logging


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, world: World, faults: FaultPlan, log: AccessLog, blocks: BlockPlan):
        self.world = world
        self.faults = faults
        self.blocks = blocks
        self.log = log
        self.errors: list[str] = []
        super().__init__(address, _Handler)


class SandboxHandle:
    """A running sandbox. Use `with start(...) as sb:` or call `stop()`."""

    def __init__(self, server: _Server, thread: threading.Thread):
        self._server = server
        self._thread = thread
        self.host, self.port = server.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self.world = server.world

    @property
    def errors(self) -> list[str]:
        """Requests that raised inside the renderer (each was answered 500)."""
        return list(self._server.errors)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server.log.close()

    def __enter__(self) -> SandboxHandle:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start(
    seed: int,
    n_providers: int = 30,
    faults: float = 0.0,
    port: int = 0,
    host: str = "127.0.0.1",
    access_log: str | Path | None = None,
    blocks: dict[str, tuple[str, int]] | None = None,
    hard: bool = False,
    as_of: dt.datetime | None = None,
) -> SandboxHandle:
    """Serve a world in a background thread. `port=0` picks a free port (see `handle.url`);
    `access_log=None` keeps no log file; `blocks` is a BlockPlan (path prefix → (kind, after N));
    `hard` serves the adversarial world (`sandbox.adversary`); `as_of` the world as it stood at that
    moment (`sandbox.history`; None: today's)."""
    world = World(seed, n_providers, hard=hard, as_of=as_of)
    plan = BlockPlan(blocks)
    server = _Server((host, port), world, FaultPlan(seed, faults), AccessLog(access_log), plan)
    thread = threading.Thread(
        target=server.serve_forever, name=f"sandbox-{server.server_address[1]}", daemon=True
    )
    thread.start()
    return SandboxHandle(server, thread)
