"""The data tree: every path under `data/` is built here, and every write goes through here.

Layout (DESIGN.md "Data layout"):

    data/providers.toml
    data/raw/<source>/<YYYY-MM-DD>/<run_id>.jsonl.gz     append-only, flushed per item
    data/quarantine/<run_id>.jsonl                      rejected items with their reason
    data/clean/<table>.parquet, data/marts/<table>.parquet   written atomically
    data/clean/documents/source=<s>/part-0.parquet       hive-partitioned (PARTITIONED; by month too
                                                         if so set), each partition file written atomically
    data/state/build/                                    the build's state: raw manifest, method keys,
                                                         near-duplicate store, mart fingerprints
    data/state/crawl|quota|httpcache|jobs/<source>/      what each source's crawls keep between runs
    data/state/runs/, runs.jsonl, run.lock, build-stage.json   runs: stats, history, lock, progress
    data/logs/                                           logs
    data/prefect/                                        PREFECT_HOME

Guarantees the rest of kaopu relies on:
- raw and quarantine files are appended one complete line at a time and flushed, so a process
  killed with SIGKILL leaves every earlier line readable (gzip members are flushed with Z_SYNC_FLUSH);
- every raw gzip member a writer closes ends with a footer line counting its records, so `RawReader`
  can tell a whole file from a truncated, corrupt or unfinished one (README "When raw is damaged");
- parquet tables and state files are written to a temporary file in the same directory, fsynced,
  renamed, and the directory fsynced, so a reader sees the old file or the new one, never half of one,
  and a power cut after the write returns loses neither; a partitioned table is written so partition by
  partition, and only the partitions whose bytes change are written at all;
- no name taken from scraped data can make a path outside the data tree.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import gzip
import hashlib
import json
import os
import re
import shutil
import struct
import tempfile
import time
import unicodedata
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.contracts import SOURCES, TABLES

# Windows device names: a provider called "CON" must not become a file that cannot be opened there.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_SLUG_MAX = 64


def slugify(name: str) -> str:
    """A safe, stable file/id slug for any provider name, however hostile.

    Keeps CJK and ASCII letters and digits (so ids stay readable), turns everything else into '-',
    and caps the length; a hash suffix keeps long or reserved names distinct.
    """
    text = unicodedata.normalize("NFKC", name or "").strip().lower()
    slug = "".join(ch if (ch.isalnum() and ch.isprintable()) else "-" for ch in text)
    slug = re.sub(r"-+", "-", slug).strip("-.")
    digest = hashlib.sha1((name or "").encode("utf-8", "surrogatepass")).hexdigest()[:8]
    if not slug:
        return f"p-{digest}"
    if slug in _RESERVED or len(slug) > _SLUG_MAX:
        slug = f"{slug[: _SLUG_MAX - 9].rstrip('-')}-{digest}"
    return slug


class DataTree:
    """Paths of one data tree. Construct with the root; nothing is created until written."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root).expanduser().resolve()

    # -- paths ------------------------------------------------------------------------------
    def inside(self, path: Path) -> Path:
        """Resolve `path` and refuse anything that escapes the tree."""
        resolved = Path(os.path.abspath(path))
        if resolved != self.root and self.root not in resolved.parents:
            raise ValueError(f"path {path} escapes the data tree {self.root}")
        return resolved

    @property
    def providers_file(self) -> Path:
        return self.root / "providers.toml"

    def raw_dir(self, source: str | None = None) -> Path:
        if source is None:
            return self.root / "raw"
        if source not in SOURCES:
            raise ValueError(f"unknown source {source!r}; expected one of {', '.join(SOURCES)}")
        return self.root / "raw" / source

    def raw_file(self, source: str, run_id: str, day: dt.date | None = None) -> Path:
        day = day or dt.datetime.now(dt.UTC).date()
        return self.inside(self.raw_dir(source) / day.isoformat() / f"{_safe_run_id(run_id)}.jsonl.gz")

    def raw_files(self, source: str | None = None) -> list[Path]:
        """Every raw file, sorted by path (date, then run id), so processing order is stable."""
        base = self.raw_dir(source)
        if not base.exists():
            return []
        return sorted(base.rglob("*.jsonl.gz"))

    @property
    def quarantine_dir(self) -> Path:
        return self.root / "quarantine"

    def quarantine_file(self, run_id: str) -> Path:
        return self.inside(self.quarantine_dir / f"{_safe_run_id(run_id)}.jsonl")

    def table_path(self, table: str) -> Path:
        """The table's file, or for a partitioned table (PARTITIONED) its dataset directory: what
        `pd.read_parquet`, DuckDB, Dask or Spark are pointed at."""
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}")
        if table in PARTITIONED:
            return self.root / table
        return self.root / f"{table}.parquet"

    def single_file_path(self, table: str) -> Path:
        """Where a table lived as one file: a partitioned table's layout before it was partitioned,
        read until the first build that writes the table replaces it (and removes it)."""
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}")
        return self.root / f"{table}.parquet"

    # -- state: what kaopu keeps between runs. Every path under state/ is named here. ---------
    def state_dir(self, *parts: str) -> Path:
        """`state/<part>/...`, each part slugified (parts may come from scraped or typed names)."""
        return self.inside(self.root.joinpath("state", *(slugify(p) for p in parts)))

    @property
    def build_state_dir(self) -> Path:
        """The build's state: raw manifest, method keys, near-duplicate store, mart fingerprints."""
        return self.state_dir("build")

    def build_state(self, name: str) -> Path:
        """One file of the build's state (a fixed name chosen by the engine, never scraped)."""
        if "/" in name or name.startswith("."):
            raise ValueError(f"bad build state file name {name!r}")
        return self.build_state_dir / name

    def crawl_state_dir(self, source: str) -> Path:
        """The ids a source has already given us (`spiders.crawl_state.CrawlState`)."""
        return self.state_dir("crawl", source)

    def quota_dir(self, source: str) -> Path:
        return self.state_dir("quota", source)

    def http_cache_dir(self, source: str) -> Path:
        return self.state_dir("httpcache", source)

    def crawl_job_dir(self, source: str, provider: str | None = None) -> Path:
        """Scrapy's JOBDIR for a source's crawl (one per targeted provider), so a crawl resumes."""
        return self.state_dir("jobs", source, *([provider] if provider else []))

    @property
    def run_stats_dir(self) -> Path:
        """Each crawl's `<run>-<source>.stats.json` (final) and `.progress.json` (while it runs)."""
        return self.state_dir("runs")

    def run_stats_file(self, run_id: str, source: str) -> Path:
        return self.inside(self.run_stats_dir / f"{run_id}-{source}.stats.json")

    @property
    def run_history_file(self) -> Path:
        return self.root / "state" / "runs.jsonl"

    @property
    def run_lock_file(self) -> Path:
        return self.root / "state" / "run.lock"

    @property
    def build_stage_file(self) -> Path:
        return self.root / "state" / "build-stage.json"

    @property
    def prefect_home(self) -> Path:
        return self.root / "prefect"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    def relative(self, path: Path) -> str:
        return Path(path).resolve().relative_to(self.root).as_posix()


