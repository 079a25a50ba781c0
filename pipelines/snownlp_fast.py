"""snownlp's sentiment, bit for bit, without snownlp's per-call overhead.

`SnowNLP(text).sentiments` spends almost all its time in the character tagger
(`snownlp/seg/y09_2047.py`): for every character it calls `log_prob` 64 times, each call doing six
tuple-keyed dict lookups, and it copies the whole tag path of every state at every step. Here the
same second-order Viterbi runs over 16 states in flat lists with back-pointers, the log-probabilities
come from tables cached per character / character pair / character triple, and every Chinese run, word
and text is memoised. The arithmetic is snownlp's own, in the same order (the tie-breaking too), so the
results are identical, not merely close; `tests/test_sentiment_snownlp.py` and `bench/sentiment.py`
check that against the real `SnowNLP` on thousands of texts.

snownlp's models are read from the loaded snownlp modules, so this follows whatever snownlp loaded.
Importing this module imports snownlp (4 s, ~430 MB); callers import it lazily.
"""

from __future__ import annotations

import gc
from array import array
from collections.abc import Sequence
from math import exp, log

from snownlp import normal as _snow_normal
from snownlp import seg as _snow_seg
from snownlp import sentiment as _snow_sentiment

# What `snownlp_scores` returns for an empty text. `SnowNLP('')` raises ZeroDivisionError (its BM25
# index divides by the number of characters), but snownlp's classifier itself, given no words, answers
# with the class prior; 0.5 is the honest "no evidence" answer for kaopu.
EMPTY_TEXT_SCORE = 0.5

_TAGS = ("b", "m", "e", "s")
_BOS = ("", "BOS")
_NEG_INF = float("-inf")

_model = _snow_seg.segger.segger  # CharacterBasedGenerativeModel
_re_zh = _snow_seg.re_zh
_stop = _snow_normal.stop

_l1, _l2, _l3 = _model.l1, _model.l2, _model.l3
_uni_d, _bi_d, _tri_d = _model.uni.d, _model.bi.d, _model.tri.d
_uni_total = _model.uni.total

# Caches are plain dicts emptied when they pass a size limit: a dict lookup is cheaper than
# functools.lru_cache bookkeeping in the inner loop. 3,000 varied texts fill ~140k trigram and ~70k
# pair tables, ~170 MB together; at the limit they take ~330 MB.
_CACHE_LIMIT = 200_000
_known_cache: dict[str, bool] = {}
_lp1_cache: dict[str, tuple[float, ...]] = {}
_lp2_cache: dict[tuple[str, str], tuple[float, ...]] = {}
_lp3_cache: dict[tuple[str, str, str], array] = {}
_pair_cache: dict[tuple[str, str], tuple[array, array, array]] = {}
_keys_cache: dict[str, tuple[tuple[str, str], ...]] = {}
_run_cache: dict[str, list[str]] = {}
_text_cache: dict[str, float] = {}


def _log_prob(s1: tuple[str, str], s2: tuple[str, str], s3: tuple[str, str]) -> float:
    """`CharacterBasedGenerativeModel.log_prob`, same operations in the same order."""
    uni = _l1 * (float(_uni_d.get(s3, 0)) / _uni_total)
    v2 = _uni_d.get(s2, 0)
    bi = 0 if v2 == 0 else float(_l2 * _bi_d.get((s2, s3), 0)) / v2
    v2 = _bi_d.get((s1, s2), 0)
    tri = 0 if v2 == 0 else float(_l3 * _tri_d.get((s1, s2, s3), 0)) / v2
    if uni + bi + tri == 0:
        return _NEG_INF
    return log(uni + bi + tri)


def _known(ch: str) -> bool:
    """snownlp's `not_found` test: is the character in the unigram table under any tag."""
    k = _known_cache.get(ch)
    if k is None:
        # uni.freq(x) != 0 exactly when the stored count is non-zero (counts are positive).
        k = any(_uni_d.get((ch, s), 0) != 0 for s in _TAGS)
        _known_cache[ch] = k
    return k


