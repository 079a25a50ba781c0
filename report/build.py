"""Marts → a static site: index.html (every provider), providers/<slug>.html, compare.html, and
marts/claim_reviews.jsonl.

Safety: every scraped string reaches HTML through Jinja's autoescaping (or `textContent` in the index's
script); only http(s) links are linked; a page's file name is a slug of `provider_id` checked to stay
inside the output directory, never a name. The site is written into a temporary directory beside the
output and swapped in, so a reader never sees half a report and a crash leaves the previous one.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import opencc
import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from scipy.stats import norm

from pipelines.messages import DEFAULT_LANG, LANGS, render, signal_names
from pipelines.storage import DataTree, slugify
from pipelines.text import to_simplified
from report import charts
from report.claim_reviews import claim_review, claim_text, safe_url, script_tag
from report.data import ReportData, load
from report.labels import LABELS
from reputation.scores import CONFIDENCE_SCALE, WEIGHTS

_S2T = opencc.OpenCC("s2t")

HERE = Path(__file__).parent
EXCERPT_CHARS = 140
# A provider page lists this many flagged reviews (the newest); the count says how many more there are.
FLAGGED_SHOWN = 50
VERDICT_ORDER = ("refuted", "duplicated", "implausible", "supported", "not_enough_evidence")
Z95 = float(norm.ppf(0.975))


class ReportError(Exception):
    """A request the report cannot satisfy (unknown name, wrong number of providers to compare)."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class Report:
    index: Path
    pages: dict[str, Path]  # provider_id → its page
    compare: Path | None
    claim_reviews: Path
    chosen: list[str]  # the ids the names given resolved to, in order


@functools.cache  # asked for by the index, the page, its ClaimReviews and the write: slugify once
def page_name(provider_id: str) -> str:
    """The file name of a provider's page: its id when the id is already a slug, else a slug of it with
    a hash (two hostile ids that slug alike still get two pages)."""
    slug = slugify(str(provider_id))
    if slug != provider_id:
        slug = f"{slug}-{hashlib.sha1(str(provider_id).encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"
    return f"{slug}.html"


def _inside(root: Path, path: Path) -> Path:
    resolved = path.resolve()
    if root.resolve() not in resolved.parents:
        raise ReportError(f"refusing to write outside the report directory: {path}")
    return resolved


def score_interval(score: float, confidence: float) -> tuple[float, float]:
    """95% Wilson interval of the score read as a share (score/100) over the evidence count the
    confidence stands for (confidence = 1 − exp(−evidence/40), inverted): wide on a handful of
    documents, narrow on hundreds."""
    if not _ok(score) or not _ok(confidence):
        return (math.nan, math.nan)
    n = -CONFIDENCE_SCALE * math.log(max(1e-9, 1.0 - min(confidence, 0.999999)))
    if n < 1:
        return (0.0, 100.0)
    p, z = score / 100.0, Z95
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (round(100 * max(0.0, centre - half), 1), round(100 * min(1.0, centre + half), 1))


def _ok(v: object) -> bool:
    return v is not None and v is not pd.NaT and not (isinstance(v, float) and math.isnan(v))


def _fmt(v: object, digits: int = 0, pct: bool = False) -> str | None:
    if not _ok(v):
        return None
    if pct:
        return f"{float(v):.0%}"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return str(v)


def _date(v: object) -> str | None:
    if not _ok(v):
        return None
    try:
        return pd.Timestamp(v).strftime("%Y-%m-%d")
    except (TypeError, ValueError):
        return None


def _names(row: dict) -> list[str]:
    aliases = row.get("aliases")
    names = [row.get("provider_name"), row.get("legal_name"), *([] if aliases is None else list(aliases))]
    return list(dict.fromkeys(str(n) for n in names if isinstance(n, str) and n.strip()))


def name_key(name: str) -> str:
    """How a typed name and a stored name are compared: NFKC, simplified script, lower case."""
    return to_simplified(unicodedata.normalize("NFKC", name)).strip().lower()


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def _flag_texts(row: dict, lang: str) -> list[str]:
    codes = row.get("risk_flag_codes")
    if codes is not None and len(codes):
        return [render(f["code"], f["args"], lang) for f in codes]
    return [str(f) for f in (row.get("risk_flags") if row.get("risk_flags") is not None else [])]


def _claims_counts(row: dict) -> list[int]:
    return [
        int(row.get(f"claims_{v}") or 0) for v in ("supported", *VERDICT_ORDER[:3], "not_enough_evidence")
    ]


