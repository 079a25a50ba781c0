"""The data tree: every path under `data/` is built here, and every write goes through here.

Layout (DESIGN.md "Data layout"):

    data/providers.toml
    data/raw/<source>/<YYYY-MM-DD>/<run_id>.jsonl.gz     append-only, flushed per item
    data/quarantine/<run_id>.jsonl                      rejected items with their reason
    data/clean/<table>.parquet, data/marts/<table>.parquet   written atomically
    data/state/                                          watermarks, crawl job dirs, run lock, logs
    data/prefect/                                        PREFECT_HOME

Guarantees the rest of kaopu relies on:
- raw and quarantine files are appended one complete line at a time and flushed, so a process
  killed with SIGKILL leaves every earlier line readable (gzip members are flushed with Z_SYNC_FLUSH);
- parquet tables are written to a temporary file in the same directory, fsynced, then renamed, so
  a reader sees the old table or the new one, never half of one;
- no name taken from scraped data can make a path outside the data tree.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import re
import tempfile
import unicodedata
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

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

    def quarantine_file(self, run_id: str) -> Path:
        return self.inside(self.root / "quarantine" / f"{_safe_run_id(run_id)}.jsonl")

    def table_path(self, table: str) -> Path:
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}")
        return self.root / f"{table}.parquet"

    def state_dir(self, *parts: str) -> Path:
        return self.inside(self.root.joinpath("state", *(slugify(p) for p in parts)))

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
# Raw: append-only jsonl.gz, one gzip stream, sync-flushed after every line.
# ---------------------------------------------------------------------------------------------


class RawWriter:
    """Appends records to one raw file. Each `write` is durable before it returns (flush + sync
    flush of the deflate stream), so SIGKILL loses at most the record being written."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        # Appending a new gzip member to an existing file is valid gzip; readers see one stream.
        self._fh = open(path, "ab")  # noqa: SIM115 - lifetime is the writer's
        self._gz = gzip.GzipFile(fileobj=self._fh, mode="ab", mtime=0)
        self.count = 0

    def write(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False, sort_keys=True, default=str) + "\n"
        self._gz.write(line.encode("utf-8", "surrogatepass"))
        self._gz.flush(zlib.Z_SYNC_FLUSH)
        self._fh.flush()
        self.count += 1

    def close(self) -> None:
        if not self._gz.closed:
            self._gz.close()
        if not self._fh.closed:
            self._fh.close()

    def __enter__(self) -> RawWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_jsonl_gz(
    path: Path, on_bad_line: Callable[[int, str], None] | None = None
) -> Iterator[dict[str, Any]]:
    """Yield every complete record of a raw file, streaming, including one whose writer was killed.

    A file cut off mid-stream (no gzip trailer) or mid-line yields all complete lines before the cut;
    the incomplete tail never was a whole item. A line that does not parse anywhere else is reported
    to `on_bad_line(line_number, reason)` (the build quarantines it) instead of being dropped silently.
    """
    decomp = zlib.decompressobj(wbits=31)
    tail = b""
    line_no = 0

    def parse(raw: bytes) -> dict[str, Any] | None:
        try:
            rec = json.loads(raw.decode("utf-8", "surrogatepass"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            if on_bad_line:
                on_bad_line(line_no, f"unreadable raw line: {exc}")
            return None
        if not isinstance(rec, dict):
            if on_bad_line:
                on_bad_line(line_no, "raw line is not a JSON object")
            return None
        return rec

    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            while chunk:
                try:
                    out = decomp.decompress(chunk)
                except zlib.error:
                    chunk = b""
                    out = b""
                    fh.seek(0, os.SEEK_END)  # torn bytes at the end: stop reading
                data = tail + out
                lines = data.split(b"\n")
                tail = lines.pop()
                for raw in lines:
                    line_no += 1
                    if raw.strip() and (rec := parse(raw)) is not None:
                        yield rec
                chunk = decomp.unused_data if decomp.eof else b""
                if decomp.eof:
                    decomp = zlib.decompressobj(wbits=31)  # another member: a later run appended
    # `tail` is a line with no newline: the record being written when the writer died.


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
            self._fh.close()
            self._fh = None

    def __enter__(self) -> QuarantineWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_quarantine(tree: DataTree) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    qdir = tree.root / "quarantine"
    for path in sorted(qdir.glob("*.jsonl")) if qdir.exists() else []:
        with open(path, encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    return rows


def write_json_atomic(path: Path, doc: Any) -> Path:
    """Small state files (manifests, stats, caches): written whole or not at all, like the tables."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(
        json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1, default=str), encoding="utf-8"
    )
    os.replace(tmp, path)
    return path


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
    """Write to a temp file beside `path`, fsync, rename over `path`. Readers never see a partial
    table; a crash leaves the previous table and at most a stray `.tmp` file (cleaned next time)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            pq.write_table(table, fh, compression="zstd")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_table(tree: DataTree, name: str, data: pa.Table | Any, sort_by: Iterable[str] = ()) -> Path:
    """Conform `data` to the table's schema, sort it for a stable content, write it atomically."""
    table = conform(data, TABLES[name])
    keys = [k for k in sort_by if k in table.column_names]
    if keys and table.num_rows:
        table = table.sort_by([(k, "ascending") for k in keys])
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
    its schema when it was never written."""
    path = tree.table_path(name)
    if not path.exists():
        empty = TABLES[name].empty_table()
        return empty if columns is None else empty.select(list(columns))
    return pq.read_table(path, columns=None if columns is None else list(columns))
