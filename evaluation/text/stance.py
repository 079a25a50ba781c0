"""Stance toward the agency: does `pipelines.sentiment.label` read a passage the way its labeller did?

Figures, on the passages given (one split):
* `polar_accuracy` — passages labelled −1 or +1: does `label` give the same sign? A 0 answer is wrong.
* `accuracy3` — every passage, −1 / 0 / +1 exactly.
* `margin_over_snownlp` — polar accuracy minus snownlp's, with a paired bootstrap interval (the two
  answer the same passages, so their difference is much tighter than two separate intervals suggest).
  A figure, not a baseline, so the gate can hold it: the issue asks for snownlp + 0.15.

Baselines on the same polar passages:
* `snownlp_polar_accuracy` — raw snownlp on the raw text, ≥ 0.5 read as positive (what a user would try);
* `majority_polar_accuracy` — the majority polar class of the *train* split, answered every time.

Errors: polar passages answered wrongly first, farthest score from the truth first.
"""

from __future__ import annotations

from collections.abc import Sequence

from evaluation.text.corpus import Passage
from evaluation.text.stats import StageResult, bootstrap, share

# The majority polar class of the train split, pinned so that evaluating the held-out split alone does
# not need the train passages: 53 negative against 36 positive (train split, corpus of 204 passages).
TRAIN_MAJORITY_POLAR = -1

# A little below what `label` measures on the train split (polar 0.933, accuracy3 0.659, margin 0.281;
# see pipelines/models/README.md). The held-out split was looked at once, for the report, not to set these.
FLOORS = {"polar_accuracy": 0.88, "accuracy3": 0.60, "margin_over_snownlp": 0.20}


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def evaluate(passages: Sequence[Passage]) -> StageResult:
    from pipelines import sentiment

    texts = [p.text for p in passages]
    scores = sentiment.score(texts)
    labels = sentiment.labels_from_scores(scores)
    polar = [i for i, p in enumerate(passages) if p.stance != 0]
    raw = sentiment.snownlp_scores([texts[i] for i in polar])

    ours_right = [labels[i] == passages[i].stance for i in polar]
    snow_right = [(1 if s >= 0.5 else -1) == passages[i].stance for i, s in zip(polar, raw, strict=True)]
    majority_right = [passages[i].stance == TRAIN_MAJORITY_POLAR for i in polar]

    result = StageResult()
    result.figures["polar_accuracy"] = share(sum(ours_right), len(polar))
    exact = sum(label == p.stance for label, p in zip(labels, passages, strict=True))
    result.figures["accuracy3"] = share(exact, len(passages))
    result.baselines["snownlp_polar_accuracy"] = share(sum(snow_right), len(polar))
    result.baselines["majority_polar_accuracy"] = share(sum(majority_right), len(polar))
    pairs = list(zip(ours_right, snow_right, strict=True))
    result.figures["margin_over_snownlp"] = bootstrap(
        pairs, lambda units: (sum(a for a, _ in units) - sum(b for _, b in units)) / len(units)
    )

    def badness(i: int) -> tuple[int, float]:
        target = (passages[i].stance + 1) / 2
        return (passages[i].stance != 0, abs(scores[i] - target))

    wrong = [i for i, p in enumerate(passages) if labels[i] != p.stance]
    for i in sorted(wrong, key=badness, reverse=True):
        p = passages[i]
        result.errors.append(
            f"{p.id} [{p.source_type}, {len(p.text)} chars, {p.confidence}] "
            f"truth {p.stance:+d}, label {labels[i]:+d}, score {scores[i]:.2f}"
        )
    return result