def _lp_first(c: str) -> tuple[float, ...]:
    """log-probs of the first character's tag s, index s."""
    t = _lp1_cache.get(c)
    if t is None:
        t = tuple(_log_prob(_BOS, _BOS, (c, s)) for s in _TAGS)
        _lp1_cache[c] = t
    return t


def _lp_second(c1: str, c2: str) -> tuple[float, ...]:
    """log-probs for tags (b of c1, s of c2), index s*4 + b."""
    key = (c1, c2)
    t = _lp2_cache.get(key)
    if t is None:
        t = tuple(_log_prob(_BOS, (c1, b), (c2, s)) for s in _TAGS for b in _TAGS)
        _lp2_cache[key] = t
    return t


def _keys(ch: str) -> tuple[tuple[str, str], ...]:
    k = _keys_cache.get(ch)
    if k is None:
        k = tuple((ch, s) for s in _TAGS)
        _keys_cache[ch] = k
    return k


def _pair(c1: str, c2: str) -> tuple[array, array, array]:
    """For tags (b of c1, s of c2) at index s*4 + b: `uni + bi` of `log_prob`, its log, and the bigram
    counts `bi.get((s1, s2))` (the trigram term's denominator when c1, c2 open a trigram)."""
    key = (c1, c2)
    t = _pair_cache.get(key)
    if t is None:
        k1, k2 = _keys(c1), _keys(c2)
        u1 = [_uni_d.get(k, 0) for k in k1]
        ub = []
        counts = []
        for s in range(4):
            u2 = _uni_d.get(k2[s], 0)
            uni = _l1 * (float(u2) / _uni_total)
            for b in range(4):
                # Training counts a bigram's two unigrams too, so an unseen unigram means no bigram.
                cnt = 0 if u2 == 0 or u1[b] == 0 else _bi_d.get((k1[b], k2[s]), 0)
                counts.append(cnt)
                v2 = u1[b]
                bi = 0 if v2 == 0 else float(_l2 * cnt) / v2
                ub.append(uni + bi)
        logs = array("d", [_NEG_INF if v == 0 else log(v) for v in ub])
        # Arrays, not tuples of float objects: a third of the memory for the same values.
        t = (array("d", ub), logs, array("q", counts))
        _pair_cache[key] = t
    return t


def _lp_tri(c0: str, c1: str, c2: str) -> array:
    """log-probs for tags (a of c0, b of c1, s of c2), index (s*4 + b)*4 + a.

    Equal to `_log_prob` term by term: where the trigram count is 0 the trigram term is 0 or 0.0 and
    `uni + bi + 0.0 == uni + bi` exactly, so only trigrams seen in training need arithmetic. A trigram
    was seen only if both its bigrams were (training counts every trigram's two bigrams), which saves
    most lookups in the 900k-entry trigram table.
    """
    key = (c0, c1, c2)
    t = _lp3_cache.get(key)
    if t is None:
        ub, logs, bi12 = _pair(c1, c2)
        bi01 = _pair(c0, c1)[2]  # bigram counts of (c0 a, c1 b) at index b*4 + a
        k0, k1, k2 = _keys(c0), _keys(c1), _keys(c2)
        out = []
        for s in range(4):
            for b in range(4):
                j = s * 4 + b
                base = logs[j]
                if bi12[j] == 0:
                    out += (base, base, base, base)
                    continue
                for a in range(4):
                    v2 = bi01[b * 4 + a]
                    cnt = None if v2 == 0 else _tri_d.get((k0[a], k1[b], k2[s]))
                    if cnt is None:
                        out.append(base)
                    else:
                        total = ub[j] + float(_l3 * cnt) / v2
                        out.append(_NEG_INF if total == 0 else log(total))
        # An array holds 64 doubles in 576 bytes; a tuple of float objects took ~1.7 kB per entry.
        t = array("d", out)
        _lp3_cache[key] = t
    return t


