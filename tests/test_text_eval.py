"""The real-text evaluation harness, on a tiny corpus of our own sentences written to a temp folder:
the split is stable and keeps duplicate groups together, intervals behave, and the leak check finds a
passage pasted into a tracked file. The real corpus is never needed here."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from evaluation.text import corpus, leaks, stats


def _record(i: int, *, url: str | None = None, dup: str | None = None, text: str | None = None) -> dict:
    return {
        "id": f"T-{i:03d}",
        "url": url or f"http://example.test/p/{i}",
        "source_type": "article",
        "text": text or f"第{i}篇：某某代运营公司为客户做了店铺托管，这是我们自己写的测试句子，编号{i}。",
        "providers": ["某某代运营"],
        "providers_canonical": ["某某代运营"],
        "sentiment_toward_provider": (i % 3) - 1,
        "claims": [],
        "pii": [],
        "dup_group": dup,
        "script": "simplified",
        "noise": [],
        "label_confidence": "high",
        "notes": "",
    }


def _write(folder: Path, records: list[dict], name: str = "part.jsonl") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / name).open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return folder


def test_split_is_a_stable_third_and_keeps_dup_groups_together(tmp_path: Path) -> None:
    records = [_record(i) for i in range(300)]
    records += [_record(1000 + i, url=f"http://mirror{i}.test/x", dup="same-story") for i in range(5)]
    passages = corpus.load(_write(tmp_path / "c", records))
    test = corpus.select(passages, "test")
    train = corpus.select(passages, "train")
    assert len(test) + len(train) == len(passages) == 305
    assert 0.25 < len(test) / len(passages) < 0.42
    test_ids = {p.id for p in test}
    group_sides = {p.id in test_ids for p in passages if p.dup_group == "same-story"}
    assert len(group_sides) == 1
    # The same passages land on the same side however the corpus is ordered or extended.
    again = corpus.load(_write(tmp_path / "d", [*reversed(records), _record(999)]))
    assert {p.id for p in corpus.select(again, "test")} - {"T-999"} == test_ids


def test_one_page_labelled_under_two_groups_never_sits_on_both_sides(tmp_path: Path) -> None:
    records = [_record(i) for i in range(60)]
    # Pages 0..59 hash to either side; tie each to a twin that shares its URL but carries a group.
    twins = [_record(100 + i, url=f"http://example.test/p/{i}", dup=f"g{i}") for i in range(60)]
    passages = corpus.load(_write(tmp_path / "c", records + twins))
    test_ids = {p.id for p in corpus.select(passages, "test")}
    for i in range(60):
        assert (f"T-{i:03d}" in test_ids) == (f"T-{100 + i:03d}" in test_ids)
    # A story goes to the held-out side only when all of its keys do.
    by_id = {p.id: p for p in passages}
    for i in range(60):
        both = by_id[f"T-{i:03d}"].key_held_out and by_id[f"T-{100 + i:03d}"].key_held_out
        assert (f"T-{i:03d}" in test_ids) == both


def test_a_bad_corpus_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(corpus.CorpusError, match=r"no \*\.jsonl corpus"):
        corpus.load(tmp_path / "missing")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.jsonl").write_text('{"id": "A"}\n', encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match=r"x\.jsonl:1"):
        corpus.load(bad)
    with pytest.raises(corpus.CorpusError, match="unknown split"):
        corpus.select([], "validation")


def test_wilson_interval_is_sound_at_the_edges() -> None:
    full = stats.share(20, 20)
    assert full.value == 1.0 and full.high == 1.0 and 0.8 < full.low < 0.9
    none = stats.share(0, 20)
    assert none.value == 0.0 and none.low == 0.0 and 0.1 < none.high < 0.2
    half = stats.share(50, 100)
    assert half.low < 0.5 < half.high and half.high - half.low < 0.25


def test_bootstrap_interval_covers_the_value_and_narrows_with_more_units() -> None:
    small = stats.bootstrap([1, 0, 1, 1, 0, 1, 0, 1], lambda xs: sum(xs) / len(xs))
    large = stats.bootstrap([1, 0, 1, 1, 0, 1, 0, 1] * 20, lambda xs: sum(xs) / len(xs))
    assert small.low <= small.value <= small.high
    assert (large.high - large.low) < (small.high - small.low)


def test_leak_check_finds_a_pasted_passage_even_rewrapped(tmp_path: Path) -> None:
    passage = "这是一段只在测试语料里出现的长句子，用来确认粘贴进仓库的原文会被找出来，哪怕换了行也一样。"
    folder = _write(tmp_path / "corpus", [_record(1, text=passage)])
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / "clean.py").write_text("# 我们自己的注释，和语料无关。\n", encoding="utf-8")
    (repo / "leaky.txt").write_text(passage[:20] + "\n" + passage[20:40] + "\n", encoding="utf-8")
    (repo / "untracked.txt").write_text(passage, encoding="utf-8")
    subprocess.run(["git", "add", "clean.py", "leaky.txt"], cwd=repo, check=True)
    found = leaks.leaking_files(repo, folder)
    assert [name for name, _ in found] == ["leaky.txt"]
    assert leaks.main(["--corpus", str(folder), "--repo", str(repo)]) == 1
    (repo / "leaky.txt").write_text(passage[:25] + "\n", encoding="utf-8")
    assert leaks.main(["--corpus", str(folder), "--repo", str(repo)]) == 0


def test_eval_text_json_goes_to_a_file_whole_or_to_stdout_alone(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cli import app as cli

    with_phone = _record(1, text="有事请联系店长，电话 139 1234 5678，这句话是我们为测试自己写的。")
    with_phone["pii"] = ["139 1234 5678"]
    folder = _write(tmp_path / "corpus", [with_phone, _record(2)])
    out = tmp_path / "figures" / "pii.json"
    args = ["--lang", "en", "eval-text", "--corpus", str(folder), "--split", "all", "--stage", "pii"]
    written = CliRunner().invoke(cli.app, [*args, "--json", str(out)])
    assert written.exit_code == 0, written.output
    assert "pii" in written.output  # the human table still prints
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["split"] == "all"
    assert doc["stages"]["pii"]["figures"]["recall"]["value"] == 1.0
    assert not [p.name for p in out.parent.iterdir() if p.name.endswith(".tmp")]
    printed = CliRunner().invoke(cli.app, [*args, "--json", "-"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output)["stages"]["pii"]["figures"]["leaks"]["value"] == 0.0


def test_figures_per_source_type_count_each_group_alone(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cli import app as cli
    from evaluation import text as text_eval

    forum = _record(1, text="论坛里有人说：联系我微信 abc_12345 领资料，这句话是我们为测试自己写的。")
    forum.update(source_type="forum_post", pii=["abc_12345"])
    missed = _record(2, text="文章里写着联系人电话 13912345678，这句话是我们为测试自己写的，共两句。")
    missed["pii"] = ["联系人电话"]  # a label our masker cannot find: this group's recall falls alone
    folder = _write(tmp_path / "corpus", [forum, missed, _record(3)])
    grouped = text_eval.evaluate_by(folder, "source_type", split="all", stages=["pii"])
    assert list(grouped) == ["article", "forum_post"]  # largest group first
    assert grouped["forum_post"]["pii"].figures["recall"].value == 1.0
    assert grouped["forum_post"]["pii"].figures["recall"].n == 1
    assert grouped["article"]["pii"].figures["recall"].value == 0.0
    args = ["--lang", "en", "eval-text", "--corpus", str(folder), "--split", "all", "--stage", "pii"]
    shown = CliRunner().invoke(cli.app, [*args, "--by", "source_type", "--json", "-"])
    assert shown.exit_code == 0, shown.output
    assert set(json.loads(shown.output)["by"]["groups"]) == {"article", "forum_post"}
    wrong = CliRunner().invoke(cli.app, [*args, "--by", "colour"])
    assert wrong.exit_code == 2
    assert "--by must be one of source_type, script" in wrong.output
