"""Fee levels people quote in free text: monthly agency fees and sales commissions.

`月服务费3000-8000元`, `基础费一年6万`, `服务费5000/月` are monthly (or yearly) fees;
`另外收销售额5%的提成` is a commission. The marts fill a provider's fee columns from these where no
listing states a price.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from pipelines.numbers import parse_amount_range

# A fee is only a monthly fee when the text says per month or per year ("月服务费3000-8000元",
# "基础费一年6万", "服务费5000/月"); "共支付服务费5000元" in a complaint is a total paid, not a rate.
_FEE = re.compile(
    r"(?P<kw>月服务费|月费|年费|服务费|基础费|固定费|底薪|费用)(?P<per>每月|一个月|每年|一年)?"
    r"[^0-9一二三四五六七八九十两\n]{0,8}"
    r"(?P<amount>[0-9一二三四五六七八九十两.,万千wWkK]+(?:\s*[-~至到]\s*[0-9一二三四五六七八九十两.,万千wWkK]+)?)"
    r"\s*元?\s*(?:/|每|一个)?\s*(?P<unit>月|年)?"
)
_COMMISSION = re.compile(r"(?:佣金|提成|扣点|抽成|销售额的?)[^0-9\n%]{0,6}(\d{1,2}(?:\.\d+)?)\s*[%％个点]")
# Words that must be in a text for it to quote a fee at all: the marts pick the texts to read with it.
FEE_WORDS = re.compile("费|佣金|提成|扣点|抽成")
# Fee amounts outside this range are not monthly agency fees (a GMV figure, a deposit typo).
FEE_RANGE_CNY = (500.0, 500_000.0)
# Commissions beyond 30% of sales are not commissions but typos.
COMMISSION_MAX_PCT = 30.0

_PER = {"每月": "月", "一个月": "月", "每年": "年", "一年": "年"}
_UNIT_OF_KEYWORD = {"月服务费": "月", "月费": "月", "年费": "年"}


def monthly_fees(text: str) -> list[tuple[float, float]]:
    """(low, high) monthly fee of every per-month or per-year fee the text quotes."""
    out = []
    for m in _FEE.finditer(text):
        rng = parse_amount_range(m.group("amount"))
        if rng is None:
            continue
        lo, hi = rng
        unit = m.group("unit") or _PER.get(m.group("per") or "") or _UNIT_OF_KEYWORD.get(m.group("kw"))
        if unit is None:
            continue
        if unit == "年":
            lo, hi = lo / 12, hi / 12
        if FEE_RANGE_CNY[0] <= lo <= hi <= FEE_RANGE_CNY[1]:
            out.append((lo, hi))
    return out


def commissions(text: str) -> list[float]:
    """Every commission (% of sales) the text quotes."""
    found = (float(m.group(1)) for m in _COMMISSION.finditer(text))
    return [v for v in found if 0 < v <= COMMISSION_MAX_PCT]


def fees_from_texts(texts: Sequence[str]) -> tuple[float | None, float | None, float | None]:
    """(min monthly fee, max monthly fee, median commission %) mentioned in texts."""
    lows, highs, pcts = [], [], []
    for t in texts:
        if not isinstance(t, str):
            continue
        if "费" in t:
            for lo, hi in monthly_fees(t):
                lows.append(lo)
                highs.append(hi)
        if any(w in t for w in ("佣金", "提成", "扣点", "抽成", "销售额")):
            pcts += commissions(t)
    return (
        min(lows) if lows else None,
        max(highs) if highs else None,
        float(np.median(pcts)) if pcts else None,
    )
