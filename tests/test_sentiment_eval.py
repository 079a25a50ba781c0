"""The stance stage of `kaopu eval-text` on passages of our own: the figures count what they say, and
the majority baseline answers the train split's majority polar class. Needs no ../shared corpus."""

from __future__ import annotations

import pytest

from evaluation.text import stance
from evaluation.text.corpus import Passage


def _passage(i: int, stance_label: int, text: str) -> Passage:
    return Passage(
        id=f"T-{i}",
        url=f"https://example.invalid/{i}",
        source_type="article",
        text=text,
        providers=(),
        providers_canonical=(),
        stance=stance_label,
        claims=(),
        pii=(),
        dup_group=None,
        script="simplified",
        noise=(),
        confidence="high",
        notes="",
    )


PASSAGES = [
    _passage(0, -1, "法院判决这家代运营公司退还商家全部服务费，两名负责人以诈骗罪获刑。"),
    _passage(1, -1, "这家托管公司收了年费就失联了，店主们至今维权无果。"),
    _passage(2, 1, "公司公布年度业绩，营收同比增长百分之十五，净利润创新高，券商给予买入评级。"),
    _passage(3, 0, "代运营合同一般写明服务期限、收费方式和考核指标。"),
]


@pytest.fixture(scope="module")
def result():
    return stance.evaluate(PASSAGES)


def test_figures_count_polar_and_three_class_hits(result):
    polar = result.figures["polar_accuracy"]
    assert (polar.value, polar.n) == (1.0, 3)
    assert result.figures["accuracy3"].n == 4
    assert 0.0 <= polar.low <= polar.value <= polar.high <= 1.0


def test_majority_baseline_answers_the_train_majority(result):
    majority = result.baselines["majority_polar_accuracy"]
    assert stance.TRAIN_MAJORITY_POLAR == -1
    assert majority.value == pytest.approx(2 / 3)


def test_margin_is_ours_minus_snownlp_on_the_same_passages(result):
    margin = result.figures["margin_over_snownlp"].value
    snownlp = result.baselines["snownlp_polar_accuracy"].value
    assert margin == pytest.approx(result.figures["polar_accuracy"].value - snownlp)


def test_every_floor_names_a_figure_the_stage_reports(result):
    assert set(stance.FLOORS) <= set(result.figures)