def _safe_run_id(run_id: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,80}", run_id or "") or ".." in run_id:
        raise ValueError(f"bad run id {run_id!r}: use letters, digits, '-', '_' and '.'")
    return run_id


def new_run_id(prefix: str = "run") -> str:
    """Sortable and unique: UTC time then a random suffix."""
    now = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    return f"{prefix}-{now}-{uuid.uuid4().hex[:6]}"


# ---------------------------------------------------------------------------------------------
# Raw: append-only jsonl.gz, sync-flushed after every line, a footer line last.
# ---------------------------------------------------------------------------------------------

# The last line of every gzip member a RawWriter closes: {"_raw_footer": {"records": N}}. With gzip's
# own CRC-32 and length (checked by zlib at the member's end) it proves the member is whole.
FOOTER_KEY = "_raw_footer"
# Why a raw file failed its check; each is a quarantine reason.
TRUNCATED = "truncated_gzip"  # the bytes stop mid-stream: cut short (a copy, a full disk, a bad restore)
CORRUPT = "corrupt_gzip"  # bytes that are not gzip, a CRC or length mismatch, a footer that disagrees
UNFINISHED = "unfinished"  # the writer stopped between two lines without closing (killed, or still running)
RAW_PROBLEMS = (TRUNCATED, CORRUPT, UNFINISHED)
# What a deflate stream ends with after Z_SYNC_FLUSH: an empty stored block.
_SYNC_MARK = b"\x00\x00\xff\xff"


