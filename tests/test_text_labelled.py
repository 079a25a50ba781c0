"""Evaluation gate for the text pipeline (trafilatura-style): metrics over a labelled set must not
drop below pinned floors.

tests/data/text_labelled.jsonl holds 300+ domain texts — buyer reviews, complaints, forum answers,
article paragraphs and case pages; simplified, traditional and garbled (pinyin debris, entities,
injected symbols, spam lines) — labelled with the watched providers they mention (`providers`, ids
of the index below), the company mentions `discover` should return (`mentions`), and the claims a
careful reader would extract (`claims`). Hand-written items carry `hand_written: true`; the rest
come from templates with labels set by the template, so the hand-written share is reported on its
own. Floors sit a little below the measured figures noted beside them. Items marked
`held_out` were written after the rules were tuned and never tuned on: their figures are the
honest estimate for unseen text.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from pipelines.claims import extract
from pipelines.providers import ProviderIndex, discover
from pipelines.text import normalize

DATA = Path(__file__).parent / "data" / "text_labelled.jsonl"

WATCH_LIST = [
    {"id": "huofu", "name": "火蝠电商", "legal_name": "杭州火蝠电子商务有限公司", "aliases": ["火蝠"]},
    {"id": "qingcheng", "name": "青橙代运营", "legal_name": "上海青橙网络科技有限公司", "aliases": ["青橙"]},
    {"id": "yunfan", "name": "云帆电商", "legal_name": "广州云帆信息技术有限公司", "aliases": ["云帆"]},
    {"id": "mumian", "name": "木棉电商", "legal_name": "深圳木棉品牌管理有限公司", "aliases": ["木棉"]},
    {"id": "xinghe", "name": "星禾代运营", "legal_name": "杭州星禾电子商务有限公司", "aliases": ["星禾"]},
    {"id": "lanjing", "name": "蓝鲸电商", "legal_name": "宁波蓝鲸网络科技有限公司", "aliases": ["蓝鲸"]},
    {"id": "qihang", "name": "启航代运营", "legal_name": "苏州启航电子商务有限公司", "aliases": ["启航"]},
    {"id": "dingsheng", "name": "鼎盛电商", "legal_name": "金华鼎盛网络科技有限公司", "aliases": ["鼎盛"]},
    {"id": "maitian", "name": "麦田电商", "legal_name": "北京麦田信息技术有限公司", "aliases": ["麦田"]},
    {"id": "jincheng", "name": "锦程代运营", "legal_name": "成都锦程电子商务有限公司", "aliases": ["锦程"]},
]

# Pinned floors: measured value minus a small margin. Raise them when the pipeline improves.
FLOORS = {
    # Measured 2026-11-22 (template + hand-written, 362 items): 1.00 / 1.00.
    "providers_precision": 0.97,
    "providers_recall": 0.97,
    # 1.00 / 0.996.
    "mentions_precision": 0.97,
    "mentions_recall": 0.95,
    # 0.969 / 0.959; kind+metric F1 0.978. Templated items dominate these: the rules were tuned on them.
    "claims_precision": 0.93,
    "claims_recall": 0.93,
    "claims_kind_metric_f1": 0.95,
    # Hand-written items (tuned on): 0.842 / 0.800.
    "hand_claims_precision": 0.80,
    "hand_claims_recall": 0.75,
    # Held-out hand-written items, never tuned on — the honest figure for new text: 0.773 / 0.680.
    "held_out_claims_precision": 0.70,
    "held_out_claims_recall": 0.60,
    "held_out_providers_precision": 0.95,
    "held_out_providers_recall": 0.95,
    # Every garbled copy normalises to exactly its clean original: 1.00.
    "clean_vs_garbled_agreement": 0.98,
}


def load() -> list[dict]:
    with DATA.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _claim_matches(got, want: dict) -> bool:
    return (
        got.kind == want["kind"]
        and got.metric == want["metric"]
        and _close(got.before, want["before"])
        and _close(got.after, want["after"])
        and got.period_days == want["period_days"]
        and ("growth_pct" not in want or _close(got.growth_pct, want["growth_pct"]))
        and ("client" not in want or got.client == want["client"])
    )


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float]:
    return (tp / n_pred if n_pred else 1.0), (tp / n_gold if n_gold else 1.0)


def evaluate(items: list[dict]) -> dict[str, float]:
    index = ProviderIndex(WATCH_LIST)
    counts = {
        k: 0
        for k in (
            "p_tp",
            "p_pred",
            "p_gold",
            "m_tp",
            "m_pred",
            "m_gold",
            "c_tp",
            "c_pred",
            "c_gold",
            "km_tp",
            "h_tp",
            "h_pred",
            "h_gold",
            "o_tp",
            "o_pred",
            "o_gold",
            "op_tp",
            "op_pred",
            "op_gold",
        )
    }
    for item in items:
        text = item["text"]
        got_ids = index.find(text)
        counts["p_tp"] += len(set(got_ids) & set(item["providers"]))
        counts["p_pred"] += len(got_ids)
        counts["p_gold"] += len(item["providers"])

        got_mentions = discover(text)
        counts["m_tp"] += len(set(got_mentions) & set(item["mentions"]))
        counts["m_pred"] += len(got_mentions)
        counts["m_gold"] += len(item["mentions"])

        got_claims = extract(normalize(text))
        gold = list(item["claims"])
        tp = 0
        unmatched = list(gold)
        for c in got_claims:
            for w in unmatched:
                if _claim_matches(c, w):
                    unmatched.remove(w)
                    tp += 1
                    break
        loose = [(w["kind"], w["metric"]) for w in gold]
        km = 0
        for c in got_claims:
            if (c.kind, c.metric) in loose:
                loose.remove((c.kind, c.metric))
                km += 1
        counts["c_tp"] += tp
        counts["km_tp"] += km
        counts["c_pred"] += len(got_claims)
        counts["c_gold"] += len(gold)
        if item.get("hand_written"):
            counts["h_tp"] += tp
            counts["h_pred"] += len(got_claims)
            counts["h_gold"] += len(gold)
        if item.get("held_out"):
            counts["o_tp"] += tp
            counts["o_pred"] += len(got_claims)
            counts["o_gold"] += len(gold)
            counts["op_tp"] += len(set(got_ids) & set(item["providers"]))
            counts["op_pred"] += len(got_ids)
            counts["op_gold"] += len(item["providers"])

    out: dict[str, float] = {}
    for name, prefix in (
        ("providers", "p"),
        ("mentions", "m"),
        ("claims", "c"),
        ("hand_claims", "h"),
        ("held_out_claims", "o"),
        ("held_out_providers", "op"),
    ):
        out[f"{name}_precision"], out[f"{name}_recall"] = _prf(
            counts[f"{prefix}_tp"], counts[f"{prefix}_pred"], counts[f"{prefix}_gold"]
        )
    kp, kr = _prf(counts["km_tp"], counts["c_pred"], counts["c_gold"])
    out["claims_kind_metric_f1"] = 2 * kp * kr / (kp + kr) if kp + kr else 0.0
    # Garbled copies (traditional + pinyin + entities + injected symbols + a spam line) must read
    # exactly like the clean text they were made from.
    by_id = {i["id"]: i for i in items}
    garbled = [i for i in items if "garbled_from" in i]
    same = sum(1 for g in garbled if normalize(g["text"]) == normalize(by_id[g["garbled_from"]]["text"]))
    out["clean_vs_garbled_agreement"] = same / len(garbled) if garbled else 1.0
    return out


@pytest.fixture(scope="module")
def metrics() -> dict[str, float]:
    return evaluate(load())


def test_labelled_set_is_big_and_varied():
    items = load()
    assert len(items) >= 300
    sources = {i["source"] for i in items}
    assert {"market_review", "complaint", "forum_answer", "article", "case_page"} <= sources
    assert sum(1 for i in items if i.get("hand_written")) >= 50
    assert sum(1 for i in items if "garbled_from" in i) >= 40
    assert len({i["text"] for i in items}) == len(items)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_metric_floor(metrics, name):
    assert metrics[name] >= FLOORS[name], f"{name} = {metrics[name]:.3f} fell below its floor {FLOORS[name]}"
