"""What a source has already given us, kept between runs in `state/crawl/<source>/`.

Three things, in one SQLite file (WAL, so a SIGKILL loses nothing committed and readers never block):
- `seen`: every item id written to raw. The raw pipeline consults it so no item is written twice
  across runs; a primary-key table stays fast at millions of ids.
- `threads`: paged threads (a service's reviews, a company's complaints, a question's answers, an
  article's comments) that some run has followed to their end. Only for those may a re-crawl stop at
  the first page that is entirely seen: a thread a killed run left half-read is read again in full.
- `members`: which items each thread listed (and each one's own page), so a revisit that reads the
  thread again can tell which are gone from it.
- `runs`: the raw file each run writes to. A run's raw lines are appended before their ids are
  recorded, so a kill between the two leaves lines the store does not know; `reconcile()` reads the
  raw files of unfinished runs back into `seen` before a new run starts.

The watermark (newest item time seen) is kept too, for reports and for `since` defaults.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipelines.storage import DataTree, RawReader, read_jsonl_gz

_SCHEMA = """
CREATE TABLE IF NOT EXISTS seen (item_id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS threads (key TEXT PRIMARY KEY, completed_at TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, raw_file TEXT, finished INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS members (thread TEXT, item_id TEXT, url TEXT, PRIMARY KEY (thread, item_id))
    WITHOUT ROWID;
"""


SETUP_WAIT_S = 30.0  # how long opening the state waits for other processes opening it too


class CrawlState:
    def __init__(self, directory: Path):
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "state.sqlite"
        # check_same_thread off: Scrapy calls pipelines and callbacks from the reactor thread only,
        # but item pipelines may be set up from another thread at start.
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        self._set_up()

    def _set_up(self) -> None:
        """WAL mode and the schema. Crawler processes of one source on one host (a shared frontier's
        workers) open this file at the same moment; SQLite answers a lock upgrade that could deadlock
        with "database is locked" at once, without waiting, so the set-up is retried for a while."""
        deadline = time.monotonic() + SETUP_WAIT_S
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                # NORMAL in WAL mode survives a killed process (not a power cut) without an fsync per item.
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.executescript(_SCHEMA)
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)  # another process holds the lock for a moment: back off, then retry

    # -- seen ids -----------------------------------------------------------------------------
    def seen(self, item_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM seen WHERE item_id = ?", (item_id,)).fetchone() is not None

    def all_seen(self, item_ids: Iterable[str]) -> bool:
        ids = list(dict.fromkeys(item_ids))
        if not ids:
            return False
        found = 0
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found += self._db.execute(
                f"SELECT COUNT(*) FROM seen WHERE item_id IN ({marks})", chunk
            ).fetchone()[0]
        return found == len(ids)

    def add(self, item_ids: Iterable[str]) -> None:
        # One transaction for the batch: autocommit would make every id its own (~20x slower).
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR IGNORE INTO seen (item_id) VALUES (?)", ((i,) for i in item_ids))

    def count(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM seen").fetchone()[0]

    # -- threads ------------------------------------------------------------------------------
    def thread_done(self, key: str) -> bool:
        return self._db.execute("SELECT 1 FROM threads WHERE key = ?", (key,)).fetchone() is not None

    def mark_thread_done(self, key: str, at: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO threads (key, completed_at) VALUES (?, ?)", (key, at))

    # -- thread members (what a revisit expects to find again) -------------------------------------
    def add_members(self, thread: str, rows: Iterable[tuple[str, str | None]]) -> None:
        """Items a thread's page listed, with the url of each one's own page (None: no page)."""
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR REPLACE INTO members (thread, item_id, url) VALUES (?, ?, ?)",
                ((thread, i, u) for i, u in rows),
            )

    def members(self, thread: str) -> dict[str, str | None]:
        rows = self._db.execute("SELECT item_id, url FROM members WHERE thread = ?", (thread,))
        return dict(rows.fetchall())

    # -- revisits: a rolling window over the threads, one step per finished run -----------------
    def revisit_round(self) -> int:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'revisit_round'").fetchone()
        return int(row[0]) if row else 0

    def next_revisit_round(self, started_at: int | None = None) -> bool:
        """Move the revisit window on by one. `started_at`: the round this process read when it started;
        the window then moves only if it is still there, so the workers of one shared crawl that use
        this state (one host's frontier workers) move it once, not once each. Returns whether it moved."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            current = self.revisit_round()
            moved = started_at is None or current == started_at
            if moved:
                upsert = "INSERT OR REPLACE INTO meta (key, value) VALUES ('revisit_round', ?)"
                self._db.execute(upsert, (str(current + 1),))
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return moved

    # -- watermark ----------------------------------------------------------------------------
    def watermark(self) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'watermark'").fetchone()
        return row[0] if row else None

    def raise_watermark(self, iso_time: str) -> None:
        current = self.watermark()
        if current is None or iso_time > current:
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('watermark', ?)", (iso_time,))

    # -- runs ---------------------------------------------------------------------------------
    def begin_run(self, run_id: str, raw_file: Path) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO runs (run_id, raw_file, finished) VALUES (?, ?, 0)",
            (run_id, str(raw_file)),
        )

    def finish_run(self, run_id: str) -> None:
        self._db.execute("UPDATE runs SET finished = 1 WHERE run_id = ?", (run_id,))

    def reconcile(self) -> int:
        """Record the ids of every line that unfinished runs managed to write; returns how many."""
        added = 0
        for run_id, raw_file in self._db.execute(
            "SELECT run_id, raw_file FROM runs WHERE finished = 0"
        ).fetchall():
            path = Path(raw_file)
            if path.exists():
                ids = [f"{r.get('source')}:{r.get('native_id')}" for r in read_jsonl_gz(path)]
                before = self.count()
                self.add(ids)
                added += self.count() - before
            self.finish_run(run_id)
        return added

    def keep_only(self, item_ids: Iterable[str]) -> None:
        """Forget every seen id but `item_ids` (what raw still holds) and every finished thread: after
        a damaged raw file lost items, the next crawl reads each thread again and writes what raw no
        longer has, instead of skipping it as seen."""
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM seen")
            self._db.executemany("INSERT OR IGNORE INTO seen (item_id) VALUES (?)", ((i,) for i in item_ids))
            self._db.execute("DELETE FROM threads")

    def close(self) -> None:
        self._db.close()


def forget_lost_items(tree: DataTree, damaged: Iterable[dict[str, Any]]) -> list[str]:
    """Make a re-crawl fetch what damaged raw files lost. The crawl state remembers every item ever
    written to raw and skips it; items lost with a damaged file would never come back.
    For each such source, the state keeps only the ids raw still holds. Returns the sources reset."""
    # `unfinished` too: a killed crawl leaves one, but so does a file cut exactly at a line's end (one
    # random cut in twenty), and only a re-crawl tells them apart. Forgetting costs a re-walk of the
    # source's threads; items raw holds are still skipped.
    sources = sorted({d["source"] for d in damaged if d.get("source")})
    for source in sources:
        records = (r for path in tree.raw_files(source) for r in RawReader(path))
        ids = (f"{r.get('source')}:{r.get('native_id')}" for r in records)
        state = CrawlState(tree.crawl_state_dir(source))
        try:
            state.keep_only(ids)
        finally:
            state.close()
    return sources
