"""The hard world's adversaries (`--hard`): fraud that hides the way it does in life.

Each archetype is a seeded share drawn from its own random stream (`hard-…`), so the easy world
(`hard=False`) draws exactly what it drew before this module existed, byte for byte. The shares and
the tell-tales a careful analyst would use are listed in `sandbox/README.md` ("The hard world").

Archetypes built so far (the issue's order):
1. `disguised_copy`: a copied case with its figures nudged by up to ±15%, printed in whole yuan
   (`1,200,000元`) where the original mostly writes 万, the client named by brand or alias instead of
   its shop name, and the start month shifted by one or two months.
2. `inflated`: a case whose claimed result is raised inside the plausible band; only the client's
   own first-hand account (a review or a forum answer) gives the lower, true figure.
"""

from __future__ import annotations

import datetime as dt
import random

from sandbox import names

# Share of copied cases that are disguised rather than copied near-verbatim.
DISGUISED_COPY_SHARE = 0.75
# Largest relative change of a copied figure (each end drawn on its own, never exactly 0).
COPY_FIGURE_CHANGE = 0.15
# Share of corroborated (supported) cases whose page inflates the result, by provider archetype:
# honest agencies do not inflate; the client's own account contradicts the page.
INFLATED_SHARE = {"honest": 0.0, "average": 0.3, "fraudulent": 0.6}
# How much the page raises the client's true final figure (before the plausible-band cap).
INFLATION = (1.25, 1.8)

SHARES = {
    "disguised_copy": DISGUISED_COPY_SHARE,
    "inflated": INFLATED_SHARE,
}


def rng(seed: int, *parts: object) -> random.Random:
    """The hard world's own streams: never shared with an easy-world draw."""
    return random.Random(":".join(map(str, (seed, "hard", *parts))))


def nudge(wan: int, r: random.Random) -> int:
    """A copied figure changed by 3–15% either way, kept in whole 万 and never equal to the original."""
    for _ in range(20):
        change = r.uniform(0.03, COPY_FIGURE_CHANGE) * r.choice((-1, 1))
        out = max(1, round(wan * (1 + change)))
        if out != wan and abs(out / wan - 1) <= COPY_FIGURE_CHANGE:
            return out
    return wan + 1 if (wan + 1) / wan - 1 <= COPY_FIGURE_CHANGE else wan


def client_alias(shop: str, r: random.Random) -> str:
    """The client named by its brand or an alias rather than its shop name (`悦家` / `悦家品牌`)."""
    core = names.shop_core(shop)
    return r.choice((core, core + "品牌", core + "家", core + "官方"))


def shift_months(when: dt.datetime, months: int) -> dt.datetime:
    """The same day `months` calendar months later (or earlier), the day kept within 28 so that
    every month has it: the printed start month moves by exactly `months`."""
    y, m = divmod(when.month - 1 + months, 12)
    return when.replace(year=when.year + y, month=m + 1, day=min(when.day, 28))