class RawWriter:
    """Appends records to one raw file. Each `write` is durable before it returns (flush + sync
    flush of the deflate stream), so SIGKILL loses at most the record being written; `close` writes
    the footer (records in this member) and gzip's trailer.

    Opening a file a killed writer left unfinished first seals it (the footer and trailer it never
    wrote, marked `sealed`), so a retry of the same run appends after a whole member instead of after
    a dangling stream no reader could get past. A file damaged any other way is never appended to:
    the writer continues in a sibling file (`<run>.<n>.jsonl.gz`) and `path` says which."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = _appendable(path)
        # Appending a new gzip member to an existing file is valid gzip; readers see one stream.
        self._fh = open(self.path, "ab")  # noqa: SIM115 - lifetime is the writer's
        try:
            # Held while the writer lives (the kernel drops it when the process dies), so a reader can
            # tell a file being written from one a killed writer left, and two writers never interleave.
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._fh.close()
            raise RuntimeError(f"another process is writing {self.path}") from None
        self._gz = gzip.GzipFile(fileobj=self._fh, mode="ab", mtime=0)
        # The header on disk at once: a writer killed before its first line leaves a file that reads
        # as `unfinished` with no records, not as a truncated one.
        self._gz.flush(zlib.Z_SYNC_FLUSH)
        self._fh.flush()
        self.count = 0

    def write(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False, sort_keys=True, default=str) + "\n"
        self._gz.write(line.encode("utf-8", "surrogatepass"))
        self._gz.flush(zlib.Z_SYNC_FLUSH)
        self._fh.flush()
        self.count += 1

    def close(self) -> None:
        if not self._gz.closed:
            self._gz.write(_footer_line({"records": self.count}))
            self._gz.close()
        if not self._fh.closed:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()

    def __enter__(self) -> RawWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _footer_line(body: dict[str, Any]) -> bytes:
    return (json.dumps({FOOTER_KEY: body}, sort_keys=True) + "\n").encode()


def _appendable(path: Path) -> Path:
    """`path`, sealed if a killed writer left it unfinished; a fresh sibling if it is damaged."""
    if not path.exists() or path.stat().st_size == 0:
        return path
    check = check_raw(path)
    if check.problem is None or seal_unfinished(check) or being_written(path):
        return path  # (being written: the lock below refuses to write beside a live writer)
    stem = path.name.removesuffix(".jsonl.gz")
    n = 1
    while (sibling := path.with_name(f"{stem}.{n}.jsonl.gz")).exists():
        n += 1
    return sibling


def seal_unfinished(check: RawCheck) -> bool:
    """Close the member a killed writer left open, with the footer and trailer it never wrote (the
    footer marked `sealed`). Only for an `unfinished` file — every line in it is whole, since each was
    sync-flushed — and only by whoever holds the data tree (no writer may still be appending). The
    deflate stream stops byte-aligned after a sync flush, so a fresh raw deflate stream continues it.
    Returns whether it sealed."""
    if check.problem != UNFINISHED or check.open_member is None:
        return False
    crc, size, lines = check.open_member
    footer = _footer_line({"records": lines, "sealed": True})
    deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    tail = deflate.compress(footer) + deflate.flush(zlib.Z_FINISH)
    trailer = struct.pack("<II", zlib.crc32(footer, crc), (size + len(footer)) & 0xFFFFFFFF)
    with open(check.path, "ab") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # its writer is alive (a spider run outside kaopu's lock): not ours to close
        if fh.tell() != check.size:
            return False  # it grew since it was read: someone wrote to it after all
        fh.write(tail + trailer)
        fh.flush()
        os.fsync(fh.fileno())
    return True


def being_written(path: Path) -> bool:
    """Whether a live RawWriter holds the file (an `unfinished` file then is simply not finished yet)."""
    try:
        with open(path, "rb") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return False


@dataclass
class RawCheck:
    """What reading a raw file found. `problem` is None for a whole file, else one of RAW_PROBLEMS."""

    path: Path
    size: int = 0
    records: int = 0  # lines that were read (items and bad lines; not footers)
    members: int = 0  # gzip members read to their verified end
    footers: int = 0  # of those, how many carried a footer (a file written before footers has none)
    problem: str | None = None
    detail: str = ""
    unread_bytes: int = 0  # bytes after the damage that could not be read
    # A member with no trailer yet: (CRC-32 so far, bytes so far, lines so far), to seal it.
    open_member: tuple[int, int, int] | None = None


class RawReader:
    """Iterate a raw file's records, streaming; afterwards `check` says whether the file was whole.

    Every complete line before any damage is yielded (a killed writer's lines were each flushed whole).
    How a file is judged:
    - every gzip member must end with its trailer, whose CRC-32 and length zlib verifies;
    - a member with a footer must hold exactly the records the footer counts; a member without one
      was written before footers existed (or by another gzip tool) and is judged by CRC and length
      alone — so old raw files still read as whole;
    - a last member with no trailer is `unfinished` when it stops right after a sync-flushed whole
      line (the writer was killed between two items, or is still writing), else `truncated_gzip`;
    - bytes zlib refuses (not gzip, a bad block, a CRC or length mismatch) are `corrupt_gzip`; reading
      stops there, since nothing after corrupt deflate data can be trusted.
    A line that is not a JSON object is passed to `on_bad_line(line_number, reason)` and skipped.
    """

    def __init__(self, path: Path, on_bad_line: Callable[[int, str], None] | None = None):
        self.path = path
        self.on_bad_line = on_bad_line
        self.check = RawCheck(path)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        check = self.check
        check.size = self.path.stat().st_size
        if check.size == 0:
            check.problem, check.detail = TRUNCATED, "empty file (not even a gzip header)"
            return
        decomp = zlib.decompressobj(wbits=31)
        member = _Member()
        tail = b""
        consumed = 0  # compressed bytes handed to zlib (exact up to the current member)
        last = b""
        with open(self.path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                last = (last + chunk)[-len(_SYNC_MARK) :]
                while chunk:
                    member.fed = True
                    try:
                        out = decomp.decompress(chunk)
                    except zlib.error as exc:
                        check.problem = CORRUPT
                        check.detail = f"{exc} after record {check.records}"
                        check.unread_bytes = max(check.size - consumed, 0)
                        return
                    member.crc = zlib.crc32(out, member.crc)
                    member.size += len(out)
                    lines = (tail + out).split(b"\n")
                    tail = lines.pop()
                    for raw in lines:
                        rec = self._parse(raw, member)
                        if rec is not None:
                            yield rec
                    if not decomp.eof:
                        consumed += len(chunk)
                        break
                    consumed += len(chunk) - len(decomp.unused_data)
                    if tail:
                        self._bad(check.records + 1, "raw line with no newline at the end of a gzip member")
                        check.records += 1
                        tail = b""
                    if member.footer is not None:
                        check.footers += 1
                        if member.footer != member.lines:
                            check.problem = CORRUPT
                            check.detail = (
                                f"footer counts {member.footer} records, the member holds {member.lines}"
                            )
                            return
                    check.members += 1
                    chunk = decomp.unused_data.lstrip(b"\x00")  # zero padding after a member is allowed
                    decomp = zlib.decompressobj(wbits=31)  # another member: a later run appended
                    member = _Member()
        if member.fed:
            # A member with no trailer: its writer never closed it, or the file was cut short.
            check.unread_bytes = check.size - consumed if not tail else len(tail)
            if not tail and last == _SYNC_MARK:
                check.problem, check.detail = UNFINISHED, f"no gzip trailer after record {check.records}"
                check.unread_bytes = 0
                check.open_member = (member.crc, member.size, member.lines)
            else:
                check.problem = TRUNCATED
                check.detail = f"cut off mid-stream after record {check.records}"

    def _parse(self, raw: bytes, member: _Member) -> dict[str, Any] | None:
        if not raw.strip():
            return None
        try:
            rec = json.loads(raw.decode("utf-8", "surrogatepass"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            rec = exc  # (RecursionError: `[[[[…` nested past Python's stack crashed the build)
        if isinstance(rec, dict) and FOOTER_KEY in rec and len(rec) == 1:
            body = rec[FOOTER_KEY]
            member.footer = body.get("records") if isinstance(body, dict) else None
            return None
        self.check.records += 1
        member.lines += 1
        if isinstance(rec, Exception):
            self._bad(self.check.records, f"unreadable raw line: {rec}")
            return None
        if not isinstance(rec, dict):
            self._bad(self.check.records, "raw line is not a JSON object")
            return None
        return rec

    def _bad(self, line_no: int, reason: str) -> None:
        if self.on_bad_line:
            self.on_bad_line(line_no, reason)


@dataclass
class _Member:
    fed: bool = False
    crc: int = 0
    size: int = 0
    lines: int = 0
    footer: int | None = None


def read_jsonl_gz(
    path: Path, on_bad_line: Callable[[int, str], None] | None = None
) -> Iterator[dict[str, Any]]:
    """Yield every complete record of a raw file, streaming, up to any damage (see `RawReader`, whose
    `check` also says whether the file was whole; callers that must not lose data silently use it)."""
    yield from RawReader(path, on_bad_line)


def check_raw(path: Path) -> RawCheck:
    """Read a raw file through, only to judge it."""
    reader = RawReader(path)
    for _ in reader:
        pass
    return reader.check


class QuarantineWriter:
    """Rejected items, one JSON line each: the item as far as it was readable, the reason (a slug),
    a human detail, and where it came from (source, url, raw file)."""

    def __init__(self, path: Path):
        self.path = path
        self._fh = None
        self.count = 0

    def write(
        self,
        item: Any,
        reason: str,
        *,
        detail: str = "",
        source: str | None = None,
        source_url: str | None = None,
        raw_file: str | None = None,
    ) -> None:
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "a", encoding="utf-8")  # noqa: SIM115
        row = {
            "quarantined_at": dt.datetime.now(dt.UTC).isoformat(),
            "reason": reason,
            "detail": detail,
            "source": source,
            "source_url": source_url,
            "raw_file": raw_file,
            "item": item,
        }
        self._fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        self._fh.flush()
        self.count += 1

    def close(self) -> None:
        if self._fh is not None:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            self._fh = None

    def __enter__(self) -> QuarantineWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_quarantine(tree: DataTree) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    qdir = tree.quarantine_dir
    for path in sorted(qdir.glob("*.jsonl")) if qdir.exists() else []:
        with open(path, encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    return rows


def write_json_atomic(path: Path, doc: Any) -> Path:
    """Small state files (manifests, stats, caches): written whole or not at all, like the tables."""
    body = json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1, default=str).encode("utf-8")
    return write_bytes_atomic(path, lambda fh: fh.write(body))


# A temporary file this old was left by a crash, not by a writer still at work.
STALE_TMP_S = 600


def write_bytes_atomic(path: Path, write: Callable[[Any], Any]) -> Path:
    """`write(fh)` into a temporary file beside `path`, fsync it, rename it over `path`, fsync the
    directory: readers see the old file or the new one, and once this returns a crash keeps the new.
    A crash before leaves at most a stray `.<name>.*.tmp` (removed by a write of `path` once it is
    `STALE_TMP_S` old)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        # Only a crash's leftovers: a fresh one is another process writing the same file right now
        # (two crawler workers' stats), and taking it away made that writer's rename fail.
        with contextlib.suppress(FileNotFoundError):
            if time.time() - stale.stat().st_mtime > STALE_TMP_S:
                stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
    return path


def fsync_dir(directory: Path) -> None:
    """Make a rename or a new file in `directory` durable (the entry lives in the directory)."""
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def append_line_durably(path: Path, line: str) -> None:
    """Append one whole line (a history record) and fsync it: an append of one small write is seen
    whole or not at all by readers, and survives a crash once this returns."""
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(line if line.endswith("\n") else line + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    if new:
        fsync_dir(path.parent)


def read_json_state(path: Path) -> dict[str, Any]:
    """A state file written by `write_json_atomic`, or {} when it is missing or unreadable: state is
    only ever a shortcut (a manifest, a cache), so losing it costs a recomputation, never data."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


# ---------------------------------------------------------------------------------------------
# Parquet: atomic, deterministic.
# ---------------------------------------------------------------------------------------------


def conform(table: pa.Table | Any, schema: pa.Schema) -> pa.Table:
    """Cast a pyarrow table or pandas DataFrame to `schema`: missing columns become nulls, extra
    columns are refused (a typo in a column name should fail loudly, not vanish)."""
    if not isinstance(table, pa.Table):
        table = pa.Table.from_pandas(table, preserve_index=False)
    extra = set(table.column_names) - set(schema.names)
    if extra:
        raise ValueError(f"columns not in the schema: {sorted(extra)}")
    cols = []
    for f in schema:
        if f.name in table.column_names:
            cols.append(table.column(f.name).cast(f.type))
        else:
            cols.append(pa.nulls(table.num_rows, type=f.type))
    return pa.Table.from_arrays(cols, schema=schema)


def write_parquet_atomic(table: pa.Table, path: Path) -> Path:
    """Written as `write_bytes_atomic` writes: readers never see a partial table; a crash leaves the
    previous table and at most a stray `.tmp` file (cleaned next time)."""
    return write_bytes_atomic(path, lambda fh: pq.write_table(table, fh, compression="zstd"))


def write_table(tree: DataTree, name: str, data: pa.Table | Any, sort_by: Iterable[str] = ()) -> Path:
    """Conform `data` to the table's schema, sort it for a stable content, write it atomically (a
    partitioned table partition by partition, see `write_partitioned`)."""
    table = conform(data, TABLES[name])
    keys = [k for k in sort_by if k in table.column_names]
    if keys and table.num_rows:
        table = table.sort_by([(k, "ascending") for k in keys])
    if name in PARTITIONED:
        write_partitioned(tree, name, table)
        return tree.table_path(name)
    return write_parquet_atomic(table, tree.table_path(name))


def strictly_increasing(values: pa.Array | pa.ChunkedArray) -> bool:
    """No nulls and every value above the one before: sorted and unique in one pass, where counting
    the distinct values of 10^6 ids takes sixty times as long."""
    if values.null_count:
        return False
    n = len(values)
    return n < 2 or pc.all(pc.less(values.slice(0, n - 1), values.slice(1))).as_py()


def read_table(tree: DataTree, name: str, columns: Sequence[str] | None = None) -> pa.Table:
    """The table (only `columns`, when given: the others are not even decoded), or an empty one with
    its schema when it was never written. A partitioned table comes back as one table with the schema
    of `TABLES[name]`, its rows in the order it keeps (see `Partitioning.order_by`)."""
    if name in PARTITIONED and tree.table_path(name).is_dir():
        return _read_partitioned(tree, name, columns)
    path = tree.single_file_path(name)
    if not path.exists():
        empty = TABLES[name].empty_table()
        return empty if columns is None else empty.select(list(columns))
    return pq.read_table(path, columns=None if columns is None else list(columns))


def table_exists(tree: DataTree, name: str) -> bool:
    """Whether a build wrote the table (in the layout this kaopu writes)."""
    return tree.table_path(name).exists()


def table_files(tree: DataTree, name: str) -> list[Path]:
    """The parquet files that hold the table: its one file, or its partitions' in path order ([] when
    never written). A partitioned table not yet migrated is its old single file."""
    if name in PARTITIONED and tree.table_path(name).is_dir():
        return [path for _, path in _partition_files(tree.table_path(name))]
    path = tree.single_file_path(name)
    return [path] if path.exists() else []


def table_rows(tree: DataTree, name: str) -> int | None:
    """Rows of a written table from its files' footers (no data read); None when never written."""
    if name in PARTITIONED and tree.table_path(name).is_dir():
        return sum(pq.ParquetFile(p).metadata.num_rows for p in table_files(tree, name))
    files = table_files(tree, name)
    return pq.ParquetFile(files[0]).metadata.num_rows if files else None


