"""clean/documents as a hive-partitioned parquet dataset (source=…/part-0.parquet, or with months
source=…/month=…/part-0.parquet, the month a document was first seen): pandas and DuckDB read the
directory as it is, an incremental build rewrites only the partitions whose rows changed, a partition
is never seen half-written, and a single-file table, or a dataset in another layout, is migrated by
the next build in one step."""

from __future__ import annotations

import dataclasses
import os
import zlib

import duckdb  # the test extra installs it: the README reads the tables with DuckDB
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from evaluation.sandbox_eval import write_raw
from incremental_build.clean import update_clean
from pipelines import storage
from pipelines.storage import DataTree, read_table, table_files, table_rows
from sandbox.world import World

DOCS = "clean/documents"


@pytest.fixture(scope="module")
def items():
    return list(World(11, 8).expected_items())


@pytest.fixture
def built(tmp_path, items) -> DataTree:
    tree = DataTree(tmp_path / "data")
    write_raw(tree, "one", items)
    update_clean(tree, watchlist=[], workers=1)
    return tree


BY_MONTH = dataclasses.replace(storage.PARTITIONED[DOCS], period="month")


@pytest.fixture
def by_month(monkeypatch, tmp_path, items) -> DataTree:
    """A tree built with clean/documents by source and month first seen (`period="month"`), its
    items fetched over three months."""
    monkeypatch.setitem(storage.PARTITIONED, DOCS, BY_MONTH)
    tree = DataTree(tmp_path / "by-month")
    for k in range(3):
        write_raw(
            tree, f"m{k}", _later([i for i in items if zlib.crc32(i.item_id.encode()) % 3 == k], 31 * k)
        )
    update_clean(tree, watchlist=[], workers=1)
    return tree


def _state(tree: DataTree) -> dict[str, tuple[int, int]]:
    """Each partition file's (inode, mtime) by its path in the dataset."""
    root = tree.table_path(DOCS)
    return {
        p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in table_files(tree, DOCS)
    }


def _contents(tree: DataTree) -> dict[str, pd.DataFrame]:
    root = tree.table_path(DOCS)
    return {p.relative_to(root).as_posix(): pq.read_table(p).to_pandas() for p in table_files(tree, DOCS)}


def test_documents_are_partitioned_by_source_and_read_back_whole(built):
    root = built.table_path(DOCS)
    assert root.is_dir() and not built.single_file_path(DOCS).exists()
    docs = read_table(built, DOCS).to_pandas()
    files = table_files(built, DOCS)
    assert len(files) >= 5 and table_rows(built, DOCS) == len(docs)
    for path in files:
        values = dict(seg.split("=", 1) for seg in path.relative_to(root).parts[:-1])
        part = pq.read_table(path).to_pandas()
        assert "source" not in part.columns, "the partition column lives in the directory name only"
        rows = docs[docs["doc_id"].isin(part["doc_id"])]
        assert len(rows) == len(part) and (rows["source"] == values["source"]).all()
        if "month" in values:  # (a layout by month too: see storage.PARTITIONED)
            assert (rows["first_seen_at"].dt.strftime("%Y-%m") == values["month"]).all()
    assert docs["doc_id"].is_monotonic_increasing and docs["doc_id"].is_unique
    assert list(docs.columns) == storage.TABLES[DOCS].names


def test_pandas_and_duckdb_read_the_directory_unchanged(built):
    docs = read_table(built, DOCS).to_pandas()
    path = built.table_path(DOCS)

    frame = pd.read_parquet(path)  # the README's line
    assert len(frame) == len(docs)
    period = storage.PARTITIONED[DOCS].period
    assert set(frame.columns) == set(docs.columns) | ({period} if period else set())
    frame = frame.sort_values("doc_id", ignore_index=True)
    assert frame["source"].astype(str).tolist() == docs["source"].tolist()
    pd.testing.assert_series_equal(frame["sentiment"], docs["sentiment"])

    query = f"""
        SELECT source, count(*) AS n, avg(sentiment) AS mean
        FROM read_parquet('{path}/**/*.parquet', hive_partitioning = true)
        GROUP BY source ORDER BY source"""
    got = duckdb.sql(query).df()
    want = docs.groupby("source").agg(n=("doc_id", "size"), mean=("sentiment", "mean")).reset_index()
    assert got["source"].tolist() == want["source"].tolist()
    assert got["n"].tolist() == want["n"].tolist()
    assert got["mean"].round(12).tolist() == want["mean"].round(12).tolist()