def index_rows(data: ReportData, lang: str) -> list[dict]:
    """What the index table shows, one dict per provider (short keys: 20,000 rows go into the page)."""
    t = LABELS[lang]
    rows = []
    for pid, row in data.rows.items():
        names = _names(row)
        # Both scripts of every name, so a query typed in either finds it (the browser has no OpenCC).
        forms = {f for n in names for f in (n.lower(), name_key(n), _S2T.convert(n).lower())}
        lo, hi = score_interval(row.get("reputation_score"), row.get("confidence"))
        flags = _flag_texts(row, lang)
        rows.append(
            {
                "href": "providers/" + page_name(pid),
                "name": str(row.get("provider_name") or pid),
                "key": "\n".join(sorted(forms)),
                "score": _round(row.get("reputation_score"), 1),
                "lo": _round(lo, 1),
                "hi": _round(hi, 1),
                "tp": _round(row.get("tp_star"), 0),
                "staff": _round(row.get("staff_insured"), 0),
                "rating": _round(row.get("adjusted_rating"), 2),
                "n_rating": int(row.get("n_ratings") or 0),
                "complaints": int(row.get("n_complaints") or 0),
                "completed": _round(row.get("complaints_completed_share"), 2),
                "reply": _round(row.get("median_reply_days"), 1),
                "claims": int(row.get("claims_n") or 0),
                "verdicts": _claims_counts(row),
                "fee": _round(row.get("fee_monthly_min_cny"), 0),
                "fee_hi": _round(row.get("fee_monthly_max_cny"), 0),
                "flag": flags[0] if flags else t["none"],
            }
        )
    return rows


def _round(v: object, digits: int) -> float | int | None:
    if not _ok(v):
        return None
    return round(float(v), digits) if digits else round(float(v))


def provider_context(pid: str, data: ReportData, lang: str) -> tuple[dict, list[dict]]:
    """Everything a provider page shows, formatted, plus its ClaimReviews."""
    t = LABELS[lang]
    row = data.rows[pid]
    name = str(row.get("provider_name") or pid)
    n_docs = int(row.get("n_documents") or 0)
    lo, hi = score_interval(row.get("reputation_score"), row.get("confidence"))
    evidence_n = round(-CONFIDENCE_SCALE * math.log(max(1e-9, 1 - float(row.get("confidence") or 0))))

    comps = data.components.get(pid, {})
    basis = {
        "rating": t["b_rating"].format(n=int(row.get("n_ratings") or 0), kept=int(row.get("n_kept") or 0)),
        "sentiment": t["b_sentiment"].format(n=n_docs),
        "complaints": t["b_complaints"].format(
            n=int(row.get("n_complaints") or 0), r=int(row.get("n_reviews") or 0)
        ),
        "authenticity": t["b_authenticity"].format(n=int(row.get("claims_n") or 0)),
        "registry": t["b_registry"],
    }
    components = [
        {
            "label": t[f"c_{k}"],
            "weight": f"{w:.0%}",
            "bar": charts.bars([(t[f"c_{k}"], comps.get(k))]),
            "basis": basis[k],
        }
        for k, w in WEIGHTS.items()
    ]

    month = data.monthly.get(pid, [])
    rating_chart = sentiment_chart = complaints_chart = amount_chart = None
    if month:

        def col(name: str) -> list:
            return [m[name] for m in month]

        months = col("month")
        rating_chart = charts.monthly(
            months, col("n_reviews"), t["reviews"], col("rating_mean"), t["rating"], (1.0, 5.0)
        )
        sentiment_chart = charts.monthly(
            months, col("n_documents"), t["documents"], col("sentiment_mean"), "0–1"
        )
        complaints_chart = charts.monthly(months, col("n_complaints"), t["complaints"])
        amount_chart = charts.monthly(months, col("complaints_amount_cny"), t["amount"])

    by_status: dict[str, list[float]] = {}
    for c in data.complaints.get(pid, []):
        by_status.setdefault(c["status"] if isinstance(c["status"], str) else "?", []).append(c["amount_cny"])
    status_rows = [
        {"status": s, "n": len(a), "amount": _fmt(sum(x for x in a if _ok(x))) if any(map(_ok, a)) else "–"}
        for s, a in sorted(by_status.items())
    ]

    page = "providers/" + page_name(pid)
    cases, reviews = [], []
    checks = data.checks.get(pid)
    if checks:
        order = {v: i for i, v in enumerate(VERDICT_ORDER)}
        recs = sorted(checks, key=lambda c: (order.get(c["verdict"], 9), c["claim_id"]))
        for c in recs:
            ev_ids = list(c["evidence"]) if c.get("evidence") is not None else []
            evidence = data.evidence(ev_ids)
            reason = (
                render(c["reason_code"], c["reason_args"], lang) if c.get("reason_code") else c.get("reason")
            )
            cases.append(
                {
                    "claim_id": c["claim_id"],
                    "verdict": c["verdict"],
                    "verdict_label": t.get(f"v_{c['verdict']}", c["verdict"]),
                    "reason": reason,
                    "url": safe_url(c.get("source_url")),
                    "claimed_at": _date(c.get("claimed_at")),
                    "evidence": [_quote(e) for e in evidence],
                    "claim": claim_text(c),
                }
            )
            reviews.append(claim_review(c, name, page, evidence, lang))

    flagged = []
    fl = data.flagged.get(pid, [])
    sep = "、" if lang == "zh" else ", "
    if fl:
        for f in fl[-FLAGGED_SHOWN:][::-1]:
            flagged.append(
                {
                    "signals": sep.join(signal_names(f.get("flags"), lang)),
                    "rating": _fmt(f.get("rating"), 0) or "–",
                    "excerpt": _excerpt(f.get("text")),
                    "date": _date(f.get("created_at")) or "–",
                    "url": safe_url(f.get("source_url")),
                }
            )

    reg = data.registry.get(pid)
    registry = []
    if reg:
        for key, col, digits in [
            ("legal_name", "legal_name", 0),
            ("established", "established", 0),
            ("staff", "staff_insured", 0),
            ("capital", "reg_capital_cny", 0),
            ("lawsuits", "lawsuit_count", 0),
            ("abnormal", "abnormal_count", 0),
            ("status", "reg_status", 0),
        ]:
            v = reg.get(col)
            registry.append((t[key], _fmt(v, digits) if _ok(v) else "–"))
    fees = []
    if _ok(row.get("fee_monthly_min_cny")) or _ok(row.get("fee_monthly_max_cny")):
        fees.append((t["fees"], _fee(row)))
    if _ok(row.get("commission_pct_mentioned")):
        fees.append((t["commission"], _fmt(row.get("commission_pct_mentioned"), 1)))
    crawled = sorted((s, _date(at) or "–") for s, at in data.last_crawled.get(pid, {}).items())

    band = row.get("confidence_band")
    ctx = {
        "name": name,
        "aliases": [a for a in _names(row) if a != name],
        "score": _fmt(row.get("reputation_score"), 1) or t["no_data"],
        "band_svg": charts.interval(row.get("reputation_score"), lo, hi, width=240),
        "band_note": t["band_note"].format(n=evidence_n),
        "band_label": t.get(f"band_{band}", band or "–"),
        "confidence": _fmt(row.get("confidence"), 2) or "–",
        "n_docs_label": t["n_docs"].format(n=n_docs),
        "flags": _flag_texts(row, lang),
        "components": components,
        "rating_chart": rating_chart,
        "sentiment_chart": sentiment_chart,
        "complaints_chart": complaints_chart,
        "amount_chart": amount_chart,
        "n_complaints": int(row.get("n_complaints") or 0),
        "complaint_status": status_rows,
        "cases": cases,
        "flagged": flagged,
        "flagged_more": max(0, len(fl) - FLAGGED_SHOWN),
        "registry": registry,
        "fees": fees,
        "crawled": crawled,
    }
    return ctx, reviews