def _tag(run: str) -> list[int]:
    """Tag indices for one run of Chinese characters, as `CharacterBasedGenerativeModel.tag` picks them.

    States after the second character are (previous tag b, current tag s) at index s*4 + b, which is
    the order snownlp's `stage` dict inserts them; candidates for a state are tried in order of the
    tag before (a = 0..3) and replace the best only when strictly greater, as snownlp's `>` does. An
    unknown character copies, for each state, the *last* candidate (snownlp overwrites the entry).
    """
    n = len(run)
    c0 = run[0]
    if _known(c0):
        first = _lp_first(c0)
        delta1 = [0.0 + first[s] for s in range(4)]
    else:
        delta1 = [0.0, 0.0, 0.0, 0.0]
    if n == 1:
        return [max(range(4), key=delta1.__getitem__)]
    c1 = run[1]
    if _known(c1):
        second = _lp_second(c0, c1)
        delta = [delta1[i & 3] + second[i] for i in range(16)]
    else:
        delta = [delta1[i & 3] for i in range(16)]
    back: list[list[int] | None] = []
    for t in range(2, n):
        c2 = run[t]
        if not _known(c2):
            # Every state (b, s) inherits from (a=3, b): snownlp's last write wins.
            delta = [delta[(i & 3) * 4 + 3] for i in range(16)]
            back.append(None)
            c0, c1 = c1, c2
            continue
        lp = _lp_tri(c0, c1, c2)
        new = [0.0] * 16
        ptr = [0] * 16
        for i in range(16):
            base = (i & 3) * 4  # states (a, b) with current tag b live at b*4 + a
            j = i * 4
            best = delta[base] + lp[j]
            arg = 0
            p = delta[base + 1] + lp[j + 1]
            if p > best:
                best, arg = p, 1
            p = delta[base + 2] + lp[j + 2]
            if p > best:
                best, arg = p, 2
            p = delta[base + 3] + lp[j + 3]
            if p > best:
                best, arg = p, 3
            new[i] = best
            ptr[i] = arg
        delta = new
        back.append(ptr)
        c0, c1 = c1, c2
    # max() keeps the first of equal maxima, as snownlp's max(now, key=...) does.
    state = max(range(16), key=delta.__getitem__)
    tags = [0] * n
    tags[n - 1] = state >> 2
    tags[n - 2] = state & 3
    for t in range(n - 3, -1, -1):
        ptr = back[t]
        a = 3 if ptr is None else ptr[state]
        tags[t] = a
        state = (state & 3) * 4 + a
    return tags


def _single_seg(run: str) -> list[str]:
    """`snownlp.seg.single_seg`: words from the tags, with snownlp's b/m/e/s grouping."""
    words = _run_cache.get(run)
    if words is not None:
        return words
    words = []
    tmp = ""
    for ch, tag in zip(run, _tag(run), strict=True):
        if tag == 2:  # e
            words.append(tmp + ch)
            tmp = ""
        elif tag == 0 or tag == 3:  # b, s
            if tmp:
                words.append(tmp)
            tmp = ch
        else:
            tmp += ch
    if tmp:
        words.append(tmp)
    if len(_run_cache) > _CACHE_LIMIT:
        _run_cache.clear()
    _run_cache[run] = words
    return words


def seg(text: str) -> list[str]:
    """`snownlp.seg.seg`: Chinese runs through the tagger, everything else split on whitespace."""
    words: list[str] = []
    for s in _re_zh.split(text):
        s = s.strip()
        if not s:
            continue
        if _re_zh.match(s):
            words += _single_seg(s)
        else:
            for word in s.split():
                word = word.strip()
                if word:
                    words.append(word)
    return words


class _Bayes:
    """snownlp's Bayes classifier with each word's log-frequency looked up once per class."""

    def __init__(self, bayes) -> None:
        self.classes = list(bayes.d)
        self.base = {k: log(bayes.d[k].getsum()) - log(bayes.total) for k in self.classes}
        self.counts = {k: bayes.d[k].d for k in self.classes}
        self.totals = {k: bayes.d[k].total for k in self.classes}
        self.unknown = {k: log(float(bayes.d[k].none) / bayes.d[k].total) for k in self.classes}
        self.word_log: dict[str, dict[str, float]] = {k: {} for k in self.classes}

    def _log_freq(self, k: str, word: str) -> float:
        cache = self.word_log[k]
        v = cache.get(word)
        if v is None:
            c = self.counts[k].get(word)
            v = self.unknown[k] if c is None else log(float(c) / self.totals[k])
            cache[word] = v
        return v

    def sentiment(self, words: list[str]) -> float:
        tmp = {}
        for k in self.classes:
            acc = self.base[k]
            for word in words:
                acc += self._log_freq(k, word)
            tmp[k] = acc
        ret, prob = 0, 0
        for k in self.classes:
            now = 0
            try:
                for otherk in self.classes:
                    now += exp(tmp[otherk] - tmp[k])
                now = 1 / now
            except OverflowError:
                now = 0
            if now > prob:
                ret, prob = k, now
        return prob if ret == "pos" else 1 - prob


