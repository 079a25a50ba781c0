"""The sandbox world moving in time: what a page showed on a given day (`World(..., as_of=DAY)`).

The world is generated once, anchored at `dates.TODAY`. `as_of` moves the observer, not the world:
- before TODAY, a document created (published) after the as-of moment does not exist yet: it is
  missing from its list, its page answers 404;
- after TODAY, the seeded later events of this module have happened up to that moment: complaints
  withdrawn (the list drops them, the page shows a withdrawn notice), reviews deleted (gone from the
  list) or edited (a follow-up added, or a low rating raised to five stars after a refund), case pages
  whose figures were raised.

Every event happens after TODAY, so the world without `as_of` (and as of TODAY) is exactly the world
as it always was. Each document's fate is drawn from its own stream `(seed, "history", source, id)`,
so it does not depend on which pages were asked for, nor in which order. The shares are documented
in sandbox/README.md ("The world in time"); truth lists the events (`events`), never a page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from sandbox import dates

# Events happen from the day after TODAY on, spread over this many days.
EVENT_START = dates.TODAY + dt.timedelta(days=1)
EVENT_SPAN_DAYS = 365
# Shares by the agency's archetype: agencies that settle privately get complaints withdrawn and
# reviews deleted or raised far more often than honest ones.
WITHDRAWN_SHARE = {"honest": 0.03, "average": 0.08, "fraudulent": 0.25}
REVIEW_DELETED_SHARE = {"honest": 0.01, "average": 0.03, "fraudulent": 0.08}
# Of the reviews with one or two stars: raised to five stars after a refund.
RATING_RAISED_SHARE = {"honest": 0.05, "average": 0.12, "fraudulent": 0.35}
# Of every other review: a follow-up added to the text, the rating kept.
FOLLOW_UP_SHARE = 0.03
# Of the case pages whose figures are in the text (not only in an image): the result raised.
FIGURES_CHANGED_SHARE = {"honest": 0.04, "average": 0.10, "fraudulent": 0.25}
FIGURES_RAISE = (1.3, 1.8)

SHARES = {
    "complaint_withdrawn": WITHDRAWN_SHARE,
    "review_deleted": REVIEW_DELETED_SHARE,
    "low_rating_raised": RATING_RAISED_SHARE,
    "review_follow_up": FOLLOW_UP_SHARE,
    "case_figures_changed": FIGURES_CHANGED_SHARE,
    "event_window": [dates.iso(EVENT_START), EVENT_SPAN_DAYS],
}

WITHDRAWN_NOTICE = "该投诉已撤销"
# Our own wording of what buyers write when they revise a review.
RAISED_TEXTS = (
    "之前的问题商家后来退款处理了，改成好评。",
    "运营主动联系沟通，费用退回来了，评价改一下。",
    "退款已经到账，处理态度还行，修改为五星。",
    "后面协商解决了，之前的差评撤回，给个好评。",
)
FOLLOW_UPS = (
    "追评：合作满两个月，店铺数据比刚开始稳一些。",
    "追评：后面换了对接的运营，沟通顺畅多了。",
    "追评：补充一句，周报月报都按时发。",
    "追评：大促期间响应慢了点，整体还可以。",
)


@dataclasses.dataclass(frozen=True)
class Event:
    source: str
    native_id: str
    kind: str  # withdrawn | deleted | edited | figures_changed
    at: dt.datetime
    detail: dict = dataclasses.field(default_factory=dict)  # what changed (for truth and the pages)


def _rng(seed: int, source: str, native_id: str) -> random.Random:
    return random.Random(f"{seed}:history:{source}:{native_id}")


def _when(rng: random.Random) -> dt.datetime:
    return EVENT_START + dt.timedelta(seconds=rng.randrange(EVENT_SPAN_DAYS * 86400))


def review_event(seed: int, archetype: str, review) -> Event | None:
    """A review's later fate: deleted, raised after a refund, a follow-up added, or nothing."""
    rng = _rng(seed, "market", review.id)
    draw, when = rng.random(), _when(rng)
    if draw < REVIEW_DELETED_SHARE[archetype]:
        return Event("market", review.id, "deleted", when)
    draw = rng.random()
    if review.rating <= 2 and draw < RATING_RAISED_SHARE[archetype]:
        text = rng.choice(RAISED_TEXTS)
        return Event("market", review.id, "edited", when, {"rating": 5, "text": text, "from": review.rating})
    if review.rating > 2 and draw < FOLLOW_UP_SHARE:
        text = review.text + "\n" + rng.choice(FOLLOW_UPS)
        return Event("market", review.id, "edited", when, {"rating": review.rating, "text": text})
    return None


def complaint_event(seed: int, archetype: str, complaint) -> Event | None:
    rng = _rng(seed, "complaints", complaint.sn)
    draw, when = rng.random(), _when(rng)
    return Event("complaints", complaint.sn, "withdrawn", when) if draw < WITHDRAWN_SHARE[archetype] else None


def case_event(seed: int, archetype: str, native_id: str, core) -> Event | None:
    if core.image_only:
        return None
    rng = _rng(seed, "cases", native_id)
    draw, when = rng.random(), _when(rng)
    if draw >= FIGURES_CHANGED_SHARE[archetype]:
        return None
    after = _round2(core.after * rng.uniform(*FIGURES_RAISE))
    if after <= core.after:
        return None
    return Event("cases", native_id, "figures_changed", when, {"after": after, "from": core.after})


