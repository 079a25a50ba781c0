"""How well `pipelines.providers.discover` names the agencies a real passage is about.

Figures (bootstrap 95% intervals over passages, since the names of one passage are not independent):
- `recall`: share of gold providers, counted per passage, that some predicted name matches;
- `precision`: share of predicted names that match a gold provider of their passage (a client, platform,
  medium, court or sentence fragment returned as a company counts against it);
- `silent_on_unnamed` (reported, no floor): share of passages without a named agency where discover
  returns nothing.

Matching is on a canonical key: the name normalised (simplified script, pinyin debris and
entities gone), lower case, without spaces, punctuation or a bracketed part, then stripped
repeatedly from the right of legal suffixes (股份有限公司, 有限公司, 公司, 集团, inc, ltd, …)
and industry words (电子商务, 网络科技, 电商, 科技, 数字, 股份, …), then of a leading city or
province (上海, 深圳市). A gold provider counts each of its forms (as written and canonical).
A prediction matches a gold form when the keys are equal, or when one key contains the other
and the shorter has at least two characters (鹿鸣 in 鹿鸣电商w). A gold provider is found at
most once and a prediction is correct at most once per passage, so naming one company twice
in two forms costs precision but not recall.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from evaluation.text.corpus import Passage
from evaluation.text.stats import StageResult, bootstrap, ratio, share
from pipelines.text import normalize

# Regression floors for the gate, which runs on the held-out split. Measured 2026-12-06: train recall
# 0.822 [0.722, 0.908], precision 0.857 [0.769, 0.938]; held out recall 0.473 [0.329, 0.643], precision
# 0.591 [0.457, 0.730]. The targets (0.9 / 0.8 held out) are not met: the form rules fit the
# train passages far better than new text. Raise these as the recogniser improves.
# Third session (general forms of naming an agency, and a list of publicly known agencies): train recall
# 0.892 [0.808, 0.960], precision 0.846 [0.720, 0.957] (rules alone 0.824 / 0.884); held out, looked at
# once: recall 0.709 [0.500, 0.875], precision 0.709 [0.551, 0.836]; rules alone 0.545 [0.394, 0.711] /
# 0.652 [0.500, 0.795]. The floors sit just below the held-out figures.
# Fourth session (k-fold inside train; what a text says a name did or is, sources, sellers, buyers,
# persons and peers told from agencies): train recall 0.905 [0.824, 0.973], precision 0.971 [0.929,
# 1.000] (rules alone 0.838 / 0.984); held out, looked at once: recall 0.709 [0.500, 0.875] (no
# change), precision 0.745 [0.587, 0.868]; rules alone 0.545 [0.394, 0.711] / 0.696 [0.542, 0.830].
# The precision floors rise to just below those; recall is where the gap to new text still is.
FLOORS = {"recall": 0.65, "precision": 0.70, "recall_rules_only": 0.50, "precision_rules_only": 0.65}

_BRACKETED = re.compile(r"[(（][^()（）]{0,12}[)）]")
_DROP = re.compile(r"[\W_]+")
_SUFFIX = re.compile(
    r"(?:股份有限公司|有限责任公司|有限公司|公司|集团|股份|"
    r"电子商务|网络科技|信息技术|信息科技|数字技术|数字科技|网络技术|科技|网络|数字|电商|"
    r"文化传播|文化传媒|传媒|实业|化妆品|inc|ltd|limited|co|group|holdings|w)$"
)
_REGION = re.compile(
    r"^(?:北京|上海|天津|重庆|杭州|深圳|广州|宁波|苏州|南京|成都|武汉|厦门|义乌|金华|"
    r"浙江|江苏|广东|福建|山东|香港)(?:市|省)?"
)


def name_key(name: str) -> str:
    """The comparison form described in the module docstring. Deliberately not
    `pipelines.providers.core`: the yardstick must not move when the recogniser it measures does."""
    k = _DROP.sub("", _BRACKETED.sub("", normalize(name))).lower()
    prev = None
    while prev != k:
        prev = k
        k = _SUFFIX.sub("", k)
    without_region = _REGION.sub("", k)
    return without_region if len(without_region) >= 2 else k


def keys_match(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 2 and short in long_


@dataclass(frozen=True)
class Scored:
    passage_id: str
    gold: int  # gold providers
    found: int  # of them matched by a prediction
    predicted: int
    correct: int  # predictions that match a gold provider
    missed: tuple[str, ...]
    wrong: tuple[str, ...]


def score_passage(passage: Passage, predicted: Sequence[str]) -> Scored:
    # One gold provider per canonical name; its written forms count too (Lumen → 鹿鸣电商).
    groups: dict[str, set[str]] = {}
    for written, canonical in zip(passage.providers, passage.providers_canonical, strict=False):
        groups.setdefault(name_key(canonical), set()).update({name_key(written), name_key(canonical)})
    for written in passage.providers[len(passage.providers_canonical) :]:
        groups.setdefault(name_key(written), set()).add(name_key(written))
    gold = [{k for k in forms if k} for forms in groups.values()]
    pred_keys = [name_key(p) for p in predicted]
    found = [any(keys_match(p, g) for p in pred_keys for g in forms) for forms in gold]
    correct = [any(keys_match(p, g) for forms in gold for g in forms) for p in pred_keys]
    missed = tuple(canonical for canonical, hit in zip(groups, found, strict=True) if not hit)
    wrong = tuple(p for p, ok in zip(predicted, correct, strict=True) if not ok)
    return Scored(passage.id, len(gold), sum(found), len(pred_keys), sum(correct), missed, wrong)


def _pooled(num: Callable[[Scored], int], den: Callable[[Scored], int]):
    return lambda units: ratio(sum(num(u) for u in units), sum(den(u) for u in units))


def _recall_precision(scored: list[Scored], result: StageResult, suffix: str = "") -> None:
    result.figures["recall" + suffix] = bootstrap(
        [s for s in scored if s.gold], _pooled(lambda s: s.found, lambda s: s.gold)
    )
    result.figures["precision" + suffix] = bootstrap(
        [s for s in scored if s.predicted], _pooled(lambda s: s.correct, lambda s: s.predicted)
    )


def evaluate(passages: Sequence[Passage], discover: Callable[[str], list[str]] | None = None) -> StageResult:
    """Scores `discover` (default `pipelines.providers.discover`). For the default, the same figures
    without its list of publicly known agencies (`*_rules_only`) show what the rules find alone."""
    result = StageResult()
    default = discover is None
    if discover is None:
        from pipelines.providers import discover
    scored = [score_passage(p, discover(p.text)) for p in passages]
    _recall_precision(scored, result)
    if default:
        rules_only = [score_passage(p, discover(p.text, gazetteer=False)) for p in passages]
        _recall_precision(rules_only, result, "_rules_only")
    unnamed = [s for s in scored if not s.gold]
    result.figures["silent_on_unnamed"] = share(sum(1 for s in unnamed if not s.predicted), len(unnamed))
    worst = sorted(scored, key=lambda s: (len(s.missed) + len(s.wrong), s.passage_id), reverse=True)
    result.errors = [
        f"{s.passage_id}: missed {list(s.missed)}, wrongly found {list(s.wrong)}"
        for s in worst
        if s.missed or s.wrong
    ]
    return result
