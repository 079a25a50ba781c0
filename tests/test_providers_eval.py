"""The providers figure of eval-text: canonical keys, matching, and pooled recall and precision over
passages (invented passages, no corpus needed)."""

from __future__ import annotations

import math

from evaluation.text.corpus import Passage
from evaluation.text.providers import evaluate, keys_match, name_key, score_passage


def passage(pid: str, providers: tuple[str, ...], canonical: tuple[str, ...] | None = None) -> Passage:
    return Passage(
        id=pid,
        url=f"https://example.org/{pid}",
        source_type="article",
        text=f"passage {pid}",
        providers=providers,
        providers_canonical=canonical if canonical is not None else providers,
        stance=0,
        claims=(),
        pii=(),
        dup_group=None,
        script="simplified",
        noise=(),
        confidence="high",
        notes="",
    )


def test_name_key_strips_script_suffixes_and_region():
    assert name_key("杭州青柚網絡科技有限公司") == name_key("青柚科技") == "青柚"
    assert name_key("鹿鸣电商-W") == "鹿鸣"
    assert name_key("Lumen Commerce Inc.") == "lumencommerce"
    assert name_key("宁波某某公司") == "某某"


def test_keys_match_on_equality_or_containment_of_two_characters_or_more():
    assert keys_match("青柚", "青柚")
    assert keys_match("青柚", "青柚数字传播")
    assert not keys_match("某", "某网络")  # one character is too little to contain
    assert not keys_match("", "青柚")


def test_a_company_said_twice_costs_precision_not_recall():
    p = passage("p1", ("青柚电商", "宁波青柚电子商务有限公司"), ("青柚电商", "青柚电商"))
    s = score_passage(p, ["青柚电商", "青柚", "天猫"])
    assert (s.gold, s.found, s.predicted, s.correct) == (1, 1, 3, 2)
    assert s.wrong == ("天猫",)


def test_english_written_form_matches_a_chinese_canonical_name():
    p = passage("p2", ("Lumen",), ("鹿鸣电商",))
    assert score_passage(p, ["Lumen"]).found == 1


def test_evaluate_pools_over_passages_and_lists_errors():
    passages = [
        passage("a", ("青柚电商",)),
        passage("b", ("鹿鸣科技", "橙屿电商")),
        passage("c", ()),
    ]
    answers = {"passage a": ["青柚电商"], "passage b": ["鹿鸣科技", "星河"], "passage c": ["森屿"]}
    result = evaluate(passages, lambda text: answers[text])
    assert math.isclose(result.figures["recall"].value, 2 / 3)
    assert math.isclose(result.figures["precision"].value, 2 / 4)
    assert result.figures["silent_on_unnamed"].value == 0.0
    assert result.figures["recall"].n == 2 and result.figures["precision"].n == 3
    assert any(line.startswith("b: missed ['橙屿") for line in result.errors)
