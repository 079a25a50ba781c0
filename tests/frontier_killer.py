"""A frontier worker that SIGKILLs itself the instant it has acknowledged (dropped from its processing
list) the N-th request whose URL contains PATTERN — the one moment of a crawl at which a kill
must find everything that request's page yielded already in Redis. tests/test_frontier.py uses it to
hit that moment every time instead of now and then:

    python -m tests.frontier_killer <spiders.run arguments> --kill-after-ack PATTERN N
"""

from __future__ import annotations

import os
import pickle
import signal
import sys

from spiders import frontier, run


def main(argv: list[str]) -> int:
    at = argv.index("--kill-after-ack")
    pattern, n = argv[at + 1], int(argv[at + 2])
    rest = argv[:at] + argv[at + 3 :]
    acked = 0
    ack = frontier.Frontier.ack

    def ack_then_die(self: frontier.Frontier, entry: bytes) -> None:
        nonlocal acked
        ack(self, entry)
        # A queue entry is scrapy-redis's pickled request dict (its headers name the referring page),
        # from our own private Redis.
        if pattern in pickle.loads(entry)["url"]:
            acked += 1
            if acked == n:
                os.kill(os.getpid(), signal.SIGKILL)

    frontier.Frontier.ack = ack_then_die
    return run.main(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
