"""Personal-data masking scored on real pages: is every labelled contact string gone, and are the figures
the claims need (money, dates, counts) still there?

A gold `pii` string leaks when it survives verbatim `mask(text)` (the raw text, as a crawl might mask it)
or `mask(normalize(text))` (what the build stores; there it is also looked for in its normalised form,
since normalising a full-width or traditional string would otherwise hide a leak). `leaks` counts them
(ceiling 0), `recall` is the share masked in both. `overmask` is the share of passages with no gold
personal data where masking removed a figure: a number of the normalised text that is gone after
masking is a number a claim or a complaint amount can no longer use.

Gold strings are few (a dozen or so per split, many of them the same phone in several reposts), so the
intervals are wide; the counts say more than the shares.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from evaluation.text.corpus import Passage
from evaluation.text.stats import Figure, StageResult, share
from pipelines.pii import mask
from pipelines.text import normalize

FLOORS = {"recall": 1.0}
CEILINGS = {"leaks": 0.0, "overmask": 0.05}

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _figures(text: str) -> Counter[str]:
    return Counter(_NUMBER.findall(text))


def _leaked(gold: str, raw_masked: str, norm_masked: str) -> bool:
    return gold in raw_masked or gold in norm_masked or normalize(gold) in norm_masked


def evaluate(passages: Sequence[Passage]) -> StageResult:
    strings = leaks = 0
    clean_passages = overmasked = 0
    errors: list[str] = []
    for p in passages:
        norm = normalize(p.text)
        norm_masked = mask(norm)
        if p.pii:
            raw_masked = mask(p.text)
            for index, gold in enumerate(p.pii):
                strings += 1
                if _leaked(gold, raw_masked, norm_masked):
                    leaks += 1
                    errors.insert(0, f"leak: {p.id} gold string #{index} ({len(gold)} chars)")
            continue
        clean_passages += 1
        lost = _figures(norm) - _figures(norm_masked)
        if lost:
            overmasked += 1
            errors.append(f"overmask: {p.id} lost {sum(lost.values())} figure(s)")
    return StageResult(
        figures={
            "recall": share(strings - leaks, strings),
            "leaks": Figure(float(leaks), float(leaks), float(leaks), strings),
            "overmask": share(overmasked, clean_passages),
        },
        errors=errors,
    )
