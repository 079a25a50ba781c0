"""Near-duplicate clustering scored on real reposts: does `cluster` join the passages labelled as one
story (`dup_group`), and does it keep every other pair apart?

The build clusters normalised texts (`normalize`, then `cluster(..., normalized=True)`), so this does
the same over every passage of the split at once. The unit is a pair of passages: `pair_recall` is the
share of same-story pairs given one label, `false_merges` the share of all other pairs given one label
(`false_merge_pairs` counts them: any is a mistake a merchant would see as two sources agreeing).

Duplicate groups are few (a few dozen pairs per split), so one pair moves recall by several points;
read the interval. `same_script_recall` leaves out pairs written in different languages (an English
release and its Chinese translation share no characters: no shingle method joins them).

Each split pair and each false merge is listed with what the reader saw: the exact resemblance and
containment of the two texts' shingles, their lengths, the figures each carries and shares, and whether
they name a common agency — what a rule would need to join or separate them.

The corpus was labelled in parts, and a group slug only joins passages of one part: the same page
(same URL) labelled in two parts carries two slugs or none. Such pairs are not evidence of a false
merge, so a pair counts as "other" only when no chain of shared slugs or shared URLs links the two
passages; the linked pairs that carry no common slug are counted apart (`same_page_pairs_joined`).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from evaluation.text.corpus import Passage
from evaluation.text.stats import Figure, StageResult, share
from pipelines.dedup import SHINGLE, canonical, cluster, facts
from pipelines.providers import core, discover
from pipelines.text import normalize

# Held out (2026-12-06, second session, after page furniture and English word shingles): pair recall
# 0.636 [0.430, 0.803] with no false merge (a looser repost rule merged two stories there and was
# dropped). The floor guards that against regression; the target (0.95) is not met.
FLOORS = {"pair_recall": 0.55}
CEILINGS = {"false_merge_pairs": 0.0}


def _language(p: Passage) -> str:
    return "en" if p.script == "english" else "zh"


def _linked(passages: Sequence[Passage]) -> list[int]:
    """A root per passage: passages linked by a chain of shared `dup_group`s or URLs share one."""
    root = list(range(len(passages)))

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    first: dict[tuple[str, str], int] = {}
    for i, p in enumerate(passages):
        for key in ([("group", p.dup_group)] if p.dup_group else []) + [("url", p.url)]:
            root[find(i)] = find(first.setdefault(key, i))
    return [find(i) for i in range(len(passages))]


def _agencies(text: str) -> set[str]:
    return {c for c in (core(name) for name in discover(text, normalized=True)) if c}


def _why(texts: Sequence[str], canon: Sequence[str], i: int, j: int) -> str:
    """What the reader saw of a pair (see the module docstring), exact rather than estimated."""
    grams = [{c[k : k + SHINGLE] for k in range(len(c) - SHINGLE + 1)} for c in (canon[i], canon[j])]
    shared = len(grams[0] & grams[1])
    resemblance = shared / max(1, len(grams[0] | grams[1]))
    contained = shared / max(1, min(len(grams[0]), len(grams[1])))
    figures = [set(facts(texts[k]).tolist()) for k in (i, j)]
    names = [_agencies(texts[k]) for k in (i, j)]
    common = "yes" if names[0] & names[1] else ("other agencies" if names[0] and names[1] else "no")
    return (
        f"resemblance {resemblance:.2f}, containment {contained:.2f}, {shared} shingles shared, "
        f"{len(canon[i])}/{len(canon[j])} chars, figures {len(figures[0])}/{len(figures[1])} "
        f"shared {len(figures[0] & figures[1])}, same agency named: {common}"
    )


def evaluate(passages: Sequence[Passage]) -> StageResult:
    texts = [normalize(p.text) for p in passages]
    labels = cluster(texts, normalized=True)
    exact = [canonical(t, normalized=True) for t in texts]
    linked = _linked(passages)

    same = kept = same_lang = kept_lang = exact_hits = 0
    other = merged = page_pairs = page_joined = 0
    errors: list[str] = []
    for i, j in combinations(range(len(passages)), 2):
        a, b = passages[i], passages[j]
        together = labels[i] == labels[j]
        if a.dup_group and a.dup_group == b.dup_group:
            same += 1
            kept += together
            exact_hits += exact[i] == exact[j]
            if _language(a) == _language(b):
                same_lang += 1
                kept_lang += together
            if not together:
                errors.append(
                    f"split: {a.id} ~ {b.id} ({a.dup_group}; {a.script}/{b.script}; "
                    f"{_why(texts, exact, i, j)})"
                )
        elif linked[i] == linked[j]:
            page_pairs += 1
            page_joined += together
        else:
            other += 1
            if together:
                merged += 1
                groups = f"{a.dup_group or '-'} / {b.dup_group or '-'}"
                errors.insert(0, f"false merge: {a.id} ~ {b.id} ({groups}; {_why(texts, exact, i, j)})")
    return StageResult(
        figures={
            "pair_recall": share(kept, same),
            "same_script_recall": share(kept_lang, same_lang),
            "false_merges": share(merged, other),
            "false_merge_pairs": Figure(float(merged), float(merged), float(merged), other),
            "same_page_pairs_joined": share(page_joined, page_pairs),
        },
        baselines={"exact_copy_recall": share(exact_hits, same)},
        errors=errors,
    )
