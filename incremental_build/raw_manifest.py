"""Which raw records a clean build has not processed yet, and reading them into typed items.

A manifest in the build state remembers, for every raw file, its size, mtime and how many records were
taken from it. A file seen before and unchanged is skipped; a file that grew (a later run appended to
it) is read again and only the records past the remembered count are new. The manifest moves only after
every clean table is written (`record_progress`): a crash before reprocesses the same records, which the
keyed merge makes harmless. A damaged raw file is quarantined whole with its reason and stays out of
the manifest, so a restored or re-crawled file is read again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pipelines import contracts
from pipelines.storage import (
    UNFINISHED,
    DataTree,
    QuarantineWriter,
    RawReader,
    being_written,
    read_json_state,
    seal_unfinished,
    write_json_atomic,
)

MANIFEST = "clean-manifest.json"

Pending = list[tuple[Path, str, int]]


def load_manifest(tree: DataTree) -> dict[str, dict[str, int]]:
    # A torn manifest only costs a reprocess: rows are keyed, so re-reading is idempotent.
    return read_json_state(tree.build_state(MANIFEST))


def record_progress(
    tree: DataTree, manifest: dict[str, dict[str, int]], pending: Pending, counts: dict[str, Any]
) -> None:
    """Move the manifest past the records this build took (their counts are popped from `counts`).
    A damaged file has no `_records_` count and stays out: it is read again until it is whole."""
    for path, rel, _skip in pending:
        if "_records_" + rel not in counts:
            continue
        st = path.stat()
        manifest[rel] = {
            "size": st.st_size,
            "mtime_ns": st.st_mtime_ns,
            "records": counts.pop("_records_" + rel),
        }
    write_json_atomic(tree.build_state(MANIFEST), manifest)


def pending_raw(tree: DataTree, manifest: dict[str, dict[str, int]]) -> list[tuple[Path, str, int]]:
    """(path, relative path, records to skip) for every raw file with records not processed yet."""
    out = []
    for path in tree.raw_files():
        rel = tree.relative(path)
        st = path.stat()
        seen = manifest.get(rel)
        if seen is None:
            out.append((path, rel, 0))
        elif seen["size"] == st.st_size:
            # Raw files are append-only, so the same size is the same content. The mtime is not
            # compared: copying or restoring a data tree changes it, and must not re-read 10^6 items.
            continue
        elif st.st_size > seen["size"]:
            out.append((path, rel, int(seen["records"])))  # appended to: only the new records
        else:
            out.append((path, rel, 0))  # rewritten or truncated: read it whole, keys dedupe
    return out


def read_items(
    pending: Sequence[tuple[Path, str, int]], quarantine: QuarantineWriter, counts: dict[str, Any]
) -> Iterator[tuple[contracts.BaseItem, str]]:
    """Every new valid item with the raw file it came from; invalid records go to quarantine.

    A raw file that fails its check (`RawReader`) still gives every record before the damage, and is
    quarantined whole with its reason; it goes into `counts["damaged_raw"]` and not into the manifest,
    so a restored or re-crawled file is read again next time."""
    for path, rel, skip in pending:

        def bad_line(line_no: int, reason: str, rel: str = rel) -> None:
            quarantine.write({"line": line_no}, "bad_json_line", detail=reason, raw_file=rel)

        reader = RawReader(path, on_bad_line=bad_line)
        n = 0
        for rec in reader:
            n += 1
            if n <= skip:
                continue
            counts["records"] += 1
            item = _item_or_quarantine(rec, rel, quarantine)
            if item is not None:
                yield item, rel
        check = reader.check
        if check.problem is None:
            counts["_records_" + rel] = n
            continue
        if check.problem == UNFINISHED and being_written(path):
            # A spider run on its own (outside kaopu's lock) is still writing it: not damage. What it
            # holds so far is built; it stays out of the manifest and is read again once finished.
            counts["raw_being_written"].append(rel)
            continue
        source = rel.split("/")[1] if rel.count("/") >= 2 else None
        lost = {
            "raw_file": rel,
            "source": source,
            "day": rel.split("/")[2] if rel.count("/") >= 3 else None,
            "reason": check.problem,
            "detail": check.detail,
            "records_read": check.records,
            "unread_bytes": check.unread_bytes,
            "size": check.size,
        }
        # A killed crawl's file (no live writer holds it, see above): every line in it is whole, so it
        # is closed now and read as whole next time. Still reported this time.
        lost["sealed"] = seal_unfinished(check)
        quarantine.write(lost, check.problem, detail=check.detail, source=source, raw_file=rel)
        counts["damaged_raw"].append(lost)


def _item_or_quarantine(
    rec: dict[str, Any], rel: str, quarantine: QuarantineWriter
) -> contracts.BaseItem | None:
    try:
        return contracts.from_record(rec)
    except contracts.InvalidItem as exc:
        quarantine.write(
            rec,
            exc.reason,
            detail=exc.detail,
            source=rec.get("source"),
            source_url=rec.get("source_url"),
            raw_file=rel,
        )
    except (TypeError, ValueError, AttributeError) as exc:  # a field of the wrong type
        quarantine.write(rec, "bad_field", detail=str(exc), source=rec.get("source"), raw_file=rel)
    return None
