"""Near-duplicate detection: the same story in another script, garbled, or lightly reworded.

Bought reviews and copied case pages are the same text pasted again with small edits, so the test is
resemblance of character shingles (Broder's MinHash), not equality. Each text is normalised
(`pipelines.text.normalize`: one script, no pinyin debris, no entities), reduced to its letters and
digits (punctuation and spacing are the cheapest edits), cut into character 3-grams, and summarised by
60 MinHash values; LSH with 30 bands of 2 rows proposes candidate pairs (a pair with resemblance 0.5 is
proposed with probability 0.9998, one at 0.3 with probability 0.94, one at 0.1 with probability 0.26),
and a candidate is accepted (`near_duplicate`) when its estimated resemblance is at least `THRESHOLD`,
or, for two long texts, when most of the shorter one is inside the longer one.

That second test is for real reposts: a copy wrapped in another site's header, menu and footer, or a
shorter excerpt of the same story, has a resemblance well under 0.5 with the original although nearly
all of the original is in it. Containment |A∩B|/|A| needs the set sizes, which the signature itself
estimates (the mean of k minimum hashes over s distinct shingles is about 1/(s+1) of the hash range;
k−1 over their sum is the unbiased estimate, ±13% at k = 60), so the stored layout is unchanged.
It applies only when both texts have at least `CONTAIN_MIN_SHINGLES` shingles (short reviews share
stock phrases) and the resemblance is at least `CONTAIN_MIN_RESEMBLANCE`, so a short snippet (a
footer on its own) cannot join every long page that carries it and chain them together.

Before shingling, `canonical` drops page furniture (bylines, 来源/编辑
lines, dates and read counts, image credits, hotlines), which is what two copies of one story differ
in, and turns every Latin word into one symbol: English is shingled by three words, not three letters
(two unrelated English releases share "the"/"ing"/"ion" trigrams enough to look 0.5 alike).

A spun rewrite of a news story (other words, the same figures) shares few shingles with the original,
but most of its figures: `facts` reads each figure of three significant digits or more in base units
(17.28亿 and RMB1,728 million are one figure), and a signature carries, after its TEXT_PERM shingle
values, FACT_BANDS MinHash values of the figures (each its own LSH band of one row) and the
FACT_SKETCH smallest figure hashes. Two texts with FACTS_MIN figures or more are the same story when
at least FACT_MIN_SHARED figures, and half of the smaller text's, are shared. A later report about the
same company repeats two or three headline figures, not most of them. Measured on the real corpus's
train split (3 folds by story): pair recall 0.667/1.0/0.308 -> 1.0/1.0/0.308, no false merge.

What is still split, and why it stays so. The train split's 9 split pairs of 19: two translations (an
English release and its machine-translated Chinese version: no shingle and, as written, no figure in
common, 8.8 billion against 88.12亿); five pairs of one fee-model template reworded four ways by
four sites (resemblance 0.03-0.14, most naming other agencies: what they share is a topic and an
outline, which different stories share too); and two reposts, another span of one article under
other paragraphs and a spun copy of that template in traditional script (resemblance 0.27 and 0.30,
containment 0.43 and 0.47, ~226 shingles shared). A bar for the last
kind (resemblance >= 0.2, 150+ shared shingles, like lengths) merged two different stories in the
held-out third; the same bar with a common agency named required as well (`providers.discover`,
by core) left the sandbox's seeds 21/22 alone (21 pairs of template case pages and articles about
different agencies clear the bar, none names a common agency) but at the one look at the held-out
third it joined no further pair (0.636 of 22) and merged two different stories (not read; presumably
two stories about one agency that share long passages, its profile or a report's template, as
template pages about two agencies do). Telling those apart needs more than a signature holds (where
the shared text sits, what the unshared text says); the name lookup also cost six times the hashing.

Hashing is numpy-vectorised over a whole batch (one multiply-shift hash per permutation over every
shingle of the batch, then a segmented minimum), so a million 200-character texts take minutes, most
of it in `normalize`; see bench/text.py.

Short texts are not stories. "很好", "不错，推荐" and "服务很好很专业" are written independently by
thousands of honest buyers; with fewer than `MIN_CHARS` letters a few shared 3-grams already make the
estimated resemblance high, so below that length only exact duplicates (after normalisation) share a
label. 20 characters is about one full sentence of a review.
"""

from __future__ import annotations

import hashlib
import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from pipelines.numbers import numbers
from pipelines.text import normalize

