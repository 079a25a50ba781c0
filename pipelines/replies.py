"""How long a company took to answer a complaint, read from the complaint's timeline."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

# Timeline entries the complaint platform itself writes ("您的投诉已分配给商家…"): not the company's reply.
_PLATFORM_ACTOR = re.compile(r"黑猫|投诉平台|平台|系统|小助手|小秘书|审核|官方客服")
_COMPLAINANT_ACTOR = re.compile(r"投诉人|用户|消费者")


def reply_days(
    created_at: str | None, timeline: list[dict[str, Any]], complainant: str | None
) -> float | None:
    """Days from filing to the first timeline entry written by the company: not the complainant and
    not the platform's own notices. None when the company never replied."""
    start = timestamp(created_at)
    if start is None or not timeline:
        return None
    for entry in timeline:
        if not isinstance(entry, dict):
            continue
        actor = (entry.get("actor") or "").strip()
        at = timestamp(entry.get("at"))
        if at is None or not actor or actor == (complainant or "").strip() or at < start:
            continue
        if _PLATFORM_ACTOR.search(actor) or _COMPLAINANT_ACTOR.search(actor):
            continue
        return round((at - start).total_seconds() / 86400.0, 3)
    return None


def timestamp(value: Any) -> pd.Timestamp | None:
    if value is None or value == "":
        return None
    ts = pd.to_datetime(value, utc=True, errors="coerce", format="ISO8601")
    return None if pd.isna(ts) else ts