def _fee(row: dict) -> str:
    lo, hi = _fmt(row.get("fee_monthly_min_cny")), _fmt(row.get("fee_monthly_max_cny"))
    return lo if lo == hi or not hi else f"{lo or '?'}–{hi}"


def _excerpt(text: object) -> str:
    if not isinstance(text, str):
        return ""
    s = " ".join(text.split())
    return s if len(s) <= EXCERPT_CHARS else s[:EXCERPT_CHARS] + "…"


def _quote(doc: dict) -> dict:
    return {
        "doc_id": doc["doc_id"],
        "excerpt": _excerpt(doc.get("text")),
        "source": doc.get("source") or doc["doc_id"].split(":", 1)[0],
        "date": _date(doc.get("created_at")) or _date(doc.get("fetched_at")) or "–",
        "url": safe_url(doc.get("source_url")),
    }


def compare_rows(pids: list[str], data: ReportData, lang: str) -> list[tuple[str, list]]:
    t = LABELS[lang]
    recs = [data.rows[p] for p in pids]

    def cells(f):
        return [f(r) for r in recs]

    def with_n(value, n):
        return None if value is None else f"{value} ({n} {t['docs']})"

    return [
        (
            t["score"],
            cells(lambda r: with_n(_fmt(r.get("reputation_score"), 1), int(r.get("n_documents") or 0))),
        ),
        (
            t["band"],
            cells(
                lambda r: charts.interval(
                    r.get("reputation_score"), *score_interval(r.get("reputation_score"), r.get("confidence"))
                )
            ),
        ),
        (t["tp"], cells(lambda r: _fmt(r.get("tp_star")))),
        (t["staff"], cells(lambda r: _fmt(r.get("staff_insured")))),
        (t["established"], cells(lambda r: _date(r.get("established")))),
        (
            t["rating"],
            cells(lambda r: with_n(_fmt(r.get("adjusted_rating"), 2), int(r.get("n_ratings") or 0))),
        ),
        (
            t["complaints"],
            cells(
                lambda r: (
                    f"{int(r.get('n_complaints') or 0)}"
                    + (
                        f", {_fmt(r.get('complaints_completed_share'), pct=True)} {t['completed']}"
                        if _ok(r.get("complaints_completed_share"))
                        else ""
                    )
                )
            ),
        ),
        (t["reply_days"], cells(lambda r: _fmt(r.get("median_reply_days"), 1))),
        (t["amount"], cells(lambda r: _fmt(r.get("complaints_amount_cny")))),
        (
            t["claims"],
            cells(lambda r: f"{int(r.get('claims_n') or 0)}: " + "/".join(map(str, _claims_counts(r)))),
        ),
        (
            t["fees"],
            cells(
                lambda r: (
                    _fee(r)
                    if _ok(r.get("fee_monthly_min_cny")) or _ok(r.get("fee_monthly_max_cny"))
                    else None
                )
            ),
        ),
        (t["risk_flags"], cells(lambda r: "；".join(_flag_texts(r, lang)) or t["none"])),
    ]