# ---------------------------------------------------------------------------------------------
# Partitioned tables: a hive-partitioned parquet dataset, one file per partition.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Partitioning:
    """How a table is split into `<column>=<value>/<period>=<YYYY-MM>/part-0.parquet` (or, with no
    `period`, `<column>=<value>/part-0.parquet`).

    `column` is a column of the table; it lives only in the directory names (as hive layouts do, so
    Spark and DuckDB see no duplicate column), and readers get it back from them. `time_of` are
    timestamp columns: the first that is set gives a row's `period` (UTC; `month` = YYYY-MM, `year` =
    YYYY), a derived column of that name that readers other than `read_table` see too. `order_by` is
    the key the table's rows are kept in: every partition is written in that order and `read_table`
    gives the whole table in it. Nothing else about the columns is assumed, so columns can come and
    go without touching this."""

    column: str
    time_of: tuple[str, ...]
    order_by: str
    period: str | None = "month"


_PERIODS = {"month": "%Y-%m", "year": "%Y"}
PART_FILE = "part-0.parquet"
# What hive layouts (Spark, Hive, pyarrow, DuckDB) call a null partition value.
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
# The period of a row none of whose `time_of` columns is set: a value of its own, not a null
# (pandas cannot read a dataset whose period directories mix dates and __HIVE_DEFAULT_PARTITION__:
# "Cannot yet unify dictionaries with nulls").
NO_PERIOD = "undated"
# Partitions encoded and compared at once: the encoding (zstd) releases the GIL, so they overlap.
_PARTITION_THREADS = max(1, min(4, os.cpu_count() or 1))

