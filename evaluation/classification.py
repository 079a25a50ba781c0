"""Per-class precision, recall and F1, and macro-F1: what `kaopu eval` scores claim verdicts with.

The same numbers as scikit-learn's `precision_recall_fscore_support` and `f1_score(average="macro")`
with `zero_division=0`, computed the way it computes them (F1 as 2·tp / (true + predicted), the macro
average as numpy's mean), so `kaopu eval` needs no scikit-learn at run time;
`tests/test_classification.py` compares the two when scikit-learn is installed (the `model` extra).
One difference: no verdicts at all give zeros here, where scikit-learn raises.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _counts(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str]) -> tuple[np.ndarray, ...]:
    tp = np.array([sum(t == p == lab for t, p in zip(y_true, y_pred, strict=True)) for lab in labels])
    true = np.array([sum(t == lab for t in y_true) for lab in labels])
    pred = np.array([sum(p == lab for p in y_pred) for lab in labels])
    return tp, true, pred


def _divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, 0 where the denominator is 0 (scikit-learn's zero_division=0)."""
    numerator = numerator.astype(np.float64)
    denominator = denominator.astype(np.float64)
    out = np.zeros_like(numerator)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


def per_class(
    y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(precision, recall, F1, support) for each of `labels`, in that order."""
    tp, true, pred = _counts(y_true, y_pred, labels)
    return _divide(tp, pred), _divide(tp, true), _divide(2.0 * tp, true + pred), true


def macro_f1(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str]) -> float:
    """The unweighted mean of the F1 of each of `labels` (0.0 for no labels)."""
    if not labels:
        return 0.0
    return float(np.mean(per_class(y_true, y_pred, labels)[2]))
