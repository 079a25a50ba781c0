"""Is anything lost? `kaopu verify` over a whole data tree, and the loud lines a build ends with.

`verify_tree` reads every raw file through (gzip CRC and length, footers: `pipelines.storage.RawReader`),
compares the build manifest with the raw files it names, and opens every table's parquet footer to check
its schema against `pipelines.contracts.TABLES` and its row count against what the last build recorded.
Each problem is one line naming the file, what is wrong and what to do; no line means nothing is lost.

`damage_lines` turns the damaged raw files a build met (`update_clean`'s `damaged_raw`) into one line
each: which file, what was lost, how to get it back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from incremental_build.clean import INPUTS as _CLEAN_INPUTS
from incremental_build.mart_state import STATE_JSON as _MARTS_STATE
from incremental_build.raw_manifest import MANIFEST as _CLEAN_MANIFEST
from pipelines.contracts import SCHEMA_VERSION, TABLES
from pipelines.storage import PARTITIONED, UNFINISHED, DataTree, check_raw, table_exists, table_files

# Row counts the clean build records, by table.
_CLEAN_COUNTS = {
    "clean/documents": "documents",
    "clean/claims": "claims",
    "clean/registry": "registry",
    "clean/listings": "listings",
    "clean/changes": "changes",
}


def recovery(source: str | None) -> str:
    """The command that gets a damaged source's items back (see README "When raw is damaged")."""
    return f"kaopu run --source {source}" if source else "kaopu run"


