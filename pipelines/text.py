"""Normalise the Chinese text real pages give us into plain simplified text every later stage can read.

What scraped pages look like (see the seeds in the design notes): traditional characters with pinyin
annotations glued after each character (`運(yùn)營(yíng)`), HTML entities escaped once or twice
(`&amp;ldquo;`), symbols sprinkled between characters to defeat keyword filters (`代■运◆营`),
replacement characters from a wrong decode, and boilerplate lines — copyright and 侵权 notices,
"关注…公众号", contact ads. `normalize` undoes all of that and keeps everything a person would call
content. Mojibake (UTF-8 a page decoded as GBK or Latin-1: "鏈嶅姟鍟�", "æœåŠ¡å•†") is repaired
before anything else, since every later step reads characters the wrong decode made up.
Order matters: entities first (they can hide symbols and parentheses), pinyin before the
script conversion (the pinyin is only recognisable next to the character it annotates), boilerplate
after the conversion (one simplified pattern list then serves both scripts).
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata

import opencc

from pipelines.pii import PLACEHOLDERS

# --------------------------------------------------------------------------------------------
# Script conversion. OpenCC's converter costs ~50 ms to build; build it once, on first use.
# --------------------------------------------------------------------------------------------
_converters: dict[str, opencc.OpenCC] = {}
_converter_lock = threading.Lock()


def _converter(config: str) -> opencc.OpenCC:
    conv = _converters.get(config)
    if conv is None:
        with _converter_lock:
            conv = _converters.get(config)
            if conv is None:
                conv = _converters[config] = opencc.OpenCC(config)
    return conv


def to_simplified(text: str) -> str:
    return _converter("t2s").convert(text)


def is_traditional(text: str) -> bool:
    """True when the text is written in traditional characters (enough of them to be the script).

    A single 後 or 著 in a simplified text is a quotation or a name, so the test is a share: at least
    one in twenty CJK characters must change under t2s (traditional prose runs at 20–40%),
    and at least two of them.
    """
    if not text:
        return False
    cjk = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if not cjk:
        return False
    sample = "".join(cjk[:4000])
    simplified = to_simplified(sample)
    changed = sum(1 for a, b in zip(sample, simplified, strict=False) if a != b)
    return changed >= 2 and changed >= 0.05 * len(sample)


# --------------------------------------------------------------------------------------------
# Mojibake: UTF-8 bytes a page decoded with the wrong charset. Two kinds are common on Chinese sites:
#   GBK/GB18030 — "服务商" reads "鏈嶅姟鍟�": every 3-byte UTF-8 character becomes 1.5 GBK characters,
#     an odd count leaves a stray byte that turns into U+FFFD or "?".
#   Latin-1/cp1252 — "服务商" reads "æœåŠ¡å•†".
# The repair re-encodes a candidate run with the charset it was wrongly decoded with and decodes the
# bytes as UTF-8, keeping only stretches that decode strictly and read better than the run did.
# --------------------------------------------------------------------------------------------


def _char_class(chars: set[str]) -> str:
    """A regex character class for a set of characters, as ranges of consecutive code points."""
    points = sorted(map(ord, chars))
    parts, start, prev = [], points[0], points[0]
    for p in [*points[1:], -1]:
        if p == prev + 1:
            prev = p
            continue
        parts.append(re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else ""))
        start = prev = p
    return "[" + "".join(parts) + "]"


def _hinted_runs(run: set[str], hint: set[str]) -> re.Pattern[str]:
    """Maximal runs of `run` characters holding at least one `hint` character, in one linear scan:
    a run must start where the previous character is not a run character, and the possessive
    quantifiers never backtrack, so a long clean run costs one pass, not one per position."""
    any_, plain, hinted = _char_class(run), _char_class(run - hint), _char_class(hint)
    return re.compile(f"(?<!{any_}){plain}*+{hinted}{any_}*+")


# Fast path. A UTF-8 CJK character starts with 0xE3–0xE9 followed by continuation bytes 0x80–0xBF,
# and in GBK mojibake every second source character starts on an even byte, so the run holds a
# character whose GBK code is lead 0xE3–0xE9 / trail 0x80–0xBF — one of 384 codes, rare characters
# (GBK/4 and the tail of GB2312 level 2) that clean simplified text almost never uses.
# Latin-1/cp1252 mojibake always shows a lead-byte letter (Â–ô) followed by a continuation-byte
# character (C1 control, ¡–¿ or one of cp1252's 0x80–0x9F glyphs).
_CP1252_HIGH = {
    bytes([b]).decode("cp1252"): b for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}
_LATIN_CONT = "\u0080-\u00bf" + "".join(_CP1252_HIGH)
_LATIN_HINT = re.compile(f"[\u00c2-\u00f4][{_LATIN_CONT}]")
# A candidate run: Latin-1/cp1252 characters and the markers a lost byte leaves behind.
# Latin-1 decoding loses nothing; cp1252 turns its five undefined bytes into U+FFFD. A "?" here is
# the text's own.
_LATIN_RUN = _hinted_runs(
    {*map(chr, range(0x80, 0x100)), *_CP1252_HIGH, "\ufffd"}, {*map(chr, range(0xC2, 0xF5))}
)
_LATIN_TO_BYTE = str.maketrans({**{ch: chr(b) for ch, b in _CP1252_HIGH.items()}, "\ufffd": "\xff"})

# A stretch of UTF-8 multi-byte characters, with the half character a lost byte (marker 0xFF) left
# on either side of it. 0xFF never occurs in UTF-8 nor in GBK, so it stands for "?" and U+FFFD.
# Exactly the well-formed sequences (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF),
# so every match decodes strictly.
_UTF8_CHAR = (
    rb"(?:[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2})"
)
_UTF8_STRETCH = re.compile(
    rb"(?:(?<=\xff)[\x80-\xbf]{1,3})?(" + _UTF8_CHAR + rb"+)"
    rb"(?:(?:[\xc2-\xf4]|[\xe0-\xf4][\x80-\xbf]{1,2})(?=\xff))?"
)
_CJK = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_HANZI = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


class _Gbk:
    """Tables for GBK mojibake, built on first use (~40 ms): only text with a hint character needs them."""

    run: re.Pattern[str] | None = None  # a run of GBK two-byte characters and markers, from a point
    common: frozenset[str] = frozenset()


def _gbk_chars(leads: range, trails: tuple[int, ...]) -> set[str]:
    chars = set()
    for lead in leads:
        for trail in trails:
            try:
                ch = bytes((lead, trail)).decode("gb18030")
            except UnicodeDecodeError:
                continue
            if len(ch) == 1:
                chars.add(ch)
    return chars


_GBK_HINT_CHARS = _gbk_chars(range(0xE3, 0xEA), tuple(range(0x80, 0xC0)))
_GBK_HINT = re.compile(_char_class(_GBK_HINT_CHARS))
# One character-class search over clean text decides the fast path (an alternation with the
# two-character _LATIN_HINT costs four times as much). It holds the GBK hint characters; the Latin-1
# lead letters of U+4000–7FFF (ã–ç: not pinyin, unlike à á è é); and the continuation-byte
# characters Chinese text does not use — all but “”‘’…—–•€™‰, ¥ © ® ° ·, and no-break space.
# A Latin-1 garble of two CJK characters slips past all three only if its four continuation bytes
# are all among those 16 of 64: (1/4)^4 < 0.4%, and less for every further character.
_COMMON_IN_CHINESE = set("“”‘’…—–•€™‰¥©®°·\u00a0")
_LATIN_ANY_CHARS = set("ãäåæç") | {
    ch for ch in [*map(chr, range(0x80, 0xC0)), *_CP1252_HIGH] if ch not in _COMMON_IN_CHINESE
}
_ANY_HINT = re.compile(_char_class(_GBK_HINT_CHARS | _LATIN_ANY_CHARS))
_LATIN_ANY = re.compile(_char_class(_LATIN_ANY_CHARS))


def _gbk_run() -> re.Pattern[str]:
    if _Gbk.run is None:
        with _converter_lock:
            if _Gbk.run is None:
                trails = (*range(0x40, 0x7F), *range(0x80, 0xFF))
                two_byte = _gbk_chars(range(0x81, 0xFF), trails)
                # GB2312 level 1: the 3,755 characters of everyday simplified text (lead 0xB0–0xD7).
                common = _gbk_chars(range(0xB0, 0xD8), tuple(range(0xA1, 0xFF)))
                _Gbk.common = frozenset(common | set("，。、！？：；“”‘’（）《》【】…—·"))
                _Gbk.run = re.compile(_char_class(two_byte | {"\ufffd", "?"}) + "*+")
    return _Gbk.run


# How far a candidate run reaches back from its first hint character. In GBK mojibake of CJK text
# every other source character yields a hint character, so at most a few garbled characters (one
# from a leading two-byte or “-like source character) precede the first; 16 leaves a wide margin
# and keeps the backward look constant-time however long the clean text before it.
_GBK_REACH_BACK = 16


def _gbk_runs(text: str):
    """(start, end) of each candidate run: from a hint character, forward to the end of its run of
    GBK characters, backward at most _GBK_REACH_BACK. One regex search per run, no scan of clean text
    in Python."""
    run = _gbk_run()
    pos = 0
    while (hint := _GBK_HINT.search(text, pos)) is not None:
        p = hint.start()
        start = p - run.match(text[max(pos, p - _GBK_REACH_BACK) : p][::-1]).end()
        pos = run.match(text, p).end()
        yield start, pos


# Thresholds for GBK, measured by tests/data/mojibake_stats.py on the 1,184 lines of the repo's
# labelled texts: the share of "common" characters (GB2312 level 1 plus CJK punctuation) is
# 0.83–1.0 (5th percentile 0.97) in clean prose and 0.0–0.29 (95th percentile 0.18) in its GBK
# mojibake, because UTF-8 continuation bytes (0x80–0xBF) mostly land below GB2312's trail range
# (0xA1–0xFE) or under a lead outside level 1, i.e. on GBK extension codes. A repair must read
# ≥ 0.6 common (after t2s, so traditional sources count too), come from a garble that read ≤ 0.45,
# and gain ≥ 0.3: each bound sits well clear of both distributions. A single stretch whose garbled
# side reads more than half common, or whose decoded side reads less than half, is clean text that
# happens to be valid UTF-8 as GBK bytes, and is skipped.
_GBK_MIN_DECODED = 0.6
_GBK_MAX_GARBLED = 0.45
_GBK_MIN_GAIN = 0.3
_GBK_MAX_GARBLED_STRETCH = 0.5
_GBK_MIN_DECODED_STRETCH = 0.5
_MARKERS = "\ufffd?"
_NO_MARKERS = str.maketrans("", "", _MARKERS)


def _common_count(text: str) -> int:
    return sum(1 for ch in text if ch in _Gbk.common)


def _reads_common(text: str, share: float) -> bool:
    # t2s (an OpenCC call) only when the text as it stands falls short: traditional sources.
    return _common_count(text) >= share * len(text) or _common_count(to_simplified(text)) >= share * len(text)


def _judge_gbk(stretches: list[tuple[str, str]]) -> list[bool]:
    """Which (garbled, decoded) stretches of one text to repair. A stretch whose garbled side reads
    mostly common, or whose decoded side does not, is clean text that happens to be valid UTF-8 as
    GBK bytes; the rest are repaired together only if together they clearly read better."""
    keep = []
    for garbled, decoded in stretches:
        g = garbled.translate(_NO_MARKERS)
        keep.append(
            bool(g)
            and _common_count(g) <= _GBK_MAX_GARBLED_STRETCH * len(g)
            and _reads_common(decoded, _GBK_MIN_DECODED_STRETCH)
        )
    garbled = "".join(g for (g, _), k in zip(stretches, keep, strict=True) if k).translate(_NO_MARKERS)
    decoded = to_simplified("".join(d for (_, d), k in zip(stretches, keep, strict=True) if k))
    if len(_HANZI.findall(decoded)) < 2:
        return [False] * len(stretches)
    before = _common_count(garbled) / len(garbled)
    after = _common_count(decoded) / len(decoded)
    if after >= _GBK_MIN_DECODED and before <= _GBK_MAX_GARBLED and after - before >= _GBK_MIN_GAIN:
        return keep
    return [False] * len(stretches)


def _judge_latin(stretches: list[tuple[str, str]]) -> list[bool]:
    # Latin-1 text never holds a UTF-8 sequence by accident: even the shortest needs a letter À–ß
    # followed by a continuation-byte character (C1 control, ¡–¿, cp1252's €‚ƒ„…†‡ˆ‰Š…), which
    # European words do not have. So every stretch is repaired — "Ã¨" as well as "æœ" — provided
    # the text's repairs give back some CJK at all, or give back Latin-1 mojibake of CJK: text
    # garbled twice ("Ã¨Â¿Â" for 这), which repair_mojibake then repairs again.
    decoded = "".join(d for _, d in stretches)
    if _CJK.search(decoded) or (_LATIN_HINT.search(decoded) and _CJK.search(_repair_latin_once(decoded))):
        return [True] * len(stretches)
    return [False] * len(stretches)


def _repair_latin_once(text: str) -> str:
    # One level down only: a third garbling is not worth the work on hostile input.
    return _repair(text, _latin_runs(text), _latin_bytes, 1, 0xC2, _judge_latin_once)


def _judge_latin_once(stretches: list[tuple[str, str]]) -> list[bool]:
    return [any(_CJK.search(d) for _, d in stretches)] * len(stretches)


def _latin_runs(text: str):
    return (m.span() for m in _LATIN_RUN.finditer(text) if _LATIN_HINT.search(m.group(0)))


# (first char, end char, decoded, a cut half character before it, one after it)
_Stretch = tuple[int, int, str, bool, bool]


def _stretches(data: bytes, width: int, lead: int) -> list[_Stretch]:
    """The UTF-8 stretches in `data`, the run re-encoded in the charset it was wrongly decoded with
    (`width` bytes per character, markers as `width` × 0xFF), with a lead byte ≥ `lead`."""
    found = []
    for m in _UTF8_STRETCH.finditer(data):
        seq = m.group(1)
        if max(seq) < lead:
            continue
        start, end = m.span()
        try:
            decoded = seq.decode("utf-8")
        except UnicodeDecodeError:  # cannot happen with _UTF8_CHAR; normalize must never raise
            continue
        # A stray last byte pairs with a following ASCII letter into one GBK character ("绀篢P" for
        # "示TP"): the letter is the second byte of that character, and comes back as itself.
        if end % width and end < len(data) and data[end] < 0x80 and end == m.end(1):
            decoded += chr(data[end])
            end += 1
        if start % width or end % width:  # not on a character boundary: a coincidence, not a run
            continue
        found.append((start // width, end // width, decoded, start != m.start(1), end > m.end(1)))
    return found


def _rebuild(run: str, spans: list[_Stretch], width: int) -> str:
    out, pos, cut_before = [], 0, False
    for lo, hi, decoded, cut_start, cut_end in [*spans, (len(run), len(run), "", False, False)]:
        gap = run[pos:lo]
        if width == 1 and _TRUNCATED.fullmatch(gap):
            # Latin-1 maps byte for byte, so a character missing a continuation byte (cp1252's
            # undefined 0x81 0x8D 0x8F 0x90 0x9D, shown as nothing and lost in a copy: "æœåŠ¡" for
            # 服务) is told apart without a marker. Only a lead with at least one continuation counts:
            # a lone "é" next to a run may be the text's own.
            gap = ""
        out.append(_leftover(gap, pos == 0 or lo == len(run), cut_before, cut_start))
        out.append(decoded)
        pos, cut_before = hi, cut_end
    return "".join(out)


_TRUNCATED = re.compile(f"[\u00c2-\u00f4][{_LATIN_CONT}]{{1,2}}")


def _leftover(gap: str, edge: bool, cut_before: bool, cut_after: bool) -> str:
    """What stays of the text between two repaired stretches of a run (or a repaired stretch and the
    run's edge). A lost byte leaves a marker and at most a character's worth of garble; those are
    dropped. A "?" goes only where a stretch next to it ends or starts on a cut character: otherwise
    it is a "?" the text had. A longer gap may hold clean text: only its ends are trimmed."""
    markers = sum(gap.count(m) for m in _MARKERS)
    if not markers:
        return gap
    if markers == len(gap):
        if cut_before:
            gap = gap[1:]
        if cut_after:
            gap = gap[:-1]
        return gap
    whole = len(gap) - markers <= 2 * markers
    if whole and not (edge and gap[0] not in _MARKERS and gap[-1] not in _MARKERS):
        return ""
    return _trim_debris(_trim_debris(gap, cut_before, False)[::-1], cut_after, True)[::-1]


def _is_debris(ch: str) -> bool:
    return not ch.isascii() and ch not in _Gbk.common


def _trim_debris(gap: str, cut: bool, reversed_: bool) -> str:
    """`gap` without the lost-byte debris at its start: U+FFFD ("?" only next to a cut character),
    each with the character before it if that is not common text ("鑸�" is 般 = E8 88 AC less AC).
    `reversed_`: the gap was reversed to trim its end, so that character now comes after the marker."""
    i = 0
    while i < len(gap):
        if gap[i] == "\ufffd" or (gap[i] == "?" and cut):
            i += 1
            if reversed_ and i < len(gap) and _is_debris(gap[i]):
                i += 1
        elif not reversed_ and i + 1 < len(gap) and gap[i + 1] == "\ufffd" and _is_debris(gap[i]):
            i += 2
        else:
            break
    return gap[i:]


def _gbk_bytes(run: str) -> bytes:
    # Every run character is two bytes in GB18030 (the run class guarantees it); markers become
    # 0xFF 0xFF, which neither GB18030 nor UTF-8 ever produces.
    return b"\xff\xff".join(p.encode("gb18030") for p in run.replace("?", "\ufffd").split("\ufffd"))


def _latin_bytes(run: str) -> bytes:
    return run.translate(_LATIN_TO_BYTE).encode("latin-1")


def _repair(text: str, runs, encode, width: int, lead: int, judge) -> str:
    """Repair the candidate `runs` ((start, end) pairs) of `text` whose stretches `judge` accepts."""
    candidates = []
    for start, end in runs:
        if end - start >= 2:
            found = _stretches(encode(text[start:end]), width, lead)
            if found:
                candidates.append((start, end, found))
    if not candidates:
        return text
    keep = iter(judge([(text[a + s[0] : a + s[1]], s[2]) for a, _, found in candidates for s in found]))
    out, pos = [], 0
    for start, end, found in candidates:
        spans = [s for s in found if next(keep)]
        if spans:
            out.append(text[pos:start])
            out.append(_rebuild(text[start:end], spans, width))
            pos = end
    out.append(text[pos:])
    return "".join(out)


def repair_mojibake(text: str) -> str:
    """Undo UTF-8-read-as-GBK and UTF-8-read-as-Latin-1/cp1252 runs; text without them is returned as is."""
    if not _ANY_HINT.search(text):
        return text
    if _LATIN_ANY.search(text) and _LATIN_HINT.search(text):
        # Text garbled twice is repaired twice here: the rest of the pass would strip the C1 controls
        # the first repair gives back ("è¿\x99"), and the second could no longer read them.
        for _ in range(3):
            repaired = _repair(text, _latin_runs(text), _latin_bytes, 1, 0xC2, _judge_latin)
            if repaired == text:
                break
            text = repaired
            if not _LATIN_HINT.search(text):
                break
    if _GBK_HINT.search(text):
        # Two-byte UTF-8 (Latin, Greek, Cyrillic) hides in clean GBK text: level-1 hanzi with a lead
        # 0xC2–0xD7 and a trail 0xA1–0xBF are such sequences. Only stretches with a CJK-sized
        # (three-byte, lead ≥ 0xE0) character count.
        text = _repair(text, _gbk_runs(text), _gbk_bytes, 2, 0xE0, _judge_gbk)
    return text


# --------------------------------------------------------------------------------------------
# Entities and markup.
# --------------------------------------------------------------------------------------------
# A decoder error sometimes eats the "&" of a double-escaped entity, leaving "amp;ldquo;".
# Repaired only when an HTML entity follows, and never right after "]" (a mask placeholder, which took
# the place of digits that kept it unrepaired the first time: normalize-then-mask stays idempotent).
_ORPHAN_AMP = re.compile(r"(?<![&A-Za-z0-9_\]])amp;(?=(#?\w{2,8});)")
# A decoder may also eat the whole "&amp;" ("?ldquo;"); only the quote and space entities are common
# enough to repair.
_ORPHAN_ENTITY = re.compile(r"(?<![&\w])(?=(?:[lr]dquo|[lr]squo|quot|nbsp|hellip|mdash|middot);)")
_TAG_BREAK = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6]|/tr)\s*/?\s*>", re.I)
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]{0,10}(?:\s[^<>]{0,400})?/?>")


def _orphan_amp(m: re.Match[str]) -> str:
    entity = f"&{m.group(1)};"
    return "&" if html.unescape(entity) != entity else m.group(0)


def _unescape(text: str) -> str:
    # Unescape until nothing changes: `&amp;amp;quot;` needs three rounds. Bounded, so a hostile
    # input of a million nested `&amp;` cannot loop; four rounds covers every page we have seen.
    text = _unescape_rounds(text)
    # Only then repair entities whose "&" a decoder ate ("amp;ldquo;", "?ldquo;"): before the rounds,
    # the "ldquo;" inside a healthy "&amp;ldquo;" would look orphaned too.
    if ";" in text and (
        "amp;" in text
        or "quo;" in text
        or "nbsp;" in text
        or "hellip;" in text
        or "mdash;" in text
        or "middot;" in text
        or "quot;" in text
    ):
        text = _ORPHAN_AMP.sub(_orphan_amp, text)
        text = _ORPHAN_ENTITY.sub("&", text)
        text = _unescape_rounds(text)
    return text


def _unescape_rounds(text: str) -> str:
    for _ in range(4):
        if "&" not in text:
            break
        new = html.unescape(text)
        if new == text:
            break
        text = new
    return text


# --------------------------------------------------------------------------------------------
# Pinyin annotations: `運(yùn)營(yíng)`, `中國(guó)`, `行(hang2)`, also with full-width parentheses.
# Only a parenthesis right after a CJK character holding exactly one valid pinyin syllable is removed,
# so (GMV), (2023年), (app), (SEO) and (seo) stay.
# --------------------------------------------------------------------------------------------
_TONE_MARKS = str.maketrans(
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ",
    "aaaaeeeeiiiioooouuuuvvvvvnnnm",
)
_INITIALS = (
    "",
    "b",
    "p",
    "m",
    "f",
    "d",
    "t",
    "n",
    "l",
    "g",
    "k",
    "h",
    "j",
    "q",
    "x",
    "zh",
    "ch",
    "sh",
    "r",
    "z",
    "c",
    "s",
    "y",
    "w",
)
_FINALS = (
    "a",
    "o",
    "e",
    "i",
    "u",
    "v",
    "ai",
    "ei",
    "ao",
    "ou",
    "an",
    "en",
    "ang",
    "eng",
    "ong",
    "er",
    "ia",
    "ie",
    "iao",
    "iu",
    "ian",
    "in",
    "iang",
    "ing",
    "iong",
    "ua",
    "uo",
    "uai",
    "ui",
    "uan",
    "un",
    "uang",
    "ue",
    "ve",
    "van",
    "vn",
    "io",
    "ueng",
)
_PINYIN = frozenset(i + f for i in _INITIALS for f in _FINALS) | {"n", "ng", "m", "hm", "hng", "ê"}
# Toneless syllables that are also English words or acronyms people put in parentheses; with a tone
# mark or digit they are pinyin like any other (安(ān), 办(bàn)).
_ENGLISH_LOOKING = frozenset(
    {
        "ai",
        "an",
        "ban",
        "can",
        "fan",
        "man",
        "pan",
        "ran",
        "tan",
        "ten",
        "pin",
        "bin",
        "din",
        "tin",
        "me",
        "he",
        "we",
        "she",
        "bo",
        "go",
        "no",
        "so",
        "ca",
        "pa",
    }
)
_PINYIN_PAREN = re.compile(
    r"(?<=[\u3400-\u9fff\uf900-\ufaff])[(（]\s*([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿê]{1,6})([1-5])?\s*[)）]"
)


def _strip_pinyin(text: str) -> str:
    if "(" not in text and "（" not in text:
        return text
    # Toned annotations (yùn, yun4) are unmistakable. A toneless one like 运(yun) is only pinyin when
    # the text annotates that way repeatedly; a lone (bang) after a character is a word the author meant.
    toned = 0
    for m in _PINYIN_PAREN.finditer(text):
        if _pinyin_kind(m) == "toned":
            toned += 1
            if toned >= 2:
                break
    strip_toneless = toned >= 2

    def repl(m: re.Match[str]) -> str:
        kind = _pinyin_kind(m)
        if kind == "toned" or (kind == "toneless" and strip_toneless):
            return ""
        return m.group(0)

    return _PINYIN_PAREN.sub(repl, text)


def _pinyin_kind(m: re.Match[str]) -> str | None:
    raw, tone_digit = m.group(1), m.group(2)
    # Uppercase letters are acronyms (GMV, ROI, SEO), never an annotation.
    if raw != raw.lower():
        return None
    syllable = raw.translate(_TONE_MARKS)
    if syllable not in _PINYIN:
        return None
    if tone_digit or syllable != raw:
        return "toned"
    return None if syllable in _ENGLISH_LOOKING else "toneless"


# --------------------------------------------------------------------------------------------
# Debris: characters that carry no content.
# --------------------------------------------------------------------------------------------
_INVISIBLE = re.compile(
    "[\ufffd\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff\u00ad"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]"
)
# Symbols that anti-spam tools insert between characters; between two word characters they are noise.
_INJECTED = "■□◆◇★☆●○▲△▼▽◎※♦♥♠♣▪▫◼◻❤✦✧✪✿❀"
_WORD = r"[\w\u3400-\u9fff]"
_INJECTED_BETWEEN = re.compile(rf"(?<={_WORD})[{_INJECTED}]+(?={_WORD})")
# 微.信, 幕.思.城: dots inserted between single CJK characters to dodge keyword filters.
_DOT_BETWEEN_CJK = re.compile(r"(?<=[\u4e00-\u9fff])[.·•](?=[\u4e00-\u9fff])")
# 幕 思 城, 找幕 思 城: two or more single CJK characters spaced out one by one after a CJK character.
_SPACED_CJK = re.compile(r"(?<=[\u4e00-\u9fff])(?: [\u4e00-\u9fff](?![\u4e00-\u9fff])){2,}")
_FULLWIDTH_ALNUM = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF5B) if chr(cp - 0xFEE0).isalnum()}
_FULLWIDTH_ALNUM[0xFF05] = ord("%")
_FULLWIDTH_ALNUM[0xFF0E] = ord(".")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# A space next to full-width punctuation is layout debris (often a decoded &nbsp;), never content.
_SPACE_AT_CJK_PUNCT = re.compile(r" ?([，。！？；：、“”‘’（）《》【】「」…]) ?")


# --------------------------------------------------------------------------------------------
# Boilerplate lines. Patterns are matched against the simplified line; a line is dropped only when
# the whole line is boilerplate (short, and the pattern is the point of it), never a sentence that
# merely mentions 微信 or 版权.
# --------------------------------------------------------------------------------------------
# Not inside a mask placeholder ("[电话]", "[微信]"): masked text goes through normalize again when a
# pipeline re-reads its own output, and a placeholder is not a contact.
_CONTACT_CUE = (
    r"(?<!\[)(?:微信|薇信|威信|vx|v信|wx|weixin|wechat|qq|扣扣|企鹅|电话|手机|热线|座机|联系方式"
    r"|tel|☎|📞|\bV(?=[:：]))(?!\])"
)
_CONTACT_ID = r"(?:\d[\d\s-]{4,}\d|[a-zA-Z][\w-]{4,19})"
_BOILERPLATE = [
    re.compile(r"©|\(c\)\s*\d{4}|版权所有|版权归|copyright", re.I),
    re.compile(r"侵权.{0,30}(?:删除|联系|告知|处理)|(?:删除|联系).{0,10}侵权|侵删"),
    re.compile(r"关注.{0,24}公众号|公众号[:：]|微信扫码|扫码关注|长按.{0,6}二维码|识别二维码"),
    re.compile(
        r"免责声明|不代表本站(?:观点|立场)|仅代表(?:作者|用户)(?:本人|个人)?观点|转载请注明|本站部分文章|未经授权.{0,6}转载"
    ),
    re.compile(rf"加我{_CONTACT_CUE}|{_CONTACT_CUE}咨询|更多资讯请关注|欢迎.{{0,6}}咨询", re.I),
]
_BOILERPLATE_MAX_CHARS = 120
# Contact ads: a cue followed by an id (QQ：12345678, 微信 abc_123, V：abc123), or a bare mobile number.
# A line with one of them is an ad only when it also solicits or gives two ways to reach someone;
# a complaint that says "客服电话13812345678一直关机" is content (pii.mask handles the number).
_CONTACT = re.compile(
    rf"{_CONTACT_CUE}.{{0,12}}?[:：号是为]?\s*{_CONTACT_ID}|(?<!\d)1[3-9]\d{{9}}(?!\d)", re.I
)
_SOLICIT = re.compile(
    r"加我|添加|加V|加v|加微|加Q|加q|加群|进群|拉你|交流群|联系我|咨询|详询|扫码|私信|拨打|致电|欢迎|免费|"
    r"了解更多|领取|获取|商务合作|合作请|备注|同微信|同号"
)
# A copyright or 侵权 word inside a merchant's story ("主图是盗来的，被投诉侵权") is content.
_LEGAL_NOTICES = _BOILERPLATE[:2]
_STORY = re.compile(r"合同|店铺|主图|商家|投诉|服务商|他们|交了|退款|被扣|盗")


# A mask placeholder ("[电话]") counts as the longest thing it can stand for (an e-mail's 64-character
# local part): masking shortens a line, and a 125-character footer with a phone number in it must not
# fall under the length bar when the masked text is read again (normalize then mask is idempotent).
_PLACEHOLDER_CHARS = 64


def _judged_length(line: str) -> int:
    if "[" not in line:
        return len(line)
    return len(line) + _PLACEHOLDER_CHARS * sum(line.count(p) for p in PLACEHOLDERS)


def _is_boilerplate(line: str) -> bool:
    if _judged_length(line) > _BOILERPLATE_MAX_CHARS:
        return False
    for pattern in _BOILERPLATE:
        if not pattern.search(line):
            continue
        if pattern in _LEGAL_NOTICES and _STORY.search(line):
            continue
        return True
    contacts = len(_CONTACT.findall(line))
    return contacts >= 2 or (contacts == 1 and _SOLICIT.search(line) is not None)


def _clean_line(line: str) -> str:
    line = _SPACES.sub(" ", line).strip()
    if not line:
        return line
    if " " in line:
        line = _SPACE_AT_CJK_PUNCT.sub(r"\1", line)
    line = _INJECTED_BETWEEN.sub("", line)
    line = _DOT_BETWEEN_CJK.sub("", line)
    if " " in line:
        line = _SPACED_CJK.sub(lambda m: m.group(0).replace(" ", ""), line)
    return line


def _pass(text: str) -> str:
    text = repair_mojibake(text)
    text = _unescape(text)
    if "<" in text:
        text = _TAG_BREAK.sub("\n", text)
        text = _TAG.sub("", text)
    text = _INVISIBLE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_FULLWIDTH_ALNUM)
    text = _strip_pinyin(text)
    text = to_simplified(text)
    text = unicodedata.normalize("NFC", text)
    lines = []
    for raw in text.split("\n"):
        line = _clean_line(raw)
        if line and not _is_boilerplate(line):
            lines.append(line)
    return "\n".join(lines)


def normalize(text: str) -> str:
    """Scraped text → clean simplified Chinese, one paragraph per line. Idempotent; never raises on str.

    Cleaning one layer can expose another (a removed symbol joins `&` and `amp;`, a removed pinyin
    group joins two traditional characters OpenCC then converts as a phrase), so the pass is repeated
    until the text stops changing — almost always one extra cheap pass over already-clean text.
    """
    if not isinstance(text, str):
        raise TypeError(f"normalize() takes str, not {type(text).__name__}")
    out = _pass(text)
    if out == text:  # already clean: a fixed point, no second pass needed
        return out
    for _ in range(4):
        again = _pass(out)
        if again == out:
            break
        out = again
    return out
