"""Score `pipelines.claims.extract` on real passages labelled with claims of four kinds.

The corpus writes a claim's parts as the text wrote them (`after: "突破百万"`, `change: "同比增长12.5%"`,
`period: "三个月内"`); the extractor gives numbers in base units. A gold claim's *figures* are the
numbers in its `before`, `after` and `change` strings, read by `pipelines.numbers` (a number followed by
年/月/日/季度 is a date, not a figure; a multiple `16倍` also counts as +1600%, the way the extractor
writes growth).

The match (`record_recall`): a gold claim with at least one figure is matched when the extractor gives,
for the same passage, a claim of the same *family* — what an agency says (`success_case`, `promise`,
`company_metric`) or what happened (`actual_outcome`) — one of whose numbers (`before`, `after`,
`growth_pct`) equals one of the gold figures within 1% (sizes compared, not signs: the sign of a
change is scored with the change field). Several gold claims may be matched by one extracted claim (a
sentence that states revenue and profit with one growth figure). Gold claims without any figure
(`持续亏损`, `没效果`) cannot be matched by a number and are counted apart (`figureless_gold`).

On matched claims (each gold claim with the extracted claim that matched it, preferring one of the
same kind, then the one sharing most of its figures, then the first): `kind_accuracy` (exact kind)
and one accuracy per field:
- `metric`: the extracted metric appears in the gold metric, or both name the same canonical metric;
- `before` / `after`: the gold field's figures contain the extracted value (within 1%), or neither
  has a figure;
- `change`: the gold change's figures contain the extracted growth (size within 1%, and the same
  sign when the gold says down: 下降/下滑/减少/亏/收窄…); no gold change is right when none is given or
  the extractor computed it from the before and after it read;
- `period`: the gold period's duration in days (`parse_period_days`) equals the extracted one, or
  neither states a duration (a date like `2024年` is not a duration);
- `client`: both absent, or one name contains the other (`某` and spaces ignored).

`false_claim_passages` (a ceiling): of the passages with no gold claim, the share that get at least
one extracted claim. Baseline: a reader that calls every passage with a digit a claim.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from evaluation.text.corpus import Passage
from evaluation.text.stats import StageResult, bootstrap, ratio, share
from pipelines.claims import Claim, canonical_metric, extract
from pipelines.numbers import numbers, parse_period_days
from pipelines.text import normalize

# Pinned a little behind --split train (2026-12-06: record recall 0.813 [0.734, 0.880], false-claim
# passages 0.056 [0.022, 0.136], kind accuracy 0.942 on 49 passages with a match). The extractor before
# the four kinds scored 0.222 / 0.141 on train and 0.040 / 0.065 on the held-out split.
# Held out at the end (2026-12-06): record recall 0.542 [0.392, 0.682], false-claim passages 0.032,
# kind accuracy 0.923: the recall target (0.9) is not met, so the recall floor guards the
# held-out figure against regression, not the target. Raise it as the extractor improves.
# Held out again after the general forms (2026-12-06, second session): record recall 0.667
# [0.542, 0.782], false-claim passages 0.032; the floor moves up to 0.60.
# Third session (2026-12-06, rules written from the general forms of report prose, merchants' stories
# and rankings, checked on train folds, one look at the held-out third): train record recall 0.903
# [0.845, 0.950], false-claim passages 0.056; held out 0.688 [0.565, 0.800], false-claim passages
# 0.032 [0.006, 0.162], kind accuracy 0.909. The recall floor moves up to 0.67.
# Fourth session (2026-12-06): tuned on part_f (/work/fresh-realtext, 37 passages with claims, 37 without;
# its 9 false-claim passages were a plaintiff's demands, 营收N连降, a platform's totals and a bare price
# paid) and confirmed on train: part_f record recall 0.693 -> 0.920 [0.848, 0.970], false-claim passages
# 0.243 -> 0.000 [0.000, 0.094]; train 0.903 -> 0.914, 0.056 -> 0.042. The held-out third did not move
# (0.688 [0.565, 0.800], false 0.032): part_f is now tuning data, its figure no clean estimate.
# Fifth session (2026-12-06, rules for how reports, data pages, press and complaints state figures —
# one-line list items, a metric's figure in the next clause, tables headed by metrics or by dates,
# segment shares, growth rates, headcount and clients served, spaced promises, refund shares, the
# merchant as the party that paid or sued — checked on train, part_f and part_g, one look at the
# held-out third): part_g record recall 0.731 [0.62, 0.82] -> 0.914 [0.836, 0.970], false-claim passages
# 0.074 -> 0.000, client accuracy 0.72 -> 0.89; train 0.914 and part_f 0.920 unchanged (train client
# 0.856 -> 0.887). The held-out third did not move (0.688 [0.565, 0.800], false 0.032, kind 0.909): these
# forms are not where its misses are. part_g is tuning data now. Floors unchanged.
# Sixth session (2026-12-06): part_h (/work/fresh3-realtext) read for its errors; rules for
# results releases (经营损失, 经营损失率, 负N%, 而2021年同期为…, debts), broker notes
# (收入3.8亿/-2.8%/占比…, 0.81/0.70亿元, Table_ template fields), tables (| a | b | rows,
# percent cells, a header wrapped over two lines, a unit in a label (营业收入(万元)) no longer
# read as 10000), prospectus items opening with their years, warning articles' promises
# (宣称, 号称, 涨粉, 拓客, 引流, 日均300精准流量), and precision (a survey's or platform's
# data, merchants in general, a Latin-named client brand's accounts). part_h record recall
# 0.643 [0.531, 0.748] -> 0.870 [0.806, 0.926], false-claim passages 0.350 -> 0.250 (of its
# 5 left, 4 are the agency's stock price, market value, IPO raise and ranking, which train
# labels as claims); train 0.914 unchanged, false 0.042 -> 0.028; part_f 0.920 / 0.000 and
# part_g 0.914 / 0.000 unchanged. Held out once: 0.688 -> 0.719 [0.610, 0.821], false 0.032,
# kind 0.913. The recall floor moves up to 0.70.
FLOORS: dict[str, float] = {"record_recall": 0.70, "kind_accuracy": 0.88}
CEILINGS: dict[str, float] = {"false_claim_passages": 0.10}

AGENCY_SAYS = frozenset({"success_case", "promise", "company_metric"})
FIELDS = ("metric", "before", "after", "change", "period", "client")
TOLERANCE = 0.01
_DATE_AFTER = re.compile(r"\s*(?:年|月|日|号|季度|个月|天|周|Q)")
# A minus sign before a figure (-5%), not the hyphens of "year-over-year".
_DOWN_WORDS = re.compile(r"下降|下滑|减少|降幅|暴跌|下跌|缩水|收窄|亏|跌|减|负|-(?=\s*\d)")


@dataclass
class _Scored:
    passage: Passage
    gold: list[dict]
    got: list[Claim]
    matched: list[tuple[dict, Claim]]
    missed: list[dict]
    figureless: int


def family(kind: str) -> str:
    return "agency" if kind in AGENCY_SAYS else kind


def figures(field: object) -> list[float]:
    """The numbers a gold field states, dates left out; `N倍` also as N×100 (percent growth)."""
    if not isinstance(field, str) or not field:
        return []
    text = normalize(field)
    out: list[float] = []
    for n in numbers(text):
        year = not n.percent and 1900 <= n.value <= 2100 and "." not in n.text
        if year or _DATE_AFTER.match(text, n.end):
            continue
        out.append(abs(float(n.value)))
        if text[n.end : n.end + 1] in ("倍", "番"):
            out.append(abs(float(n.value)) * 100.0)
    return out


def _close(a: float, b: float) -> bool:
    a, b = abs(a), abs(b)
    return abs(a - b) <= TOLERANCE * max(a, b) or (a == b == 0)


def _values(c: Claim) -> list[float]:
    return [float(v) for v in (c.before, c.after, c.growth_pct) if v is not None]


def _shares_figure(c: Claim, figs: list[float]) -> bool:
    return any(_close(v, f) for v in _values(c) for f in figs)


def _n_shared(c: Claim, figs: list[float]) -> int:
    return sum(any(_close(v, f) for f in figs) for v in _values(c))


def _gold_figures(g: dict) -> list[float]:
    return _field_figures(g, "before") + _field_figures(g, "after") + figures(g.get("change"))


# A metric labelled with its table's unit (营业收入(万元)) and a bare figure (30014.11): the figure is in
# that unit, as the extractor reads the table.
_METRIC_UNIT = re.compile(r"[(（]\s*(千|万|百万|亿)元\s*[)）]")
_UNIT_FACTOR = {"千": 1e3, "万": 1e4, "百万": 1e6, "亿": 1e8}


def _field_figures(g: dict, field: str) -> list[float]:
    out = figures(g.get(field))
    unit = _METRIC_UNIT.search(normalize(str(g.get("metric") or "")))
    value = g.get(field)
    if unit and isinstance(value, str) and not re.search(r"[千万亿元%％]", value):
        out = [f * _UNIT_FACTOR[unit.group(1)] for f in out]
    return out


def _score(p: Passage) -> _Scored:
    got = extract(normalize(p.text))
    gold = [dict(c) for c in p.claims]
    matched: list[tuple[dict, Claim]] = []
    missed: list[dict] = []
    figureless = 0
    for g in gold:
        figs = _gold_figures(g)
        if not figs:
            figureless += 1
            continue
        fam = family(str(g.get("kind")))
        hits = [c for c in got if family(c.kind) == fam and _shares_figure(c, figs)]
        if not hits:
            missed.append(g)
            continue
        same_kind = [c for c in hits if c.kind == g.get("kind")]
        # the claim that states most of the gold's figures (a table row and the prose that explains it
        # may both give the after; the one that also gives the before is the gold's reading)
        pool = same_kind or hits
        matched.append((g, max(pool, key=lambda c: _n_shared(c, figs))))
    return _Scored(p, gold, got, matched, missed, figureless)


def _field_right(field: str, g: dict, c: Claim) -> bool:
    if field == "metric":
        gold = normalize(str(g.get("metric") or ""))
        if not c.metric:
            return False
        return c.metric in gold or canonical_metric(gold) == c.metric
    if field in ("before", "after"):
        want = _field_figures(g, field)
        value = getattr(c, field)
        if not want:
            return value is None
        return value is not None and any(_close(value, f) for f in want)
    if field == "change":
        text = normalize(str(g.get("change") or ""))
        want = figures(text)
        if not want:
            return c.growth_pct is None or (c.before is not None and c.after is not None)
        if c.growth_pct is None or not any(_close(c.growth_pct, f) for f in want):
            return False
        return (c.growth_pct < 0) == bool(_DOWN_WORDS.search(text)) or c.growth_pct == 0
    if field == "period":
        days = parse_period_days(normalize(str(g.get("period") or "")))
        return c.period_days == days
    if field == "client":
        gold = _name(g.get("client"))
        got = _name(c.client)
        if not gold or not got:
            return not gold and not got
        return gold in got or got in gold
    raise ValueError(field)


def _name(value: object) -> str:
    return re.sub(r"[某\s]", "", normalize(value)) if isinstance(value, str) else ""


def evaluate(passages: Sequence[Passage]) -> StageResult:
    scored = [_score(p) for p in passages]
    with_gold = [s for s in scored if len(s.matched) + len(s.missed) > 0]
    without = [s for s in scored if not s.gold]
    result = StageResult()
    result.figures["record_recall"] = bootstrap(
        with_gold,
        lambda units: ratio(_n_matched(units), sum(len(s.matched) + len(s.missed) for s in units)),
    )
    result.figures["false_claim_passages"] = share(sum(1 for s in without if s.got), len(without))
    pairs = [s for s in with_gold if s.matched]
    result.figures["kind_accuracy"] = bootstrap(
        pairs,
        lambda units: _matched_share(units, lambda g, c: g.get("kind") == c.kind),
    )
    for field in FIELDS:
        result.figures[f"{field}_accuracy"] = bootstrap(
            pairs,
            lambda units, f=field: _matched_share(units, lambda g, c: _field_right(f, g, c)),
        )
    result.figures["figureless_gold"] = share(
        sum(s.figureless for s in scored), sum(len(s.gold) for s in scored)
    )
    any_digit = sum(1 for s in without if re.search(r"\d", s.passage.text))
    result.baselines["false_claim_passages_any_digit"] = share(any_digit, len(without))
    result.errors = _errors(scored)
    return result


def _n_matched(units: Sequence[_Scored]) -> int:
    return sum(len(s.matched) for s in units)


def _matched_share(units: Sequence[_Scored], right) -> float:
    return ratio(sum(bool(right(g, c)) for s in units for g, c in s.matched), _n_matched(units))


def _errors(scored: list[_Scored]) -> list[str]:
    """Missed claims first (passages with the most misses), then passages given a claim wrongly."""
    lines = []
    for s in sorted(scored, key=lambda s: -len(s.missed)):
        for g in s.missed:
            lines.append(
                f"{s.passage.id} missed {g.get('kind')} {g.get('metric')!s:.20} "
                f"before={g.get('before')!s:.20} after={g.get('after')!s:.24} change={g.get('change')!s:.20}"
            )
    for s in scored:
        if not s.gold and s.got:
            c = s.got[0]
            lines.append(f"{s.passage.id} no claim, got {len(s.got)}: {c.kind} {c.metric} «{c.span[:40]}»")
    return lines