def resolve_names(data: ReportData, names: list[str]) -> list[str]:
    """Provider ids for names typed by a user: any name, alias or legal name, either script."""
    by_key: dict[str, str] = {}
    for pid, row in data.rows.items():
        for n in [pid, *_names(row)]:
            by_key.setdefault(name_key(n), pid)
    out = []
    for n in names:
        pid = by_key.get(name_key(n))
        if pid is None:
            raise ReportError(f"no provider named {n!r} in provider_reputation", 3)
        out.append(pid)
    return list(dict.fromkeys(out))


def write_report(
    tree: DataTree,
    out: Path | None = None,
    names: list[str] | None = None,
    lang: str = DEFAULT_LANG,
    compare: bool = False,
) -> Report:
    """Write the report for every provider in the marts; `names` pick the providers to compare (2–5,
    with `compare`) and whose pages the caller wants to print."""
    if lang not in LANGS:
        raise ReportError(f"--lang must be one of {', '.join(LANGS)}, not {lang!r}")
    out = Path(out) if out is not None else tree.root / "report"
    data = load(tree)
    chosen = resolve_names(data, names or [])
    if compare and not 2 <= len(chosen) <= 5:
        raise ReportError(f"--compare needs 2 to 5 providers, got {len(chosen)}")
    t = LABELS[lang]
    env = _environment()
    built = (
        data.reputation["built_at"].max() if "built_at" in data.reputation and len(data.reputation) else None
    )
    common = {"t": t, "lang": lang, "built_at": _date(built)}

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        (tmp / "assets").mkdir()
        (tmp / "providers").mkdir()
        for asset in ("report.css", "report.js"):
            shutil.copyfile(HERE / "assets" / asset, tmp / "assets" / asset)
        rows = index_rows(data, lang)
        payload = {"lang": lang, "labels": t, "rows": rows}
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        body = body.replace("<", "\\u003c")  # a name cannot end the script even if loaded inline
        (tmp / "assets" / "rows.js").write_text(f"window.KAOPU={body};\n", encoding="utf-8")
        (tmp / "index.html").write_text(env.get_template("index.html").render(root="", **common), "utf-8")

        provider_tpl = env.get_template("provider.html")
        reviews_all: list[dict] = []
        pages: dict[str, Path] = {}
        for pid in data.reputation.index:
            ctx, reviews = provider_context(pid, data, lang)
            reviews_all.extend(reviews)
            target = _inside(tmp, tmp / "providers" / page_name(pid))
            html = provider_tpl.render(
                root="../", p=ctx, claim_reviews_ld=Markup(script_tag(reviews)), **common
            )
            target.write_text(html, encoding="utf-8")
            pages[pid] = out / "providers" / page_name(pid)
        compare_path = None
        if compare:
            providers = [
                {"name": str(data.rows[p]["provider_name"]), "href": "providers/" + page_name(p)}
                for p in chosen
            ]
            html = env.get_template("compare.html").render(
                root="", providers=providers, rows=compare_rows(chosen, data, lang), **common
            )
            (tmp / "compare.html").write_text(html, encoding="utf-8")
            compare_path = out / "compare.html"
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    reviews_path = _write_jsonl(tree.root / "marts" / "claim_reviews.jsonl", reviews_all)
    return Report(
        index=out / "index.html", pages=pages, compare=compare_path, claim_reviews=reviews_path, chosen=chosen
    )


def _swap(tmp: Path, out: Path) -> None:
    """Replace `out` by `tmp` with renames only: the old report stays whole until the new one is."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(tmp, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
    os.replace(tmp, path)
    return path