PARTITIONED: dict[str, Partitioning] = {
    # By source alone, measured (bench/build.py at 10^5 documents, the base spread over 12 monthly
    # crawls, +1% a month later; README "Why by source and not by month"): source × month first seen
    # (60 files, median 510 rows) had a +1% build rewrite 38 of 65 files, 5.9 MB, for 4.13 CPU s
    # [3.83, 4.43], against 5 of 5 files, 5.5 MB, 3.40 CPU s [3.12, 3.69] by source. Labels are
    # stable now (`pipelines.dedup.stable_labels`), but a new document that joins two old clusters
    # renames the later one, and those rows (~0.8% of the old ones per +1%) fall in most months.
    # `period="month"` switches to months in one line (tested): the month is that of `first_seen_at`,
    # the fetch of a document's first version, which no later build changes (the month published
    # spreads an agency's first crawl over years of tiny files and is missing on some pages); a
    # document without it goes to `month=undated` (NO_PERIOD).
    "clean/documents": Partitioning("source", ("first_seen_at",), "doc_id", period=None),
}


def write_partitioned(tree: DataTree, name: str, table: pa.Table) -> dict[str, int]:
    """Write `table` (conformed) as the table's partitions. Each partition file is encoded in memory
    and written (temp file, fsync, rename, directory fsync) only when its bytes differ from the file
    already there: an incremental build rewrites the partitions whose rows changed and no other
    (their files keep inode and mtime). Partitions no longer in the table are removed after every
    new one is in place, then the table's old single file if there was one (its migration).

    A write that lays the dataset out anew (a new tree, a single file or a dataset in another layout
    to migrate) is atomic as a whole: it is written in a hidden directory beside it and swapped into
    place (`_swap_in`), so no reader ever sees a row twice or not at all. Otherwise each file is atomic,
    the set of them is not: a reader in the middle of a build may see some partitions new and others
    old (a row that moved partition in both), as a reader of several tables sees some rewritten and
    others not. A build that crashes leaves every partition whole, and the next build, re-reading the
    same raw, writes them all consistent again. Returns {"written": n, "kept": n, "removed": n,
    "bytes_written": n} (removed: partitions of the old layout too)."""
    part = PARTITIONED[name]
    final = tree.table_path(name)
    final.parent.mkdir(parents=True, exist_ok=True)
    for stale in final.parent.glob(f".{final.name}.*.tmp"):
        shutil.rmtree(stale, ignore_errors=True)  # a first write or migration that crashed
    old_files = _partition_files(final) if final.is_dir() else []
    keys = [part.column, *([part.period] if part.period is not None else [])]
    anew = not final.is_dir() or any(list(values) != keys for values, _ in old_files)
    root = (
        Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)) if anew else final
    )
    groups = _partition_groups(table, part)
    file_table = table.drop_columns([part.column])
    wanted: dict[Path, np.ndarray] = {}
    for (value, month), rows in groups.items():
        directory = root / f"{part.column}={_segment(value)}"
        if part.period is not None:
            directory = directory / f"{part.period}={_segment(month)}"
        wanted[tree.inside(directory / PART_FILE)] = rows

    def write_one(item: tuple[Path, np.ndarray]) -> int:
        path, rows = item
        sink = pa.BufferOutputStream()
        pq.write_table(file_table.take(pa.array(rows)), sink, compression="zstd")
        body = sink.getvalue()
        if _same_bytes(path, body):
            return -1
        write_bytes_atomic(path, lambda fh: fh.write(body))
        return body.size

    with ThreadPoolExecutor(max_workers=_PARTITION_THREADS) as pool:
        sizes = list(pool.map(write_one, sorted(wanted.items(), key=lambda kv: str(kv[0]))))
    removed = 0
    if anew:
        removed = len(old_files)
        _swap_in(root, final)
    else:
        for _, path in old_files:
            if path not in wanted:
                path.unlink()
                removed += 1
                fsync_dir(path.parent)
                _remove_empty_dirs(path.parent, root)
    old = tree.single_file_path(name)
    if old.exists():
        old.unlink()
        fsync_dir(old.parent)
    written = sum(size >= 0 for size in sizes)
    return {
        "written": written,
        "kept": len(wanted) - written,
        "removed": removed,
        "bytes_written": sum(size for size in sizes if size > 0),
    }


