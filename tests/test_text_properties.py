"""Properties of the text pipeline on any input: no crash, idempotence, bounded work on huge inputs."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipelines.claims import extract
from pipelines.pii import mask
from pipelines.providers import discover
from pipelines.text import normalize

# Text that looks like what we scrape: CJK (both scripts), digits, ASCII, entity and pinyin pieces,
# injected symbols, controls and lone surrogates mixed in.
_PIECES = st.sampled_from(
    [
        "運(yùn)",
        "營(yíng)",
        "&amp;",
        "&amp;ldquo;",
        "amp;",
        "&#",
        "(GMV)",
        "（",
        "）",
        "(",
        ")",
        "■",
        "★",
        "\ufffd",
        "\u200b",
        "\ud800",
        "\udfff",
        "\x00",
        "\x1b",
        "\r\n",
        "\n",
        " ",
        "\u3000",
        "微信",
        "QQ:",
        "13812345678",
        "+86 138 1234 5678",
        "5■0万",
        "版权所有",
        "侵权",
        "关注公众号",
        "电子商务有限公司",
        "电商",
        "代运营",
        "翻了",
        "番",
        "倍",
        "天",
        "个月",
        "1" * 40,
        "九" * 12,
        "百分之",
        "→",
        "从50万做到300万",
        "三个月",
        "保证",
        "服务费",
        "%",
        "·",
        ".",
        "旗舰店",
        "１２３",
        "ａ",
    ]
)
_TEXT = st.one_of(
    st.text(),
    st.lists(st.one_of(_PIECES, st.text(max_size=5)), max_size=40).map("".join),
)
_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(_TEXT)
def test_normalize_never_raises_and_is_idempotent(text):
    once = normalize(text)
    assert isinstance(once, str)
    assert normalize(once) == once
    assert "\ufffd" not in once
    assert not any("\ud800" <= ch <= "\udfff" for ch in once)


@_SETTINGS
@given(_TEXT)
# A foreign number right after a mobile is uncovered only once the mobile is masked.
@example("13000000000+81600000000")
def test_mask_never_raises_and_is_idempotent(text):
    once = mask(text)
    assert mask(once) == once


@_SETTINGS
@given(_TEXT)
# A mask placeholder ("[电话]") once counted as a contact, so the re-read line became a contact ad.
@example("86000 0000000:000000微信000000")
# "]amp;00;" after the phone's placeholder once read as an orphaned "&amp;" and became "]&00;".
@example("13000000000amp;00;")
@example("13000000000amp;A0;")
@example("13000000000amp;Im;")  # &Im; is an HTML5 entity
# A 125-character footer with a phone: masking took it under the boilerplate length bar, and the
# masked text read again lost the line.
@example("0" * 52 + ":000 0000000版权所有" + "0" * 53)
def test_mask_after_normalize_is_idempotent(text):
    once = mask(normalize(text))
    assert mask(normalize(once)) == once


@_SETTINGS
@given(_TEXT)
def test_extract_and_discover_never_raise(text):
    assert isinstance(extract(text), list)
    assert isinstance(discover(text), list)
    assert isinstance(extract(normalize(text)), list)


def _megabyte() -> str:
    chunk = "天貓代運(yùn)營(yíng)&amp;ldquo;GMV從50萬做到300萬&amp;rdquo;■微信：abc12345\n" * 3
    chunk += "\ud800\x00" + "x" * 200 + "1" * 300 + "\n"
    return (chunk * (1_000_000 // len(chunk) + 1))[:1_000_000]


def test_one_megabyte_input_is_handled_in_bounded_time():
    text = _megabyte()
    start = time.perf_counter()
    out = normalize(text)
    masked = mask(out)
    claims = extract(masked)
    names = discover(masked)
    elapsed = time.perf_counter() - start
    assert normalize(out) == out
    assert mask(masked) == masked
    assert "运营" in out and "運" not in out
    assert isinstance(claims, list) and isinstance(names, list)
    # Generous bound: catches quadratic behaviour (minutes), not machine noise.
    assert elapsed < 60, f"1 MB took {elapsed:.1f}s"


def test_one_megabyte_of_junk_without_newlines():
    junk = ("&amp;" * 1000 + "■" * 1000 + "(" * 1000 + "9" * 5000) * 25
    out = normalize(junk)
    assert normalize(out) == out
    assert mask(out) == mask(mask(out))


# --------------------------------------------------------------------------------------------
# Mojibake repair on hostile input: whatever bytes a page had, read with whatever wrong charset.
# --------------------------------------------------------------------------------------------
_CHARSETS = st.sampled_from(["gbk", "gb18030", "latin-1", "cp1252"])
_CHINESE = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), st.sampled_from("，。？！“”a1 ")
    ),
    max_size=60,
)


@_SETTINGS
@given(st.binary(max_size=400), _CHARSETS)
def test_normalize_survives_random_bytes_read_with_a_wrong_charset(data, charset):
    once = normalize(data.decode(charset, errors="replace"))
    assert normalize(once) == once
    assert "\ufffd" not in once


@_SETTINGS
@given(st.one_of(_CHINESE, st.text(max_size=60)), _CHARSETS)
def test_normalize_survives_any_text_garbled(text, charset):
    garbled = text.encode("utf-8").decode(charset, errors="replace")
    once = normalize(garbled)
    assert normalize(once) == once
    assert "\ufffd" not in once


@_SETTINGS
@given(_CHINESE)
def test_latin1_garble_of_chinese_comes_back(text):
    # Latin-1 loses no byte, so the repair gives back exactly what normalize makes of the original,
    # as long as there is a CJK character to show it is a repair (a lone “ garbled is left alone).
    text = "代" + text
    assert normalize(text.encode("utf-8").decode("latin-1")) == normalize(text)


def _random_bytes(n: int, seed: int) -> bytes:
    import random

    return random.Random(seed).randbytes(n)


def test_one_megabyte_of_random_bytes_read_as_gbk_and_latin1():
    for charset in ("gbk", "latin-1"):
        junk = _random_bytes(1_000_000, seed=7).decode(charset, errors="replace")
        start = time.perf_counter()
        out = normalize(junk)
        elapsed = time.perf_counter() - start
        assert normalize(out) == out
        assert elapsed < 60, f"1 MB of {charset} junk took {elapsed:.1f}s"


def test_one_megabyte_of_mojibake_is_repaired_in_bounded_time():
    sentence = "这家代运营公司的客服回复很慢，签约三个月店铺销售额没有提升。\n"
    text = (sentence * (1_000_000 // len(sentence.encode("utf-8")) + 1)).encode("utf-8")
    for charset in ("gb18030", "latin-1"):
        garbled = text.decode(charset, errors="replace")
        start = time.perf_counter()
        out = normalize(garbled)
        elapsed = time.perf_counter() - start
        assert "代运营公司的客服回复" in out and "鍏" not in out
        assert normalize(out) == out
        assert elapsed < 60, f"1 MB of {charset} mojibake took {elapsed:.1f}s"