def test_an_incremental_build_rewrites_only_the_partitions_whose_rows_changed(built, items):
    before, old = _state(built), _contents(built)
    # One new review in the source whose documents sort last (market), written as a re-crawl would.
    review = next(i for i in items if i.kind == "market_review")
    new = dataclasses.replace(
        review, native_id=f"{review.native_id}x", text="这家服务商的运营团队回复很慢，效果一般。"
    )
    assert new.item_id != review.item_id
    write_raw(built, "two", [new])
    counts = update_clean(built, watchlist=[], workers=1)
    assert counts["new_documents"] == 1

    after, now = _state(built), _contents(built)
    changed = {k for k in now if k not in old or not now[k].equals(old[k])}
    assert changed, "the new review's partition changed"
    assert any(new.native_id in now[k]["native_id"].tolist() for k in changed)
    for key in after:
        if key in changed:
            assert after[key] != before.get(key), f"{key} changed but was not rewritten"
        else:
            assert after[key] == before[key], f"{key} did not change but was rewritten"
    untouched = {k.split("/")[0] for k in after if k not in changed}
    assert {"source=articles", "source=complaints", "source=forum"} <= untouched, "only market sorts after it"


def test_rewriting_the_same_rows_writes_no_partition(built):
    before = _state(built)
    counts = update_clean(built, watchlist=[], workers=1, full=True)
    assert counts["full"] and counts["records"]
    assert _state(built) == before, "a full rebuild of the same raw leaves every partition file alone"


def test_a_build_killed_between_partitions_leaves_every_partition_whole(built, monkeypatch):
    table = read_table(built, DOCS)
    old = _contents(built)
    changed = table.set_column(
        table.schema.get_field_index("sentiment"),
        "sentiment",
        pc.subtract(1.0, pc.fill_null(table.column("sentiment"), 0.5)),
    )
    real_replace, calls = os.replace, []

    def dying_replace(src, dst):
        calls.append(dst)
        if len(calls) == 3:
            raise OSError("disk gone")  # the third partition's rename never happens
        return real_replace(src, dst)

    monkeypatch.setattr(storage.os, "replace", dying_replace)
    with pytest.raises(OSError, match="disk gone"):
        storage.write_table(built, DOCS, changed)
    monkeypatch.setattr(storage.os, "replace", real_replace)

    # What a SIGKILL in the middle of a write leaves: a temporary file beside the partition.
    stray = table_files(built, DOCS)[0].parent / ".part-0.parquet.kill.tmp"
    stray.write_bytes(b"PAR1 half a partition")
    now = _contents(built)
    assert len(pd.read_parquet(built.table_path(DOCS))) == table.num_rows
    assert read_table(built, DOCS).num_rows == table.num_rows

    glob = f"{built.table_path(DOCS)}/**/*.parquet"
    count = duckdb.sql(f"SELECT count(*) FROM read_parquet('{glob}', hive_partitioning = true)").fetchall()[
        0
    ][0]
    assert count == table.num_rows

    # The next write finishes the job; before it, every partition was its old file or its new one.
    storage.write_table(built, DOCS, changed)
    assert read_table(built, DOCS).equals(changed.combine_chunks())
    new = _contents(built)
    assert now.keys() == old.keys() == new.keys()
    assert all(now[k].equals(old[k]) or now[k].equals(new[k]) for k in now), "a partition half-written"
    rewritten = sum(not now[k].equals(old[k]) for k in now)
    assert 2 <= rewritten < len(now), "the failure stopped the write part-way"