def _swap_in(new: Path, final: Path) -> None:
    """Put the directory `new` where `final` is, in one step: the kernel exchanges the two names
    (renameat2 RENAME_EXCHANGE), so a reader sees the old dataset or the new one; the old one, now
    under the hidden name, is then removed (a crash before that leaves it for the next write to
    remove). Where the call is missing (not Linux, an old kernel or file system), the old dataset is
    renamed away first: a reader in that instant finds no table."""
    if not final.exists():
        os.replace(new, final)
    elif not _exchange(new, final):
        aside = final.with_name(f"{new.name.removesuffix('.tmp')}.old.tmp")
        os.replace(final, aside)
        os.replace(new, final)
        new = aside
    fsync_dir(final.parent)
    shutil.rmtree(new, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0
    return done


def _partition_groups(table: pa.Table, part: Partitioning) -> dict[tuple[str, str], np.ndarray]:
    """Row positions of each partition, in table order within each (so each file keeps the order)."""
    if table.num_rows == 0:
        return {}
    month = pa.nulls(table.num_rows, pa.string())
    for col in part.time_of if part.period is not None else ():
        stamps = table.column(col).combine_chunks()
        month = pc.coalesce(month, pc.strftime(stamps, format=_PERIODS[part.period]))
    value = pc.cast(table.column(part.column).combine_chunks(), pa.string())
    key = pc.binary_join_element_wise(
        pc.fill_null(value, NULL_PARTITION), pc.fill_null(month, NO_PERIOD), "\x00"
    )
    codes = pc.dictionary_encode(key)
    idx = codes.indices.to_numpy(zero_copy_only=False)
    order = np.argsort(idx, kind="stable")
    bounds = np.flatnonzero(np.diff(idx[order])) + 1
    out: dict[tuple[str, str], np.ndarray] = {}
    for rows in np.split(order, bounds):
        v, m = codes.dictionary[int(idx[rows[0]])].as_py().split("\x00")
        out[(v, m)] = rows
    return out


def _segment(value: str) -> str:
    """A partition value as a directory name: URI-escaped, as pyarrow's hive partitioning decodes it
    (source names and months need no escaping; anything else cannot make a path)."""
    from urllib.parse import quote

    return quote(value, safe="-_")


def _same_bytes(path: Path, body: pa.Buffer) -> bool:
    try:
        if path.stat().st_size != body.size:
            return False
        return body.equals(pa.py_buffer(path.read_bytes()))  # (no copy of the new bytes)
    except OSError:
        return False


def _partition_files(root: Path) -> list[tuple[dict[str, str], Path]]:
    """(partition values, file) of every partition under `root`, in path order; files and directories
    starting with '.' or '_' (temporary files, metadata) are not partitions, as for every reader."""
    from urllib.parse import unquote

    out = []
    for path in sorted(root.rglob("*.parquet")):
        rel = path.relative_to(root).parts
        if any(p.startswith((".", "_")) for p in rel):
            continue
        values = {}
        for seg in rel[:-1]:
            k, _, v = seg.partition("=")
            values[k] = None if v == NULL_PARTITION else unquote(v)
        out.append((values, path))
    return out


def _remove_empty_dirs(directory: Path, root: Path) -> None:
    while directory != root and root in directory.parents:
        try:
            directory.rmdir()
        except OSError:
            return  # not empty
        fsync_dir(directory.parent)
        directory = directory.parent


def _read_partitioned(tree: DataTree, name: str, columns: Sequence[str] | None) -> pa.Table:
    """Every partition's rows with its partition value put back, as one table in `order_by` order."""
    part, schema = PARTITIONED[name], TABLES[name]
    want = list(schema.names) if columns is None else list(columns)
    need = want if part.order_by in want else [*want, part.order_by]
    in_file = [c for c in need if c != part.column]
    pieces = []
    for values, path in _partition_files(tree.table_path(name)):
        t = pq.read_table(path, columns=in_file)
        if part.column in need:
            v = values.get(part.column)
            col = pa.nulls(t.num_rows, pa.string())
            t = t.append_column(part.column, col if v is None else col.fill_null(v))
        pieces.append(t.select(need))
    if not pieces:
        return schema.empty_table().select(want)
    whole = pa.concat_tables(pieces).cast(pa.schema([schema.field(c) for c in need]))
    keys = whole.column(part.order_by)
    if not strictly_increasing(keys):
        whole = whole.take(pc.sort_indices(keys))
    return whole.select(want)