TEXT_PERM = 60  # MinHash values of the character shingles
TEXT_BANDS = 30
ROWS = TEXT_PERM // TEXT_BANDS
FACT_BANDS = 6  # one MinHash value of the text's figures each, a band of one row
FACT_SKETCH = 16  # the text's figures themselves (their smallest hashes), to count the shared ones
FACTS_MIN = 6  # figures a text needs for the figure test; fewer and its fact columns match nothing
FACT_MIN_SHARED = 6
NUM_PERM = TEXT_PERM + FACT_BANDS + FACT_SKETCH  # columns of a signature
BANDS = TEXT_BANDS + FACT_BANDS
SHINGLE = 3
THRESHOLD = 0.5
CONTAINMENT = 0.6
CONTAIN_MIN_RESEMBLANCE = 0.3
CONTAIN_MIN_SHINGLES = 100
MIN_CHARS = 20

_rng = np.random.default_rng(20240521)
# Multiply-shift hashing (Dietzfelbinger): odd multipliers, high 32 bits of the 64-bit product.
_A = (_rng.integers(1, 2**63, TEXT_PERM, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)
_B = _rng.integers(0, 2**63, TEXT_PERM, dtype=np.uint64)
_BAND_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], dtype=np.uint64)
# Figure hashes are 31 bits; a value with the top bit set is no figure (padding, or a text with too
# few figures, whose band values are still its own so such texts do not all share one bucket).
_NO_FACT = np.uint32(0x80000000)
_FACT_A = (_rng.integers(1, 2**63, FACT_BANDS + 1, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)
_FACT_B = _rng.integers(0, 2**63, FACT_BANDS + 1, dtype=np.uint64)
_BAND_SALT = (np.arange(1, BANDS + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)).astype(np.uint64)
_NON_WORD = re.compile(r"[\W_]+")
_HAS_LATIN = re.compile(r"[a-z]{2}")
_CHUNK_SHINGLES = 1_000_000  # shingles hashed per numpy pass: ~8 MB per array
_CLUSTER_CHUNK = 20_000  # texts canonicalised at a time by cluster()


# Page furniture: lines a site wraps around whatever story it carries (bylines and editors, sources,
# dates and read counts, image credits, hotlines, share buttons). Two copies of one story on two sites
# differ in exactly these lines; two stories on one site share them. Only a whole short line goes, and
# only one that is nothing but furniture (a cue at its start, or only dates, counts and cue words).
_FURNITURE = re.compile(
    r"^[(（【\[]?\s*(?:(?:文|作者|记者|编辑|责编|责任编辑|编审|审核|校对|来源|出处|原标题|转自|图|图片|摄影|图源|本文来源"
    r"|服务热线|咨询热线|热线|客服热线|发布时间|发布日期|时间|日期|更新时间|阅读|浏览|点击|评论|分享到|分享|标签|关键词"
    r"|上一篇|下一篇|相关文章|相关阅读|推荐阅读|返回列表|首页|当前位置|您的位置|发布者|发布人|字号|所属分类|栏目"
    r"|TAG|Tag|tags?)\s*[:：/|｜]"
    r"|图片来自网络|图片来源于网络|图片来源网络|来源于网络|原创\s|本文转载|点击查看|阅读原文|返回顶部)"
    r"|^[\d\s:：/\-年月日.|｜()（）阅读评论浏览点击次人赞收藏分享]+$"
    # A line of nothing but buttons (分享 | 收藏 | 打印 | 关闭窗口).
    r"|^(?:[\s|｜/【】\[\]]*(?:扫一扫|打印本页|打印|关闭窗口|关闭|收藏本文|收藏|分享到?|点赞|举报|评论|猜你喜欢"
    r"|相关推荐|热门推荐|热门文章|返回顶部))+[\s|｜/【】\[\]]*$",
    re.M,
)
_FURNITURE_MAX_CHARS = 60
# A word of Latin letters is one unit of English text, as a character is of Chinese: shingled by
# characters, English prose shares its common trigrams ("the", "ing", "ion") with every other English
# text. Each word becomes one rare ideograph of CJK extension B (a stable hash of the word
# picks one of 40,960; a letter, not punctuation, so `_NON_WORD` keeps it), and an English shingle is
# three words.
# A run of more than 24 letters is no word (a URL slug, a key mash): it stays letters.
_LATIN_WORD = re.compile(r"(?<![a-z])[a-z]{2,24}(?![a-z])")
_WORD_BASE = 0x20000


def _word_char(m: re.Match[str]) -> str:
    return chr(_WORD_BASE + zlib.crc32(m.group(0).encode()) % 0xA000)


def _strip_furniture(text: str) -> str:
    if "\n" not in text or _FURNITURE.search(text) is None:  # one scan settles most texts
        return text
    lines = [
        line
        for line in text.split("\n")
        if len(line) > _FURNITURE_MAX_CHARS or _FURNITURE.search(line.strip()) is None
    ]
    return "\n".join(lines)


def canonical(text: str, *, normalized: bool = False) -> str:
    """The form dedup compares: normalised, page furniture dropped (bylines, sources, dates, read
    counts, hotlines), letters and digits only, lower case, each Latin word one symbol."""
    if not normalized:
        text = normalize(text)
    text = _strip_furniture(text).lower()
    if _HAS_LATIN.search(text):
        text = _LATIN_WORD.sub(_word_char, text)
    return _NON_WORD.sub("", text)


# A figure worth matching: three significant digits or more (37.44%, 17.28亿, 4250万, 2,780.4 million).
_FIGURE = re.compile(r"\d(?:[.,]?\d){2,}")


def facts(text: str) -> np.ndarray:
    """The distinct figures of a normalised text as small ints: each value (in base units, so 17.28亿
    and RMB1,728 million agree) to three significant digits, and whether it is a percent. Years and
    figures of fewer than three digits (3天, 50%) are left out: every text has those."""
    if len(_FIGURE.findall(text)) < FACTS_MIN:
        return np.empty(0, dtype=np.uint64)
    out: set[int] = set()
    for n in numbers(text):
        m = _FIGURE.match(n.text)
        if m is None or n.value <= 0 or len(m.group(0).replace(",", "").replace(".", "").strip("0")) < 3:
            continue
        if not n.percent and 1900 <= n.value <= 2100 and float(n.value).is_integer():
            continue
        exponent = math.floor(math.log10(n.value))
        mantissa = round(n.value / 10.0 ** (exponent - 2))
        out.add((mantissa * 1024 + (exponent + 512) % 1024) * 2 + int(n.percent))
    return np.fromiter(sorted(out), dtype=np.uint64, count=len(out))


def _fact_columns(text_sig: np.ndarray, fact_keys: np.ndarray) -> np.ndarray:
    """FACT_BANDS MinHash values of the figures, then the FACT_SKETCH smallest figure hashes (sorted)."""
    out = np.full(FACT_BANDS + FACT_SKETCH, np.uint32(0xFFFFFFFF), dtype=np.uint32)
    if len(fact_keys) < FACTS_MIN:
        out[:FACT_BANDS] = _NO_FACT | (text_sig[:FACT_BANDS] >> np.uint32(1))
        return out
    hashed = (fact_keys[None, :] * _FACT_A[:, None] + _FACT_B[:, None]) >> np.uint64(33)
    out[:FACT_BANDS] = hashed[:FACT_BANDS].min(axis=1).astype(np.uint32)
    sketch = np.sort(hashed[FACT_BANDS])[:FACT_SKETCH].astype(np.uint32)
    out[FACT_BANDS : FACT_BANDS + len(sketch)] = sketch
    return out


def signatures(canon: Sequence[str], fact_keys: Sequence[np.ndarray] | None = None) -> np.ndarray:
    """Signatures (len(canon) × NUM_PERM, uint32) of canonical texts of ≥ SHINGLE characters: the
    MinHash of their shingles, then the columns of their figures (`facts`; none when not given)."""
    out = np.empty((len(canon), NUM_PERM), dtype=np.uint32)
    start = 0
    while start < len(canon):
        stop, budget = start, 0
        while stop < len(canon) and (budget == 0 or budget + len(canon[stop]) <= _CHUNK_SHINGLES):
            budget += len(canon[stop])
            stop += 1
        out[start:stop, :TEXT_PERM] = _signatures_chunk(canon[start:stop])
        start = stop
    # Most texts have fewer than FACTS_MIN figures: their fact columns (`_fact_columns`) in one step.
    few = np.fromiter(
        (fact_keys is None or len(fact_keys[i]) < FACTS_MIN for i in range(len(canon))),
        dtype=bool,
        count=len(canon),
    )
    rows = np.flatnonzero(few)
    out[rows, TEXT_PERM:] = np.uint32(0xFFFFFFFF)
    out[rows, TEXT_PERM : TEXT_PERM + FACT_BANDS] = _NO_FACT | (out[rows, :FACT_BANDS] >> np.uint32(1))
    for i in np.flatnonzero(~few).tolist():
        out[i, TEXT_PERM:] = _fact_columns(out[i, :TEXT_PERM], fact_keys[i])  # type: ignore[index]
    return out


def _signatures_chunk(canon: Sequence[str]) -> np.ndarray:
    lens = np.fromiter((len(t) for t in canon), dtype=np.int64, count=len(canon))
    if (lens < SHINGLE).any():
        raise ValueError(f"every text needs at least {SHINGLE} characters to have a shingle")
    cps = np.frombuffer("".join(canon).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cps = cps.astype(np.uint64)
    # Three code points (< 2**21 each) pack losslessly into one 63-bit shingle id.
    shingles = (cps[:-2] << np.uint64(42)) | (cps[1:-1] << np.uint64(21)) | cps[2:]
    seg = np.repeat(np.arange(len(canon)), lens)
    keep = seg[:-2] == seg[2:]  # drop 3-grams that straddle two texts
    shingles = shingles[keep]
    starts = np.concatenate(([0], np.cumsum(lens - (SHINGLE - 1))[:-1]))
    sig = np.empty((len(canon), TEXT_PERM), dtype=np.uint32)
    for p in range(TEXT_PERM):
        hashed = (shingles * _A[p] + _B[p]) >> np.uint64(32)
        sig[:, p] = np.minimum.reduceat(hashed, starts).astype(np.uint32)
    return sig


def estimated_sizes(sig: np.ndarray) -> np.ndarray:
    """Distinct shingles behind each signature (n × NUM_PERM → n floats), from its minimum hashes."""
    spread = (sig[:, :TEXT_PERM].astype(np.float64) + 0.5).sum(axis=1) / 2.0**32
    return (TEXT_PERM - 1) / spread


def near_duplicate(
    a: np.ndarray,
    b: np.ndarray,
    threshold: float = THRESHOLD,
    *,
    sizes: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Row by row, are signatures a[i] and b[i] near-duplicates? (see the module docstring)

    Every path (cluster, its incremental update, the streaming index) decides through this one
    function, so they agree pair for pair. `sizes`: `estimated_sizes` of a and b when the caller has
    them (the labelling computes each text's once, not once per band it shares)."""
    resemblance = np.count_nonzero(a[:, :TEXT_PERM] == b[:, :TEXT_PERM], axis=1) / TEXT_PERM
    ok = resemblance >= threshold
    size_a, size_b = sizes if sizes is not None else (estimated_sizes(a), estimated_sizes(b))
    small = np.minimum(size_a, size_b)
    # |A∩B| = J·|A∪B| = J·(|A|+|B|)/(1+J); containment is that over the smaller set.
    contained = resemblance * (size_a + size_b) / ((1 + resemblance) * small)
    ok |= (
        (small >= CONTAIN_MIN_SHINGLES)
        & (resemblance >= CONTAIN_MIN_RESEMBLANCE)
        & (contained >= CONTAINMENT)
    )
    # A rewrite of the same story (other words, the same figures): most figures of the text with fewer
    # of them are in the other, and at least FACT_MIN_SHARED. Two stories about one company's results
    # share a few headline figures; a spun copy shares most of them.
    sketch_a, sketch_b = a[:, TEXT_PERM + FACT_BANDS :], b[:, TEXT_PERM + FACT_BANDS :]
    n_a, n_b = (sketch_a < _NO_FACT).sum(axis=1), (sketch_b < _NO_FACT).sum(axis=1)
    ask = np.flatnonzero(~ok & (np.minimum(n_a, n_b) >= FACT_MIN_SHARED))
    if len(ask):
        sa, sb = sketch_a[ask], sketch_b[ask]
        shared = ((sa[:, :, None] == sb[:, None, :]) & (sa < _NO_FACT)[:, :, None]).sum(axis=(1, 2))
        ok[ask] = (shared >= FACT_MIN_SHARED) & (2 * shared >= np.minimum(n_a[ask], n_b[ask]))
    return ok


def band_keys(sig: np.ndarray) -> np.ndarray:
    """One 64-bit key per LSH band (n × BANDS): equal keys mean equal MinHash rows, up to collisions."""
    rows = sig[:, :TEXT_PERM].reshape(len(sig), TEXT_BANDS, ROWS).astype(np.uint64)
    keys = np.zeros((len(sig), BANDS), dtype=np.uint64)
    for r in range(ROWS):
        keys[:, :TEXT_BANDS] = (keys[:, :TEXT_BANDS] ^ rows[:, :, r]) * _BAND_MIX[r]
    fact_rows = sig[:, TEXT_PERM : TEXT_PERM + FACT_BANDS].astype(np.uint64)
    keys[:, TEXT_BANDS:] = (fact_rows ^ _BAND_MIX[2]) * _BAND_MIX[0]
    return keys


@dataclass(frozen=True)
class TextState:
    """What clustering needs to know about each text, without the text: a function of the text alone,
    so it can be stored per document and reused when later documents arrive.

    `digest`: n × 2 uint64, the 16-byte blake2b of the canonical form (exact duplicates share it);
    `long`: n bools, canonical form has ≥ MIN_CHARS characters (only those are compared by MinHash);
    `sig`: MinHash signatures of the long texts only, in order (short texts never need one); an
    array, or anything that gives rows for an integer array index
    (`incremental_build.dedup_store.SigRows` reads them from the store instead of holding ~200 MB),
    which is all `update_labels` does with it.
    """

    digest: np.ndarray
    long: np.ndarray
    sig: np.ndarray

    def __len__(self) -> int:
        return len(self.long)


def text_state(texts: Sequence[str], *, normalized: bool = False) -> TextState:
    """Canonicalise, digest and (for long texts) MinHash every text: the costly part of clustering.

    In chunks, so only a chunk's canonical strings are alive at a time (at 10^6 texts the whole list
    would be ~600 MB). An exact copy of a long text seen earlier in the call reuses its signature.
    """
    n = len(texts)
    digest = np.empty((n, 2), dtype=np.uint64)
    long = np.zeros(n, dtype=bool)
    sig_parts: list[np.ndarray] = []
    first_sig: dict[bytes, int] = {}  # digest → row of its signature among the long texts
    n_long = 0
    for start in range(0, n, _CLUSTER_CHUNK):
        to_hash: list[str] = []
        to_hash_facts: list[np.ndarray] = []
        copies: list[tuple[int, int]] = []  # (long row, row it copies)
        for i in range(start, min(n, start + _CLUSTER_CHUNK)):
            norm = texts[i] if normalized else normalize(texts[i])
            c = canonical(norm, normalized=True)
            d = hashlib.blake2b(c.encode("utf-8", "surrogatepass"), digest_size=16).digest()
            digest[i] = np.frombuffer(d, dtype=np.uint64)
            if len(c) < MIN_CHARS:
                continue
            long[i] = True
            j = first_sig.setdefault(d, n_long)
            if j == n_long:
                to_hash.append(c)
                to_hash_facts.append(facts(norm))
            copies.append((n_long, j))
            n_long += 1
        chunk_sig = (
            signatures(to_hash, to_hash_facts) if to_hash else np.empty((0, NUM_PERM), dtype=np.uint32)
        )
        # Rows of this chunk: a fresh text takes the next hashed signature, a copy the one it copies.
        done = sum(len(p) for p in sig_parts)
        out = np.empty((len(copies), NUM_PERM), dtype=np.uint32)
        k = 0
        for pos, (row, j) in enumerate(copies):
            if j == row:
                out[pos] = chunk_sig[k]
                k += 1
            elif j >= done:
                out[pos] = out[j - done]
            else:
                out[pos] = _row(sig_parts, j)
        sig_parts.append(out)
    sig = np.concatenate(sig_parts) if sig_parts else np.empty((0, NUM_PERM), dtype=np.uint32)
    return TextState(digest, long, sig)


def _row(parts: list[np.ndarray], j: int) -> np.ndarray:
    for p in parts:
        if j < len(p):
            return p[j]
        j -= len(p)
    raise IndexError(j)


@dataclass(frozen=True)
class LshGraph:
    """The near-duplicate graph a labelling found among its long texts, kept so the next labelling only
    re-examines the LSH buckets its new texts fall into.

    A long text takes part through its first copy; it is identified by `d0`, the first 64 bits of its
    digest (sorted, unique). `first` is the position of that first copy in the labelling's document
    order, `keys` its band keys (BANDS × m), `edges` the accepted pairs as rows (band, key, head,
    member), head and member as positions in `d0` (a gather maps them to the next labelling's
    positions; looking 3·10^6 edge ends up by d0 took a second).
    """

    d0: np.ndarray
    first: np.ndarray
    keys: np.ndarray
    edges: np.ndarray


def labels_from_state(state: TextState) -> np.ndarray:
    """Cluster labels from per-text states, exactly as `cluster` over the texts would give them."""
    return update_labels(state, None, None)[0]


def update_labels(
    state: TextState, prev_pos: np.ndarray | None, prev: LshGraph | None
) -> tuple[np.ndarray, LshGraph]:
    """Labels (as `cluster` gives them) and the graph behind them, reusing `prev` where it still holds.

    `prev_pos[i]` is the position text i had in the labelling that produced `prev` when its state is
    reused unchanged, else -1. A bucket's head is its member whose first copy comes first, so a
    bucket's edges stay valid while every member keeps the same first copy (documents keep their
    relative order); only buckets holding a text that is new, gone or has a new first copy are looked
    at again, and most of those only compare their new members with the head (`_update_edges`).
    Everything is vectorised: no per-text Python.
    """
    n = len(state)
    if n == 0:
        return np.empty(0, dtype=np.int64), _empty_graph()
    # Exact duplicates: every later copy is linked to the first text with its digest.
    # lexsort is stable, so copies of one text come in document order without a third key.
    order = np.lexsort((state.digest[:, 1], state.digest[:, 0]))
    d = state.digest[order]
    run_start = np.r_[True, (d[1:] != d[:-1]).any(axis=1)]
    head = order[np.maximum.accumulate(np.where(run_start, np.arange(n), 0))]
    exact_parent, exact_child = head[~run_start], order[~run_start]

    # Long texts take part through their first copy, named by d0 (64 bits of the digest); the first
    # copies come out of the sort above already in d0 order.
    firsts = order[run_start]
    cur_first = firsts[state.long[firsts]]
    cur_d0 = state.digest[cur_first, 0]
    if len(cur_d0) > 1 and (cur_d0[1:] == cur_d0[:-1]).any():
        prev = None  # two texts share 64 bits of digest: never reuse a graph keyed on them
    if prev is not None and len(prev.d0) > 1 and (prev.d0[1:] <= prev.d0[:-1]).any():
        prev = None  # nor one built while they did (its d0 would not name one text each)
    # Rows of the participants' signatures, gathered only where needed (all of them are ~200 MB).
    sig_at = (np.cumsum(state.long) - 1)[cur_first]

    if prev is None or prev_pos is None:
        sig = state.sig[sig_at]
        keys = band_keys(sig).T.copy() if len(sig_at) else np.empty((BANDS, 0), dtype=np.uint64)
        everyone = np.arange(len(cur_d0))
        sizes = estimated_sizes(sig)
        edges = [_bucket_edges(b, keys[b], cur_first, everyone, sig, sizes) for b in range(BANDS)]
    else:
        keys, edges = _update_edges(state, prev_pos, prev, cur_d0, cur_first, sig_at)
    all_edges = np.concatenate(edges) if edges else np.empty((0, 4), dtype=np.uint64)

    # Components over documents: exact copies to their first copy, LSH pairs between first copies.
    at = cur_first[all_edges[:, 2:4].astype(np.int64)]
    parents = np.concatenate([exact_parent, at[:, 0]]).astype(np.int64)
    children = np.concatenate([exact_child, at[:, 1]]).astype(np.int64)
    graph = coo_matrix((np.ones(len(parents), dtype=np.int8), (parents, children)), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    # Relabel components 0, 1, 2 … by the position of their first text.
    _, first_of = np.unique(comp, return_index=True)
    rank = np.empty(len(first_of), dtype=np.int64)
    rank[np.argsort(first_of, kind="stable")] = np.arange(len(first_of))
    return rank[comp], LshGraph(cur_d0, cur_first, keys, all_edges)


# Stable cluster labels (`stable_labels`): 40 bits, so a label packs beside a 23-bit provider code into
# one int64 (reputation/review_flags.py groups by (provider, cluster) so); the key makes the hash ours.
LABEL_BITS = 40
_LABEL_MASK = (1 << LABEL_BITS) - 1
_LABEL_KEY = "kaopu.dup.labels"  # siphash key: 16 bytes


def stable_labels(
    labels: np.ndarray,
    doc_ids: pa.Array | pa.ChunkedArray | Sequence[str],
    first_seen: np.ndarray | None = None,
) -> np.ndarray:
    """The build's `dup_cluster`: each cluster named by a hash of the doc_id of its first member (the
    one first seen, then the smallest doc_id), so a label depends on nothing but the cluster's own
    members, whatever else the build holds and in whatever order. `labels` is any labelling (as
    `update_labels` gives it), `doc_ids` the documents' unique ids in the same order, `first_seen`
    (int64 or datetime64; missing = NaT, seen last) when each was first seen.

    A document first seen later than a cluster's members (what a new crawl brings) joins it without
    renaming it, so an incremental build changes the label of no older row unless it merges two
    clusters or splits one, and leaves the other rows' bytes, and their partitions, alone. Naming by
    the smallest doc_id alone renamed every cluster a new document sorted first in (27 old rows of
    3,080 in a +5% build of 4 sources). The hash is `LABEL_BITS` wide: two clusters whose hashes meet
    (at 10^6 clusters about one build in two has one such pair) are told apart by probing, the
    cluster whose first member comes first keeping its hash and the other taking the next free value;
    only that rare pair depends on each other."""
    labels = np.asarray(labels, dtype=np.int64)
    if len(labels) == 0:
        return labels.copy()
    ids = doc_ids if isinstance(doc_ids, pa.Array | pa.ChunkedArray) else pa.array(doc_ids, pa.large_string())
    if isinstance(ids, pa.ChunkedArray):
        ids = ids.combine_chunks()
    # Rank of each document: first seen, then doc_id (the build keeps doc_id order, so usually the
    # id's rank is the position itself).
    n = len(ids)
    if ids.null_count == 0 and (n < 2 or pc.all(pc.less(ids.slice(0, n - 1), ids.slice(1))).as_py()):
        id_rank = np.arange(n)
    else:
        id_rank = np.empty(n, dtype=np.int64)
        id_rank[pc.sort_indices(ids).to_numpy()] = np.arange(n)
    if first_seen is None:
        order = np.argsort(id_rank)
    else:
        seen = np.asarray(first_seen)
        seen = seen.astype("datetime64[us]").astype(np.int64) if seen.dtype.kind == "M" else seen
        seen = np.where(seen == np.iinfo(np.int64).min, np.iinfo(np.int64).max, seen)  # NaT: last
        order = np.lexsort((id_rank, seen.astype(np.int64)))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    k = int(labels.max()) + 1
    head_rank = np.full(k, n, dtype=np.int64)
    np.minimum.at(head_rank, labels, rank)
    used = np.flatnonzero(head_rank < n)
    used = used[np.argsort(head_rank[used], kind="stable")]  # clusters in order of their first member
    heads = ids.take(pa.array(order[head_rank[used]])).to_numpy(zero_copy_only=False)
    hashed = pd.util.hash_array(heads.astype(object), hash_key=_LABEL_KEY, categorize=False)
    value = (hashed >> np.uint64(64 - LABEL_BITS)).astype(np.int64)
    while True:
        _, first = np.unique(value, return_index=True)  # the earliest keeps its value
        taken = np.ones(len(value), dtype=bool)
        taken[first] = False
        if not taken.any():
            break
        value[taken] = (value[taken] + 1) & _LABEL_MASK
    out = np.zeros(k, dtype=np.int64)
    out[used] = value
    return out[labels]


def _update_edges(
    state: TextState,
    prev_pos: np.ndarray,
    prev: LshGraph,
    cur_d0: np.ndarray,
    cur_first: np.ndarray,
    sig_at: np.ndarray,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Band keys and accepted pairs of today's participants, from `prev` plus only the comparisons
    whose outcome may differ from last time.

    A participant is touched when it is new or its first copy moved; a text of `prev` is lost when it
    is gone or touched (its old pairs were decided against an old position). A bucket holding a touched
    text is affected, and is recomputed in full only when it holds a lost text or its head is touched:
    otherwise its old members are exactly today's untouched ones, in the same relative order, so the
    head is the same text and every old decision (pair or no pair) still holds, and only the new
    members are compared with the head. Templated reviews make a few buckets of thousands of members;
    a new text in one used to cost a comparison of every member (~2 s of a 1% build at 10^6 texts).
    """
    j = np.minimum(np.searchsorted(prev.d0, cur_d0), max(len(prev.d0) - 1, 0))
    matched = (prev.d0[j] == cur_d0) if len(prev.d0) else np.zeros(len(cur_d0), dtype=bool)
    touched = ~matched
    touched[matched] = prev_pos[cur_first[matched]] != prev.first[j[matched]]
    keys = np.empty((BANDS, len(cur_d0)), dtype=np.uint64)
    keys[:, matched] = prev.keys[:, j[matched]]
    if (~matched).any():
        keys[:, ~matched] = band_keys(state.sig[sig_at[~matched]]).T
    still = np.zeros(len(prev.d0), dtype=bool)
    still[j[matched & ~touched]] = True
    lost_keys = prev.keys[:, ~still]  # gone texts and the old places of moved ones (same keys: same d0)
    old_to_new = np.full(len(prev.d0), -1, dtype=np.int64)
    old_to_new[j[matched]] = np.flatnonzero(matched)
    # Kept pairs grouped by band (update_labels writes them so; anything else is sorted once here).
    kept = prev.edges
    if len(kept) > 1 and (kept[1:, 0] < kept[:-1, 0]).any():
        kept = kept[np.argsort(kept[:, 0], kind="stable")]
    band_at = np.searchsorted(kept[:, 0], np.arange(BANDS + 1, dtype=np.uint64))
    no_pos = np.iinfo(np.int64).max

    edges = []
    for b in range(BANDS):
        kb = keys[b]
        affected = np.unique(np.concatenate([kb[touched], lost_keys[b]]))
        full = np.zeros(len(affected), dtype=bool)
        full[_indexer(affected, lost_keys[b])] = True
        # Today's members of affected buckets (a hash lookup, not a sort of them) and their heads.
        group = _indexer(affected, kb, missing=True)
        sel = np.flatnonzero(group >= 0)
        group = group[sel]
        first = cur_first[sel]
        head_first = np.full(len(affected), no_pos, dtype=np.int64)
        np.minimum.at(head_first, group, first)
        is_head = first == head_first[group]
        head_of = np.full(len(affected), -1, dtype=np.int64)
        head_of[group[is_head]] = sel[is_head]
        full[group[is_head & touched[sel]]] = True
        ask = ~is_head & (full[group] | touched[sel])
        members, heads = sel[ask], head_of[group[ask]]
        ok = near_duplicate(state.sig[sig_at[members]], state.sig[sig_at[heads]])
        new = np.empty((int(ok.sum()), 4), dtype=np.uint64)
        new[:, 0] = b
        new[:, 1] = kb[members[ok]]
        new[:, 2] = heads[ok]
        new[:, 3] = members[ok]
        # Old pairs outside recomputed buckets join texts that are neither lost nor moved.
        old = kept[band_at[b] : band_at[b + 1]]
        if full.any():
            old = old[~_isin(old[:, 1], affected[full])]
        old = old.copy()
        old[:, 2:4] = old_to_new[old[:, 2:4].astype(np.int64)].astype(np.uint64)
        edges += [old, new]
    return keys, edges


def _indexer(wanted: np.ndarray, values: np.ndarray, *, missing: bool = False) -> np.ndarray:
    """Position of each value in `wanted` (unique): -1 where absent if `missing`, else every value must
    be present."""
    if not len(wanted):
        return np.full(len(values), -1, dtype=np.int64)
    at = pd.Index(wanted).get_indexer(values)
    if not missing and (at < 0).any():
        raise AssertionError("a value missing from its own index")
    return at


def _empty_graph() -> LshGraph:
    return LshGraph(
        np.empty(0, dtype=np.uint64),
        np.empty(0, dtype=np.int64),
        np.empty((BANDS, 0), dtype=np.uint64),
        np.empty((0, 4), dtype=np.uint64),
    )


def _isin(values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    # A hash lookup: np.isin would sort all 10^6 values once per band.
    return pd.Index(wanted).get_indexer(values) >= 0 if len(wanted) else np.zeros(len(values), dtype=bool)


def _bucket_edges(
    band: int, key: np.ndarray, first: np.ndarray, pos: np.ndarray, sig: np.ndarray, sizes: np.ndarray
) -> np.ndarray:
    """Accepted pairs (band, key, head pos, member pos) among texts sharing a band key: every text is
    compared with the bucket's head, the text whose first copy comes first, and kept when
    `near_duplicate` (as a single pass over the texts in document order does)."""
    order = np.lexsort((first, key))
    k = key[order]
    run_start = np.r_[True, k[1:] != k[:-1]] if len(k) else np.empty(0, dtype=bool)
    heads = order[np.maximum.accumulate(np.where(run_start, np.arange(len(order)), 0))][~run_start]
    members = order[~run_start]
    if len(members) == 0:
        return np.empty((0, 4), dtype=np.uint64)
    ok = near_duplicate(sig[members], sig[heads], sizes=(sizes[members], sizes[heads]))
    heads, members = heads[ok], members[ok]
    out = np.empty((len(members), 4), dtype=np.uint64)
    out[:, 0] = band
    out[:, 1] = key[members]
    out[:, 2] = pos[heads]
    out[:, 3] = pos[members]
    return out


def cluster(texts: Sequence[str], *, normalized: bool = False) -> list[int]:
    """One label per text; near-duplicates share a label. Labels are 0, 1, 2, … in order of first occurrence.

    `normalized=True` skips `normalize` for texts that already went through it (the batch flow's
    documents table), which is most of the cost.
    """
    if len(texts) == 0:
        return []
    return labels_from_state(text_state(texts, normalized=normalized)).tolist()


class NearDuplicateIndex:
    """The streaming form the crawl uses: `add(key, text)` → key of an earlier near-duplicate, or None.

    Memory per item is bounded: its signature (NUM_PERM × 4 bytes), one exact-text digest, and at most
    BANDS bucket entries (a bucket keeps only its first key: later members are compared against it, and
    a near-duplicate of a later member will share another band with high probability). Measured with
    tracemalloc: about 2.6 KB per item of 200 characters (2.1 KB with 20 bands), so 10^5 crawled texts
    take ~260 MB; a text with FACTS_MIN figures or more also takes its FACT_BANDS bucket entries.
    """

    def __init__(self, threshold: float = THRESHOLD):
        self.threshold = threshold
        self._exact: dict[bytes, str] = {}
        # Band b's key is mixed with b so all bands share one dict of plain ints (no tuple per entry).
        self._buckets: dict[int, str] = {}
        self._sigs: dict[str, bytes] = {}  # bytes: ~360 B per item, a numpy array would be ~440 B

    def __len__(self) -> int:
        return len(self._exact)

    def add(self, key: str, text: str, *, normalized: bool = False) -> str | None:
        norm = text if normalized else normalize(text)
        canon = canonical(norm, normalized=True)
        digest = hashlib.blake2b(canon.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        earlier = self._exact.get(digest)
        if earlier is not None:
            return earlier
        self._exact[digest] = key
        if len(canon) < MIN_CHARS:
            return None
        sig = signatures([canon], [facts(norm)])[0]
        found: str | None = None
        buckets = band_keys(sig[None, :])[0] ^ _BAND_SALT
        if sig[TEXT_PERM] & _NO_FACT:
            buckets = buckets[:TEXT_BANDS]  # too few figures: its fact bands are its own, never shared
        for bucket in buckets.tolist():
            head = self._buckets.setdefault(bucket, key)
            if head != key and found is None:
                earlier_sig = np.frombuffer(self._sigs[head], dtype=np.uint32)
                if near_duplicate(earlier_sig[None, :], sig[None, :], self.threshold)[0]:
                    found = head
        self._sigs[key] = sig.tobytes()
        return found
