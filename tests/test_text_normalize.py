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


# --------------------------------------------------------------------------------------------
# Mojibake: UTF-8 text a page decoded with the wrong charset. Every garbled input below is made here
# from a short sentence of our own, so the tests say exactly which decode produced it.
# --------------------------------------------------------------------------------------------
DATA = Path(__file__).parent / "data"


def garble(text: str, charset: str) -> str:
    return text.encode("utf-8").decode(charset, errors="replace")


SENTENCES = [
    "这家代运营公司的客服回复很慢",
    "签约三个月，店铺销售额没有任何提升，退款申请也被拒绝了。",
    "他们的运营团队很专业，直通车和详情页都做得不错",
    "服务费一年两万八，合同里写着保底",
]


@pytest.mark.parametrize("sentence", SENTENCES)
def test_utf8_read_as_gb18030_is_repaired(sentence):
    # GB18030 (what browsers and w3lib use for a page declared GBK/GB2312) loses a byte only at a
    # lead 0x80 or a stray last byte; sentences without either come back whole.
    garbled = garble(sentence, "gb18030")
    assert garbled != sentence
    out = normalize(garbled)
    if "\ufffd" not in garbled:
        assert out == sentence
    else:
        assert len(out) >= 0.8 * len(sentence)
        assert all(ch in sentence for ch in out), out
    assert normalize(out) == out


@pytest.mark.parametrize("sentence", SENTENCES)
def test_utf8_read_as_gbk_keeps_what_survived(sentence):
    # Python's strict GBK turns more byte pairs into U+FFFD, and each loses one byte of a character;
    # that character cannot come back and is dropped, everything around it is repaired.
    out = normalize(garble(sentence, "gbk"))
    assert len(out) >= 0.5 * len(sentence)
    assert all(ch in sentence for ch in out), out


def test_the_examples_from_the_brief():
    assert normalize("鏈嶅姟鍟?") == "服务"  # 服务商: the odd byte of 商 became "?"
    assert normalize("鏈嶅姟鍟\ufffd") == "服务"
    assert normalize(garble("服务商", "latin-1")) == "服务商"
    # A browser's windows-1252 shows 服's 0x8D (undefined in cp1252) as the invisible U+008D ...
    assert normalize("æœ\u008dåŠ¡å•†") == "服务商"
    # ... which a copy often loses: 服 cannot come back, its two surviving bytes go, the rest repairs.
    assert normalize("æœåŠ¡å•†") == "务商"


def test_digits_and_letters_between_garbled_runs():
    # "示TP": the stray last byte of 示 pairs with "T" into one GBK character; the T comes back.
    sentence = "服务费3000元，阿里官方展示TP标识，月销50万"
    out = normalize(garble(sentence, "gb18030"))
    assert "3000元" in out and "展示TP标识" in out and "50" in out
    assert normalize(garble(sentence, "latin-1")) == sentence


def test_mixed_line_repairs_only_the_garbled_field():
    clean = "商家评价："
    field = "客服态度很好，但是效果很差"
    tail = "（来自淘宝论坛）"
    assert "\ufffd" not in garble(field + "啊", "gb18030")  # an even byte count, no lost byte
    assert normalize(clean + garble(field + "啊", "gb18030") + tail) == clean + field + "啊" + tail
    # An odd byte count ends the garble on a stray byte (U+FFFD): the last character is lost, only it.
    assert normalize(clean + garble(field, "gb18030") + tail) == clean + field[:-1] + tail
    latin = "回复：" + garble(field, "latin-1") + " 2023年"
    assert normalize(latin) == "回复：" + field + " 2023年"


def test_traditional_source_is_repaired_then_simplified():
    traditional = "這家代運營公司的服務很專業，報價合理"
    assert normalize(garble(traditional, "gb18030")) == "这家代运营公司的服务很专业，报价合理"
    assert normalize(garble(traditional, "latin-1")) == "这家代运营公司的服务很专业，报价合理"


def test_genuine_question_mark_stays():
    assert normalize(garble("靠谱吗?看案例", "latin-1")) == "靠谱吗?看案例"
    assert normalize("靠谱吗?看案例") == "靠谱吗?看案例"


@pytest.mark.parametrize(
    "text",
    [
        # Pinyin letters are Latin-1 lead bytes, but never followed by continuation-byte characters.
        "浪费(fèi)钱，说实(shí)话",
        "Café au lait, naïve façade, Ærøskøbing",
        "¥3000，©2023，温度25°C，“引号”…——",
        "鋪面和闆娘都是繁體字",  # traditional characters that are also GBK hint characters
        "鍟",  # one character: never enough to call mojibake
        "龘靐齉齾爩鱻麤",  # rare characters that do not decode
    ],
)
def test_text_that_only_looks_suspicious_is_untouched_by_the_repair(text):
    from pipelines.text import repair_mojibake

    assert repair_mojibake(text) == text


def _labelled_and_golden() -> list[str]:
    texts = [
        json.loads(line)["text"]
        for name in ("text_labelled.jsonl", "sentiment_labelled.jsonl")
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return texts + [case["input"] for case in GOLDEN["cases"]]


def test_repair_never_fires_on_genuine_text(monkeypatch):
    # Every labelled text and golden input, raw and normalised: the repair must leave them as they are,
    # so normalize's output is the same with and without it.
    import pipelines.text as text_mod

    texts = _labelled_and_golden()
    assert len(texts) > 800
    assert [t for t in texts if text_mod.repair_mojibake(t) != t] == []
    with_repair = [normalize(t) for t in texts]
    assert [t for t in with_repair if text_mod.repair_mojibake(t) != t] == []
    monkeypatch.setattr(text_mod, "repair_mojibake", lambda t: t)
    assert [normalize(t) for t in texts] == with_repair


def test_genuine_text_decoded_wrongly_comes_back():
    # The labelled texts themselves, garbled: Latin-1 loses nothing, so every line comes back exactly.
    lines = [line for t in _labelled_and_golden() for line in normalize(t).split("\n") if line]
    assert all(normalize(garble(line, "latin-1")) == line for line in lines)


def test_text_garbled_twice_through_latin1_comes_back():
    # UTF-8 read as Latin-1, stored as UTF-8, read as Latin-1 again: "Ã¨Â¿Â\x99" for 这.
    sentence = "签约前一定要看合同里的退款条款"
    twice = garble(garble(sentence, "latin-1"), "latin-1")
    assert normalize(twice) == sentence
    # GBK mojibake read as Latin-1 unwinds to what the GBK repair alone gives (the odd last byte of 款
    # and 退's 0x80 are lost at the GBK step).
    gbk_once = garble(sentence, "gb18030")
    assert normalize(garble(gbk_once, "latin-1")) == normalize(gbk_once) == "签约前一定要看合同里的款条"


def test_an_entity_whose_ampersand_was_eaten_is_repaired_after_chinese_too_but_nothing_else_is():
    # A decoder that ate the "&" of "&amp;ldquo;" leaves "amp;ldquo;", often right after a Chinese word.
    assert normalize("他说amp;ldquo;保底amp;rdquo;，结果没做到。") == "他说“保底”，结果没做到。"
    # Not an entity: a mask placeholder or a Latin word before it stays as written.
    assert normalize("[手机号]amp;00; camp;12;") == "[手机号]amp;00; camp;12;"
