"""robots.txt holds for every request, even when many start at once against a host never seen before.

Scrapy 2.19's stock RobotsTxtMiddleware gives the parsed robots.txt to the first waiting request
only (see spiders/robots.py); this test fires 60 requests at a fresh sandbox at once, half of them
to disallowed paths, and reads the sandbox's access log. It runs the stock middleware too: if a
Scrapy upgrade fixes the race, that half fails and tells us the workaround can go.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.sandbox_fixture import REPO, disallowed_requests

PROBE = r"""
import sys
import scrapy
from scrapy.crawler import CrawlerProcess

base, mode = sys.argv[1], sys.argv[2]

class Probe(scrapy.Spider):
    name = "robots_probe"

    async def start(self):
        for i in range(30):
            yield scrapy.Request(f"{base}/market/ser/admin/x{i}", dont_filter=True)
            yield scrapy.Request(f"{base}/market/ser/list.htm?current_page={i + 1}", dont_filter=True)

    def parse(self, response):
        pass

settings = {
    "ROBOTSTXT_OBEY": True,
    "CONCURRENT_REQUESTS": 64,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 64,
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,
    "LOG_LEVEL": "ERROR",
    "RETRY_ENABLED": False,
}
if mode == "kaopu":
    settings["DOWNLOADER_MIDDLEWARES"] = {
        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
        "spiders.robots.RobotsTxtEveryWaiterMiddleware": 100,
    }
process = CrawlerProcess(settings)
process.crawl(Probe)
process.start()
"""


@pytest.mark.parametrize("mode", ["kaopu", "stock"])
def test_burst_of_requests_to_a_fresh_host_never_fetches_a_disallowed_path(mode, tmp_path):
    from sandbox.server import start

    log = tmp_path / "access.log"
    with start(5, n_providers=3, faults=0.0, port=0, access_log=str(log)) as server:
        proc = subprocess.run(
            [sys.executable, "-c", PROBE, server.url, mode],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 0, proc.stderr[-2000:]
    fetched = log.read_text(encoding="utf-8")
    assert "/robots.txt" in fetched and "/market/ser/list.htm" in fetched
    leaked = disallowed_requests(log)
    if mode == "kaopu":
        assert leaked == []
    else:
        assert leaked, "stock RobotsTxtMiddleware no longer leaks: drop spiders/robots.py"


def test_robots_txt_that_keeps_failing_means_stay_away(tmp_path):
    """robots.txt answering 503 is "come back later": the crawl fetches nothing else from that host."""
    import http.server
    import threading

    paths: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            paths.append(self.path)
            status = 503 if self.path == "/robots.txt" else 200
            body = b"<html><body>ok</body></html>"
            self.send_response(status)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        proc = subprocess.run(
            [sys.executable, "-c", PROBE, base, "kaopu"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert paths and set(paths) == {"/robots.txt"}