_bayes = _Bayes(_snow_sentiment.classifier.classifier)


def sentiment(text: str) -> float:
    """`SnowNLP(text).sentiments`, except that an empty text gives EMPTY_TEXT_SCORE instead of raising."""
    if not text:
        return EMPTY_TEXT_SCORE
    v = _text_cache.get(text)
    if v is None:
        words = [w for w in seg(text) if w not in _stop]
        v = _bayes.sentiment(words)
        if len(_text_cache) > _CACHE_LIMIT:
            _text_cache.clear()
        _text_cache[text] = v
    return v


def clear_caches() -> None:
    """Forget every memoised table, segmentation and score (for cold-start measurements, or memory)."""
    for cache in (
        _text_cache,
        _run_cache,
        _lp3_cache,
        _pair_cache,
        _lp2_cache,
        _known_cache,
        _keys_cache,
        _lp1_cache,
        *_bayes.word_log.values(),
    ):
        cache.clear()


def _trim_caches() -> None:
    for cache in (_lp3_cache, _pair_cache, _lp2_cache, _known_cache, _keys_cache, _lp1_cache):
        if len(cache) > _CACHE_LIMIT:
            cache.clear()


def _score_chunk(texts: Sequence[str]) -> list[float]:
    out = [sentiment(t) for t in texts]
    _trim_caches()
    return out


# Share of a parallel batch the parent scores before forking, so the workers inherit warm tables for
# the common characters and character triples instead of each rebuilding them.
WARM_UP_SHARE = 0.15


def scores(texts: Sequence[str], processes: int = 1) -> list[float]:
    """Scores for many texts, optionally split over forked workers that share the loaded models.

    One process is the default because it measured best where kaopu runs: most of a cold batch's time
    is building the tagger's tables, which each worker repeats, and on a busy 2-core machine (load 5)
    two workers were 0.7x one process on 1.25 M characters (bench/sentiment.py). On an idle machine two
    workers measured 1.25x on 310 k characters; pass `processes=2` there for large batches.
    """
    texts = list(texts)
    if processes <= 1 or len(texts) < 4 * processes:
        return _score_chunk(texts)
    import multiprocessing

    n_warm = int(len(texts) * WARM_UP_SHARE)
    out = _score_chunk(texts[:n_warm]) + [0.0] * (len(texts) - n_warm)
    rest = range(n_warm, len(texts))
    # fork, not spawn: the children inherit the 430 MB of loaded models and the warm caches instead of
    # re-importing snownlp.
    ctx = multiprocessing.get_context("fork")
    # Frozen objects are not traversed by the children's collector, so the children do not touch (and
    # copy-on-write) the parent's model pages; unfreezing afterwards lets the parent collect them again.
    gc.freeze()
    try:
        # Longest first, dealt round-robin, keeps the workers' loads even.
        order = sorted(rest, key=lambda i: len(texts[i]), reverse=True)
        parts = [order[p::processes] for p in range(processes)]
        with ctx.Pool(processes) as pool:
            results = pool.map(_score_chunk, [[texts[i] for i in part] for part in parts])
    finally:
        gc.unfreeze()
    for part, res in zip(parts, results, strict=True):
        for i, v in zip(part, res, strict=True):
            out[i] = v
            if len(_text_cache) <= _CACHE_LIMIT:  # the workers' memo dies with them; keep the scores
                _text_cache[texts[i]] = v
    return out