def test_a_single_file_table_is_migrated_by_the_next_build(built, monkeypatch):
    docs = read_table(built, DOCS)
    old_file = built.single_file_path(DOCS)
    pq.write_table(docs, old_file)  # the layout of an earlier kaopu
    for path in table_files(built, DOCS):
        path.unlink()
    import shutil

    shutil.rmtree(built.table_path(DOCS))
    assert read_table(built, DOCS).equals(docs), "read as it is until migrated"
    assert table_files(built, DOCS) == [old_file]

    # A migration that dies half-way shows nothing of itself: the old file stays the table.
    real_replace = os.replace

    def dying_replace(src, dst):
        if str(dst).endswith("part-0.parquet") and "source=forum" in str(dst):
            raise OSError("disk gone")
        return real_replace(src, dst)

    monkeypatch.setattr(storage.os, "replace", dying_replace)
    with pytest.raises(OSError, match="disk gone"):
        storage.write_table(built, DOCS, docs)
    monkeypatch.setattr(storage.os, "replace", real_replace)
    assert not built.table_path(DOCS).exists() and read_table(built, DOCS).equals(docs)
    assert len(pd.read_parquet(old_file)) == docs.num_rows

    counts = update_clean(built, watchlist=[], workers=1)
    assert not counts.get("unchanged"), "a table in the old layout is written anew"
    assert not list(old_file.parent.glob(".documents.*")), "the dead migration's directory is gone"
    assert not old_file.exists() and built.table_path(DOCS).is_dir()
    assert read_table(built, DOCS).equals(docs)


def test_the_readme_question_has_one_answer_in_pandas_and_in_duckdb(built, monkeypatch):
    """README "Reading the tables with DuckDB": complaints per agency and month since a date, with the
    mean sentiment, first through pandas (only the complaints partition is read), then DuckDB."""
    monkeypatch.chdir(built.root.parent)  # the README's paths are relative to the repository
    docs = read_table(built, DOCS).to_pandas()
    since = sorted(docs.loc[docs["source"] == "complaints", "created_at"].dropna())[5].floor("D")

    complaints = pd.read_parquet(
        "data/clean/documents",
        columns=["provider_id", "created_at", "sentiment"],
        filters=[("source", "==", "complaints"), ("created_at", ">=", since)],
    )
    complaints["month"] = complaints["created_at"].dt.strftime("%Y-%m")
    answer = (
        complaints.groupby(["provider_id", "month"])
        .agg(complaints=("sentiment", "size"), sentiment=("sentiment", "mean"))
        .reset_index()
        .sort_values(["complaints", "provider_id", "month"], ascending=[False, True, True], ignore_index=True)
    )

    sql = duckdb.sql(
        f"""
        SELECT provider_id, strftime(timezone('UTC', created_at), '%Y-%m') AS month,
               count(*) AS complaints, avg(sentiment) AS sentiment
        FROM read_parquet('data/clean/documents/**/*.parquet', hive_partitioning = true)
        WHERE source = 'complaints' AND created_at >= TIMESTAMPTZ '{since.isoformat()}'
              AND provider_id IS NOT NULL
        GROUP BY ALL
        ORDER BY complaints DESC, provider_id, month
        """
    ).df()

    expected = docs[
        (docs["source"] == "complaints") & docs["provider_id"].notna() & (docs["created_at"] >= since)
    ]
    assert len(answer) > 1 and answer["complaints"].sum() == len(expected)
    assert answer["provider_id"].tolist() == sql["provider_id"].tolist()
    assert answer["month"].tolist() == sql["month"].tolist()
    assert answer["complaints"].tolist() == sql["complaints"].tolist()
    assert np.allclose(answer["sentiment"], sql["sentiment"])


