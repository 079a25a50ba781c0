"""Measure kaopu's text readers on a labelled corpus of real passages.

The corpus (schema: `../shared/realtext/README.md`; any folder of `*.jsonl` in that schema works) is read
at run time from its path and never copied into this repository. `corpus.py` loads it and holds a third
of it out by URL (a duplicate group stays on one side); each reader has one module here that scores it
on a list of passages and returns `Figure`s with 95% intervals, next to the baselines the issue names.

Stage modules expose:
- `evaluate(passages) -> StageResult`: figures, baselines and the worst errors, on the given passages;
- `FLOORS`: figure name -> the lowest value the eval gate (`kaopu eval-text --check`) accepts;
- `CEILINGS` (optional): figure name -> the highest value it accepts (error rates, leaks).

Rule of use: tune on `--split train`; look at `--split test` once, to report.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evaluation.text.corpus import Passage, load, select
from evaluation.text.stats import StageResult

STAGES = ("providers", "stance", "claims", "dedup", "pii")

__all__ = [
    "GROUPINGS",
    "STAGES",
    "Passage",
    "StageResult",
    "evaluate",
    "evaluate_by",
    "failures",
    "load",
    "select",
]


def _stage(name: str):
    return importlib.import_module(f"evaluation.text.{name}")


def evaluate(
    corpus: str | Path, *, split: str = "test", stages: Sequence[str] = STAGES
) -> dict[str, StageResult]:
    """Every requested stage scored on one split of the corpus at `corpus`."""
    passages = select(load(corpus), split)
    return {name: _stage(name).evaluate(passages) for name in stages}


GROUPINGS = ("source_type", "script")


def evaluate_by(
    corpus: str | Path, field: str, *, split: str = "test", stages: Sequence[str] = STAGES
) -> dict[str, dict[str, StageResult]]:
    """The same figures per value of a passage field (`source_type` or `script`), largest group first.
    Pairs (dedup) and baselines are counted inside a group only; a small group's interval says how
    little it rests on."""
    if field not in GROUPINGS:
        raise ValueError(f"cannot group by {field!r} (one of {', '.join(GROUPINGS)})")
    groups: dict[str, list[Passage]] = {}
    for p in select(load(corpus), split):
        groups.setdefault(getattr(p, field) or "unknown", []).append(p)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return {value: {name: _stage(name).evaluate(ps) for name in stages} for value, ps in ordered}


def failures(results: dict[str, StageResult]) -> list[str]:
    """One line per figure below its pinned floor (the eval gate)."""
    lines = []
    for name, result in results.items():
        module = _stage(name)
        bounds = [(f, b, "floor") for f, b in module.FLOORS.items()]
        bounds += [(f, b, "ceiling") for f, b in getattr(module, "CEILINGS", {}).items()]
        for figure, bound, side in bounds:
            got = result.figures.get(figure)
            if got is None:
                lines.append(f"{name}.{figure}: not measured ({side} {bound})")
            elif (got.value < bound) if side == "floor" else (got.value > bound):
                lines.append(f"{name}.{figure}: {got.value:.3f} past the {side} {bound}")
    return lines


def as_json(results: dict[str, StageResult]) -> dict[str, Any]:
    return {name: result.to_dict() for name, result in results.items()}
