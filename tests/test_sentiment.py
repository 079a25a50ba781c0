"""kaopu's sentiment: floors on the held-out labelled half, neutral at 0.5, and any input accepted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

from pipelines import sentiment

LABELLED = Path(__file__).parent / "data" / "sentiment_labelled.jsonl"

# Pinned a little below what the shipped model measures on the test half (see
# pipelines/models/README.md: accuracy 0.744, macro-F1 0.724, ROC-AUC 0.974 when it was built), and on
# the "fresh" texts written after the lexicon was frozen (ROC-AUC 0.780): the figure that says how the
# model does on phrasing nobody tuned it for.
FLOOR_ACCURACY = 0.70
FLOOR_MACRO_F1 = 0.68
FLOOR_ROC_AUC = 0.94
FLOOR_ROC_AUC_FRESH = 0.72


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def held_out(rows) -> list[dict]:
    return [r for r in rows if r["split"] == "test"]


def test_labelled_set_is_big_varied_and_split_by_group(rows):
    assert len(rows) >= 300
    assert {r["label"] for r in rows} == {-1, 0, 1}
    assert {"hand", "fresh", "traditional", "garbled_traditional", "garbled_simplified", "long"} <= {
        r["form"] for r in rows
    }
    # A text and its traditional or garbled variants must sit on one side, or the floors measure recall.
    sides: dict[str, set[str]] = {}
    for r in rows:
        sides.setdefault(r["group"], set()).add(r["split"])
    assert all(len(s) == 1 for s in sides.values())


def test_label_meets_floors_on_held_out_half(held_out):
    truth = [r["label"] for r in held_out]
    pred = sentiment.label([r["text"] for r in held_out])
    assert accuracy_score(truth, pred) >= FLOOR_ACCURACY
    assert f1_score(truth, pred, average="macro") >= FLOOR_MACRO_F1


def test_score_ranks_praise_above_complaints_on_held_out_half(held_out):
    polar = [r for r in held_out if r["label"] != 0]
    scores = sentiment.score([r["text"] for r in polar])
    assert roc_auc_score([r["label"] > 0 for r in polar], scores) >= FLOOR_ROC_AUC


def test_score_ranks_unseen_phrasing_better_than_chance(held_out):
    fresh = [r for r in held_out if r["form"] == "fresh" and r["label"] != 0]
    assert len(fresh) >= 20
    scores = sentiment.score([r["text"] for r in fresh])
    assert roc_auc_score([r["label"] > 0 for r in fresh], scores) >= FLOOR_ROC_AUC_FRESH


def test_traditional_script_and_pinyin_debris_score_like_the_simplified_text():
    plain = "这家代运营服务很专业，三个月销售额翻倍了"
    traditional = "這家代運營服務很專業，三個月銷售額翻倍了"
    garbled = "這家代運(yùn)營(yíng)服務(wù)很專業，三個月銷售額翻倍了"
    a, b, c = sentiment.score([plain, traditional, garbled])
    assert a > 0.5
    assert b == pytest.approx(a, abs=1e-9)
    assert c == pytest.approx(a, abs=1e-9)


@pytest.mark.parametrize(
    ("negative", "positive"),
    [
        ("这家代运营不靠谱", "这家代运营很靠谱"),
        ("运营很不专业，也不负责", "运营很专业，也很负责"),
        ("交了钱就跑路了，退款一直拖延，已经投诉维权", "第二个月就回本了，销售额稳定增长"),
        ("他们给店铺刷单被处罚，不推荐", "合作很愉快，推荐"),
    ],
)
def test_complaint_vocabulary_is_negative_and_praise_positive(negative, positive):
    neg, pos = sentiment.score([negative, positive])
    assert neg < 0.5 < pos
    assert sentiment.label([negative, positive]) == [-1, 1]


def test_labels_from_scores_agrees_with_label(held_out):
    texts = [r["text"] for r in held_out[:40]]
    assert sentiment.labels_from_scores(sentiment.score(texts)) == sentiment.label(texts)


def test_empty_and_content_free_texts_are_neutral():
    assert sentiment.score(["", "   \n\t", "。。。！！"]) == [0.5, 0.5, 0.5]
    assert sentiment.label([""]) == [0]


def test_informational_prose_is_labelled_neutral():
    text = "代运营的收费方式一般分为固定服务费和销售提成两种，合同期限通常为一年。"
    assert sentiment.label([text]) == [0]


def test_long_text_is_decided_by_what_it_says_not_by_its_length():
    complaint = "这家公司收了钱就不管了，退款一直拖延。"
    filler = "天猫代运营服务一般包括店铺装修和推广投放。"
    once, repeated, diluted = sentiment.score([complaint, complaint * 200, filler * 30 + complaint])
    assert repeated < 0.5 and diluted < 0.5
    assert 0.0 < repeated < 1.0  # not the pile-up at exactly 0 or 1 a single-pass classifier shows
    assert abs(repeated - once) < 0.2


def test_control_characters_and_lone_surrogates_are_scored():
    scores = sentiment.score(["\x00\x07退款\ud800拖延\udfff", "\ufffd" * 50, "靠谱\u200b专业"])
    assert scores[0] < 0.5 < scores[2]
    assert scores[1] == 0.5


def test_one_megabyte_input_is_scored_without_raising():
    big = "退款拖延，客服不回。这家代运营很专业。" * 55_000
    assert len(big) > 1_000_000
    (s,) = sentiment.score([big])
    assert 0.0 <= s < 0.5  # three complaint terms to one praise term, sentence after sentence


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=300), max_size=5))
def test_any_strings_get_a_score_in_unit_interval_and_a_label(texts):
    scores = sentiment.score(texts)
    assert len(scores) == len(texts)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert set(sentiment.label(texts)) <= {-1, 0, 1}


def test_score_needs_no_snownlp():
    code = (
        "import sys; from pipelines import sentiment; sentiment.score(['很靠谱']);"
        "assert 'snownlp' not in sys.modules and 'sklearn' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_shipped_model_is_small():
    assert sentiment.MODEL_PATH.stat().st_size < 3_000_000