def _round2(x: float) -> int:
    from sandbox.world import _round2 as round2

    return round2(x)


class Timeline:
    """What the world's pages show as of a moment. `as_of=None` is TODAY's world, untouched."""

    def __init__(self, world, as_of: dt.datetime | None):
        self.w = world
        self.as_of = as_of

    @property
    def moving(self) -> bool:
        return self.as_of is not None

    def exists(self, created: dt.datetime) -> bool:
        return self.as_of is None or created <= self.as_of

    def happened(self, event: Event | None) -> Event | None:
        return event if event is not None and self.as_of is not None and event.at <= self.as_of else None

    # -- market reviews ----------------------------------------------------------------------------
    def reviews(self, i: int, k: int) -> list:
        """A listing's reviews as its list showed them: none created later, deleted ones gone, edits in."""
        reviews = self.w.reviews(i, k)
        if self.as_of is None:
            return reviews
        archetype = self.w.provider(i).archetype
        out = []
        for r in reviews:
            if not self.exists(r.created):
                continue
            ev = self.happened(review_event(self.w.seed, archetype, r))
            if ev is None:
                out.append(r)
            elif ev.kind == "edited":
                out.append(dataclasses.replace(r, text=ev.detail["text"], rating=ev.detail["rating"]))
        return out

    # -- complaints --------------------------------------------------------------------------------
    def complaints(self, i: int) -> list:
        """The company's listed complaints: none filed later, withdrawn ones dropped."""
        docs = self.w.complaints(i)
        if self.as_of is None:
            return docs
        return [d for d in docs if self.exists(d.created) and not self.withdrawn(d)]

    def withdrawn(self, d) -> bool:
        if self.as_of is None:
            return False
        return (
            self.happened(complaint_event(self.w.seed, self.w.provider(d.provider).archetype, d)) is not None
        )

    # -- cases -------------------------------------------------------------------------------------
    def case_slots(self, i: int) -> list[int]:
        return [cc.slot for cc in self.w.cases(i) if self.exists(cc.published)]

    def case_page(self, i: int, k: int):
        """The case page as it read then: its figures raised once the change happened."""
        if self.as_of is None:
            return self.w.case_page(i, k)
        cc = self.w.case_core(i, k)
        ev = self.happened(
            case_event(self.w.seed, self.w.provider(i).archetype, self.case_native_id(i, k), cc)
        )
        if ev is None:
            return self.w.case_page(i, k)
        return self.w.case_page(i, k, core=dataclasses.replace(cc, after=ev.detail["after"]))

    def case_native_id(self, i: int, k: int) -> str:
        return f"{self.w.provider(i).site}/{self.w.case_core(i, k).case_id}"

    # -- forum and articles: only what existed then ------------------------------------------------
    def answers(self, question) -> list:
        return (
            question.answers
            if self.as_of is None
            else [a for a in question.answers if self.exists(a.created)]
        )

    def article_exists(self, a: int) -> bool:
        return self.as_of is None or self.exists(self.w.article(a).published)

    def comments(self, a: int) -> list:
        out = self.w.comments(a)
        return out if self.as_of is None else [cm for cm in out if self.exists(cm.created)]

    # -- truth -------------------------------------------------------------------------------------
    def events(self) -> list[dict]:
        """Every event up to the as-of moment, as truth lists them (oldest first)."""
        if self.as_of is None:
            return []
        w, out = self.w, []
        for p in w.providers():
            for lst in w.listings(p.index):
                for r in w.reviews(p.index, lst.slot):
                    ev = self.happened(review_event(w.seed, p.archetype, r))
                    if ev is not None:
                        extra = (
                            {"rating_before": r.rating, "rating_after": ev.detail["rating"]}
                            if ev.detail
                            else {}
                        )
                        out.append(_event_row(ev, p.legal_name, r.created, author=r.nick, **extra))
            for d in w.complaints(p.index):
                ev = self.happened(complaint_event(w.seed, p.archetype, d))
                if ev is not None:
                    out.append(_event_row(ev, p.legal_name, d.created, author=d.author))
            for cc in w.cases(p.index):
                ev = self.happened(case_event(w.seed, p.archetype, self.case_native_id(p.index, cc.slot), cc))
                if ev is not None:
                    out.append(
                        _event_row(
                            ev,
                            p.legal_name,
                            cc.published,
                            after_was_cny=cc.after * 1e4,
                            after_cny=ev.detail["after"] * 1e4,
                        )
                    )
        out.sort(key=lambda e: (e["at"], e["source"], e["native_id"]))
        return out


def _event_row(ev: Event, provider: str, created: dt.datetime, **extra) -> dict:
    """An event as truth lists it; `created` is when the document first existed (an event on a
    document created after an earlier crawl cannot be seen as a change by that crawl's revisit)."""
    return {
        "source": ev.source,
        "native_id": ev.native_id,
        "kind": ev.kind,
        "at": dates.iso(ev.at),
        "created": dates.iso(created),
        "provider": provider,
        **extra,
    }


def parse_as_of(text: str | None) -> dt.datetime | None:
    """`YYYY-MM-DD` → the end of that day (Beijing time, as every moment in the world); None stays None."""
    if text is None or text == "":
        return None
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"--as-of: expected a date like 2026-09-30, got {text[:40]!r}") from None
    return dt.datetime.combine(day, dt.time(23, 59, 59))