def test_verify_and_status_read_the_partitions(built):
    from cli.verify import verify_tree
    from flows.history import table_counts

    docs = read_table(built, DOCS)
    assert verify_tree(built) == []
    assert table_counts(built)[DOCS] == docs.num_rows

    files = table_files(built, DOCS)
    lost = pq.ParquetFile(files[0]).metadata.num_rows
    files[0].unlink()
    pq.write_table(pq.read_table(files[1]).drop_columns(["sentiment"]), files[1])
    problems = "\n".join(verify_tree(built))
    rel = built.relative(files[1])
    assert f"table {DOCS} ({rel}): schema differs: missing ['sentiment']" in problems
    assert f"table {DOCS}: {docs.num_rows - lost} rows, the last build wrote {docs.num_rows}" in problems
    assert table_counts(built)[DOCS] == docs.num_rows - lost


def test_a_layout_by_source_and_month_reads_back_the_same_table(built, by_month, tmp_path):
    files = table_files(by_month, DOCS)
    assert all(p.parent.name.startswith("month=") for p in files) and len(files) >= 12
    assert {p.parent.name for p in files} == {"month=2026-06", "month=2026-07", "month=2026-08"}
    frame = pd.read_parquet(by_month.table_path(DOCS))
    assert (frame["month"].astype(str) == frame["first_seen_at"].dt.strftime("%Y-%m")).all()
    docs = read_table(by_month, DOCS)
    assert docs["doc_id"].to_pylist() == sorted(docs["doc_id"].to_pylist()), "doc_id order across months"
    # The by-source build's table written by month reads back the same.
    same = read_table(built, DOCS)
    other = DataTree(tmp_path / "again")
    storage.write_table(other, DOCS, same)
    assert read_table(other, DOCS).equals(same)


def _later(items, days: int):
    import datetime as dt

    for item in items:
        if days and getattr(item, "fetched_at", None):
            when = dt.datetime.fromisoformat(item.fetched_at) + dt.timedelta(days=days)
            item = dataclasses.replace(item, fetched_at=when.isoformat())
        yield item


def test_a_crawl_a_month_later_lands_in_new_partitions_and_leaves_unchanged_ones_alone(by_month, items):
    built = by_month
    before, old = _state(built), _contents(built)
    old_docs = read_table(built, DOCS).to_pandas()
    known = {i.item_id for i in items}
    new = [i for i in World(11, 10).expected_items() if i.item_id not in known]
    assert len(new) > 20
    write_raw(built, "later", _later(new, 93))
    counts = update_clean(built, watchlist=[], workers=1)
    assert counts["new_documents"] > 0

    after, now = _state(built), _contents(built)
    docs = read_table(built, DOCS).to_pandas()
    fresh = docs[~docs["doc_id"].isin(old_docs["doc_id"])]
    assert len(fresh) == counts["new_documents"] and (fresh["first_seen_at"].dt.month == 10).all()
    new_parts = {k for k in after if "/month=2026-10/" in k}
    assert new_parts and new_parts.isdisjoint(before), "the new documents are in the new month's partitions"
    for key in before:
        if key in now and now[key].equals(old[key]):
            assert after[key] == before[key], f"{key} did not change but was rewritten"
        else:
            assert after.get(key) != before[key], f"{key} changed but was not rewritten"
    # Rows of old documents only change where something about them changed: the labels of the
    # clusters no new document joined stay what they were.
    kept = old_docs.set_index("doc_id")["dup_cluster"]
    joined = set(docs.loc[docs["doc_id"].isin(fresh["doc_id"]), "dup_cluster"])
    same = docs[docs["doc_id"].isin(old_docs["doc_id"]) & ~docs["dup_cluster"].isin(joined)]
    assert len(same) > 0.8 * len(old_docs)
    assert (same.set_index("doc_id")["dup_cluster"] == kept[same["doc_id"]]).all()
    written = counts["partitions_written"]
    assert written == sum(after.get(k) != before.get(k) for k in after)
    assert counts["partitions_kept"] == len(after) - written > 0, "some old month had no row changed"


