"""`kaopu eval`'s precision, recall and F1 are scikit-learn's (zero_division=0), without scikit-learn at
run time: the same numbers, to the last bit, on hand-picked and generated verdict lists."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.classification import macro_f1, per_class

metrics = pytest.importorskip("sklearn.metrics", reason="scikit-learn comes with the model extra")

LABELS = ["refuted", "duplicated", "implausible", "supported", "not_enough_evidence"]

CASES = [
    (["supported", "refuted", "supported"], ["supported", "supported", "refuted"]),
    (["supported"] * 4, ["supported"] * 4),  # one class, perfect
    (["refuted", "refuted"], ["supported", "supported"]),  # nothing right: every F1 is 0
    (["duplicated", "implausible", "not_enough_evidence"], ["duplicated", "duplicated", "duplicated"]),
]


def _sklearn(y_true, y_pred, labels):
    p, r, f, s = metrics.precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    macro = metrics.f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)
    return [list(p), list(r), list(f), list(s)], float(macro)


def _ours(y_true, y_pred, labels):
    return [list(x) for x in per_class(y_true, y_pred, labels)], macro_f1(y_true, y_pred, labels)


@pytest.mark.parametrize(("y_true", "y_pred"), CASES)
def test_the_same_numbers_as_scikit_learn(y_true, y_pred):
    assert _ours(y_true, y_pred, LABELS) == _sklearn(y_true, y_pred, LABELS)
    present = [lab for lab in LABELS if lab in set(y_true) | set(y_pred)]
    if present:  # sandbox_eval's macro-F1 is over the verdicts that occur
        assert macro_f1(y_true, y_pred, present) == _sklearn(y_true, y_pred, present)[1]


def test_known_values():
    p, r, f, s = per_class(["a", "a", "b"], ["a", "b", "b"], ["a", "b", "c"])
    assert list(p) == [1.0, 0.5, 0.0] and list(r) == [0.5, 1.0, 0.0] and list(s) == [2, 1, 0]
    assert list(f) == pytest.approx([2 / 3, 2 / 3, 0.0])
    assert macro_f1(["a"], ["a"], []) == 0.0
    # no verdicts at all (scikit-learn raises): nothing scored, all zeros
    assert [list(x) for x in per_class([], [], ["a"])] == [[0.0], [0.0], [0.0], [0]]


pairs = st.integers(1, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.sampled_from(LABELS), min_size=n, max_size=n),
        st.lists(st.sampled_from(LABELS), min_size=n, max_size=n),
    )
)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(pairs)
def test_the_same_numbers_as_scikit_learn_on_generated_verdicts(pair):
    y_true, y_pred = pair
    assert _ours(y_true, y_pred, LABELS) == _sklearn(y_true, y_pred, LABELS)


def test_kaopu_eval_runs_without_scikit_learn():
    """scikit-learn is the `model` extra: the evaluation `kaopu eval` runs must not import it."""
    code = "import sys, evaluation.sandbox_eval, cli.app; assert 'sklearn' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
