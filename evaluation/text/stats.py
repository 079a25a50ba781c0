"""Figures with 95% intervals. The corpus is small (about 200 passages, a third held out), so a
figure without its interval says little: one passage moves a share by a point or more."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Figure:
    value: float
    low: float
    high: float
    n: int  # how many units (passages, pairs, records) the figure rests on

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "low": self.low, "high": self.high, "n": self.n}

    def __str__(self) -> str:
        return f"{self.value:.3f} [{self.low:.3f}, {self.high:.3f}] n={self.n}"


@dataclass
class StageResult:
    figures: dict[str, Figure] = field(default_factory=dict)
    baselines: dict[str, Figure] = field(default_factory=dict)
    # The worst mistakes, one line each, for the person tuning (never printed for the held-out split
    # unless asked with --errors).
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "figures": {k: v.to_dict() for k, v in self.figures.items()},
            "baselines": {k: v.to_dict() for k, v in self.baselines.items()},
            "errors": list(self.errors),
        }


def share(hits: int, n: int) -> Figure:
    """A proportion with its Wilson score interval (sound at 0, 1 and small n)."""
    if n <= 0:
        return Figure(float("nan"), 0.0, 1.0, 0)
    p = hits / n
    denom = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denom
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denom
    return Figure(p, max(0.0, centre - half), min(1.0, centre + half), n)


def bootstrap(
    units: Sequence[T], statistic: Callable[[Sequence[T]], float], *, rounds: int = 2000, seed: int = 13
) -> Figure:
    """A statistic over units (passages, usually) with a percentile bootstrap interval: resample
    the units, not the items inside them, since items of one passage are not independent."""
    if not units:
        return Figure(float("nan"), 0.0, 1.0, 0)
    value = statistic(units)
    rng = random.Random(seed)
    n = len(units)
    samples = []
    for _ in range(rounds):
        v = statistic([units[rng.randrange(n)] for _ in range(n)])
        if not math.isnan(v):
            samples.append(v)
    if not samples:
        return Figure(value, float("nan"), float("nan"), n)
    samples.sort()
    lo = samples[int(0.025 * (len(samples) - 1))]
    hi = samples[int(0.975 * (len(samples) - 1))]
    return Figure(value, lo, hi, n)


def ratio(num: float, den: float) -> float:
    return num / den if den else float("nan")
