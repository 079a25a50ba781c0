"""Later fetches that make history: tests that compare whole builds need clean/changes to hold rows,
or the comparison of that table proves nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from pipelines import contracts


def _later(item: contracts.BaseItem, days: int) -> str:
    return (dt.datetime.fromisoformat(item.fetched_at) + dt.timedelta(days=days)).isoformat()


def later_history(items: list, rng: random.Random, reviews: int = 3, withdrawn: int = 2) -> list:
    """A few reviews fetched again two days later with a raised rating and a follow-up line, and a few
    complaints found withdrawn three days later, as a revisit writes them to raw."""
    out: list = []
    listed = [i for i in items if i.kind == "market_review"]
    for item in rng.sample(listed, min(reviews, len(listed))):
        text = item.text + "\n追评：问题后来解决了。"
        out.append(dataclasses.replace(item, fetched_at=_later(item, 2), rating=5.0, text=text))
    filed = [i for i in items if i.kind == "complaint"]
    for item in rng.sample(filed, min(withdrawn, len(filed))):
        out.append(
            contracts.Disappearance(
                native_id=f"{item.source}:{item.native_id}:withdrawn_page",
                source_url=item.source_url,
                fetched_at=_later(item, 3),
                item_source=item.source,
                item_native_id=item.native_id,
                item_kind=item.kind,
                how="withdrawn_page",
                status_text="该投诉已撤销",
            )
        )
    return out
