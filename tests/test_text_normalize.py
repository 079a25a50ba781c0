"""normalize() and is_traditional(): the golden file, plus behaviours worth naming one by one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.text import is_traditional, normalize

GOLDEN = json.loads((Path(__file__).parent / "data" / "normalize_golden.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[c["name"] for c in GOLDEN["cases"]])
def test_golden(case):
    out = normalize(case["input"])
    for snippet in case["must_contain"]:
        assert snippet in out, f"missing {snippet!r} in {out!r}"
    for snippet in case["must_not_contain"]:
        assert snippet not in out, f"unexpected {snippet!r} in {out!r}"
    assert normalize(out) == out


def test_scraped_page_shape_end_to_end():
    # The shape of a real article: traditional text, pinyin after characters, a double-escaped quote,
    # a publisher line, a contact ad and an infringement notice at the bottom.
    page = (
        "電商代運(yùn)營(yíng)風(fēng)險防患\n"
        "對於電商代運營服務，市場上&amp;ldquo;良莠不齊&amp;rdquo;，商家要看案例。\n"
        "想了解更多，可以加微.信號: abc_123 免費咨詢。\n"
        "本站部分文章來自互聯網，版權歸原作者，如有侵權請聯繫qq:1248031689刪除！"
    )
    out = normalize(page)
    assert out == "电商代运营风险防患\n对于电商代运营服务，市场上“良莠不齐”，商家要看案例。"


def test_provider_names_survive_and_become_simplified():
    assert normalize("杭州火蝠電子商務有限公司") == "杭州火蝠电子商务有限公司"


def test_numbers_and_amounts_are_untouched():
    text = "月服务费3000-8000元，提成5%，GMV从1.2亿到2,156.2百万元。"
    assert normalize(text) == text


def test_empty_and_whitespace_only():
    assert normalize("") == ""
    assert normalize(" \n\t\u3000 \r\n") == ""


def test_rejects_non_str():
    with pytest.raises(TypeError):
        normalize(None)  # type: ignore[arg-type]


def test_is_traditional():
    assert is_traditional("天貓代運營的星級是選擇服務商的重要指標")
    assert is_traditional("運(yùn)營(yíng)服務")
    assert not is_traditional("天猫代运营的星级是选择服务商的重要指标")
    # One traditional-looking character in simplified prose is a name or a quote, not the script.
    assert not is_traditional("这家公司的老板叫王後生，他们做天猫代运营已经五年了，口碑不错")
    assert not is_traditional("GMV 300w")
    assert not is_traditional("")