def test_a_dataset_by_source_is_migrated_to_months_by_the_next_build(built, monkeypatch):
    """A by-source dataset (source=…/part-0.parquet) becomes source=…/month=…/ on the first build
    after the layout changes, all at once: a migration that dies leaves the old dataset whole."""
    docs = read_table(built, DOCS)
    by_month = BY_MONTH
    monkeypatch.setitem(storage.PARTITIONED, DOCS, by_month)
    old_files = table_files(built, DOCS)
    assert len(old_files) == 5 and all(p.parent.name.startswith("source=") for p in old_files)
    assert read_table(built, DOCS).equals(docs), "read as it is until migrated"

    def dying_exchange(a, b):
        raise OSError("killed before the swap")

    monkeypatch.setattr(storage, "_exchange", dying_exchange)
    with pytest.raises(OSError, match="killed before the swap"):
        storage.write_table(built, DOCS, docs)
    monkeypatch.undo()
    monkeypatch.setitem(storage.PARTITIONED, DOCS, by_month)
    assert table_files(built, DOCS) == old_files, "no month partition is visible before the swap"
    assert len(pd.read_parquet(built.table_path(DOCS))) == docs.num_rows
    assert list(built.table_path(DOCS).parent.glob(".documents.*.tmp")), "(the dead write's directory)"

    counts = update_clean(built, watchlist=[], workers=1, full=True)
    assert counts["partitions_removed"] == 5 and counts["partitions_kept"] == 0
    files = table_files(built, DOCS)
    assert files and all(p.parent.name.startswith("month=") for p in files)
    assert not list(built.table_path(DOCS).parent.glob(".documents.*"))
    assert read_table(built, DOCS).equals(docs), "every row migrated, none twice"
    glob = f"{built.table_path(DOCS)}/**/*.parquet"
    rows = duckdb.sql(f"SELECT count(*) FROM read_parquet('{glob}', hive_partitioning = true)").fetchall()
    assert rows[0][0] == docs.num_rows


def test_a_document_never_seen_goes_to_the_default_partition(built, tmp_path, monkeypatch):
    monkeypatch.setitem(storage.PARTITIONED, DOCS, BY_MONTH)
    docs = read_table(built, DOCS)
    at = docs.schema.get_field_index("first_seen_at")
    mask = pa.array([i == 0 for i in range(docs.num_rows)])
    unseen = docs.set_column(at, "first_seen_at", pc.if_else(mask, None, docs.column(at)))
    other = DataTree(tmp_path / "unseen")
    storage.write_table(other, DOCS, unseen)
    source = docs.column("source")[0].as_py()
    path = other.table_path(DOCS) / f"source={source}" / "month=undated" / "part-0.parquet"
    assert pq.read_table(path).num_rows == 1
    assert read_table(other, DOCS).equals(unseen)
    frame = pd.read_parquet(other.table_path(DOCS))
    assert (frame["month"] == "undated").sum() == 1 and len(frame) == docs.num_rows
    glob = f"{other.table_path(DOCS)}/**/*.parquet"
    query = f"SELECT count(*) FROM read_parquet('{glob}', hive_partitioning = true) WHERE month = 'undated'"
    assert duckdb.sql(query).fetchall()[0][0] == 1


def test_without_an_atomic_exchange_a_new_layout_still_replaces_the_old_one_whole(built, monkeypatch):
    """Where renameat2 is missing the old dataset is renamed away, the new one in, the old removed."""
    docs = read_table(built, DOCS)
    monkeypatch.setattr(storage, "_exchange", lambda a, b: False)
    monkeypatch.setitem(storage.PARTITIONED, DOCS, BY_MONTH)
    out = storage.write_partitioned(built, DOCS, docs)
    assert out["removed"] == 5 and out["written"] == len(table_files(built, DOCS))
    assert all(p.parent.name.startswith("month=") for p in table_files(built, DOCS))
    assert read_table(built, DOCS).equals(docs)
    assert not list(built.table_path(DOCS).parent.glob(".documents.*")), "nothing left beside it"