def damaged_in(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The damaged raw files a `build` or `run` flow's summary reports."""
    build = summary.get("build", summary)
    clean = build.get("clean") if isinstance(build, dict) else None
    return list(clean.get("damaged_raw") or []) if isinstance(clean, dict) else []


def damage_lines(damaged: Iterable[dict[str, Any]]) -> list[str]:
    """One loud line per damaged raw file a build met."""
    lines = []
    for d in damaged:
        read = d.get("records_read", 0)
        if d.get("reason") == UNFINISHED:
            what = (
                "it stops after a whole line with no gzip trailer (a killed crawl, or a file cut at a "
                f"line's end); its {read} records were built"
                + (" and the file is now sealed" if d.get("sealed") else "")
                + f"; whatever followed comes back with the next `{recovery(d.get('source'))}`"
            )
        else:
            lost = (
                f"the {d.get('unread_bytes', 0)} bytes after the damage are unreadable"
                if d.get("reason") == "corrupt_gzip"
                else "whatever followed them was cut off"
            )
            what = (
                f"{d.get('detail')}; its first {read} records were built, {lost}; restore the file from a "
                f"backup, or re-crawl with `{recovery(d.get('source'))}` and move it out of data/raw"
            )
        lines.append(f"DAMAGED raw file {d.get('raw_file')} ({d.get('reason')}): {what}")
    return lines


def verify_tree(tree: DataTree) -> list[str]:
    """Every problem in the data tree, one line each; [] when nothing is wrong."""
    if not tree.root.is_dir():
        return [f"{tree.root}: no data tree here"]
    return [*_raw_problems(tree), *_manifest_problems(tree), *_table_problems(tree)]


def _raw_problems(tree: DataTree) -> list[str]:
    out = []
    for path in tree.raw_files():
        check = check_raw(path)
        if check.problem is not None:
            source = tree.relative(path).split("/")[1]
            out.append(
                f"raw {tree.relative(path)}: {check.problem}: {check.detail} "
                f"({check.records} records readable); recover with `{recovery(source)}`"
            )
    return out


def _state(tree: DataTree, name: str) -> tuple[dict[str, Any] | None, str | None]:
    """(the state file's content or None when absent, a problem line or None)."""
    path = tree.build_state(name)
    if not path.exists():
        return None, None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return None, f"state {tree.relative(path)}: unreadable ({exc}); the next build recomputes it"
    if not isinstance(doc, dict):
        return None, f"state {tree.relative(path)}: not a JSON object; the next build recomputes it"
    return doc, None


def _manifest_problems(tree: DataTree) -> list[str]:
    manifest, problem = _state(tree, _CLEAN_MANIFEST)
    if manifest is None:
        return [problem] if problem else []
    out = []
    for rel, seen in sorted(manifest.items()):
        path = tree.root / rel
        if not path.exists():
            out.append(
                f"manifest: {rel} was built ({_records(seen)} records) but is gone from raw; "
                "its rows stay in the tables, restore the file from a backup to keep raw whole"
            )
        elif isinstance(seen, dict) and path.stat().st_size < int(seen.get("size", 0)):
            out.append(
                f"manifest: {rel} is {path.stat().st_size} bytes, smaller than the "
                f"{seen.get('size')} bytes built; restore it from a backup"
            )
    return out


def _records(seen: Any) -> Any:
    return seen.get("records", "?") if isinstance(seen, dict) else "?"


def _table_problems(tree: DataTree) -> list[str]:
    inputs, problem = _state(tree, _CLEAN_INPUTS)
    marts, problem2 = _state(tree, _MARTS_STATE)
    out = [p for p in (problem, problem2) if p]
    expected: dict[str, int] = {}
    for name, key in _CLEAN_COUNTS.items():
        if inputs and isinstance(inputs.get("counts", {}).get(key), int):
            expected[name] = inputs["counts"][key]
    for name, rows in ((marts or {}).get("rows") or {}).items():
        if isinstance(rows, int):
            expected[name] = rows
    for name, schema in TABLES.items():
        files = table_files(tree, name)
        if not files:
            if name in expected:
                out.append(f"table {name}: missing, but the last build wrote it; run `kaopu build`")
            continue
        if name in PARTITIONED and not table_exists(tree, name):
            out.append(
                f"table {name}: still one file ({files[0].name}); the next `kaopu build` partitions it"
            )
            continue
        out += _one_table(tree, name, files, schema, expected.get(name))
    return out


def _one_table(
    tree: DataTree, name: str, files: list[Path], schema: pa.Schema, expected_rows: int | None
) -> list[str]:
    """A table's schema, schema_version and row count, over its one file or its partitions' files (a
    partitioned table's partition column lives in the directory names, not in the files)."""
    part = PARTITIONED.get(name)
    in_files = pa.schema([f for f in schema if part is None or f.name != part.column])
    out: list[str] = []
    rows = 0
    for path in files:
        where = name if part is None else f"{name} ({tree.relative(path)})"
        try:
            meta = pq.ParquetFile(path)
            found = meta.schema_arrow
            rows += meta.metadata.num_rows
        except (OSError, pa.ArrowException) as exc:
            out.append(f"table {where}: unreadable parquet ({exc}); run `kaopu build` to write it again")
            continue
        out += _schema_problems(where, path, found, in_files, meta.metadata.num_rows)
    if expected_rows is not None and rows != expected_rows and not any("unreadable" in line for line in out):
        out.append(f"table {name}: {rows} rows, the last build wrote {expected_rows}")
    return out


def _schema_problems(where: str, path: Path, found: pa.Schema, schema: pa.Schema, rows: int) -> list[str]:
    missing = [f.name for f in schema if f.name not in found.names]
    extra = [n for n in found.names if n not in schema.names]
    wrong = [
        f"{f.name} is {found.field(f.name).type}, expected {f.type}"
        for f in schema
        if f.name in found.names and not found.field(f.name).type.equals(f.type)
    ]
    if missing or extra or wrong:
        parts = [f"missing {missing}" if missing else "", f"extra {extra}" if extra else "", *wrong]
        return [f"table {where}: schema differs: {'; '.join(p for p in parts if p)}"]
    if rows and "schema_version" in found.names:
        versions = set(pq.read_table(path, columns=["schema_version"]).column(0).unique().to_pylist())
        if versions != {SCHEMA_VERSION}:
            return [f"table {where}: schema_version {sorted(versions)}, this kaopu writes {SCHEMA_VERSION}"]
    return []
