"""Measure what pipelines.text's mojibake repair sees on the repo's own labelled texts.

    PYTHONPATH=. .venv/bin/python tests/data/mojibake_stats.py

Prints, for the texts of text_labelled.jsonl and sentiment_labelled.jsonl and the golden inputs:
how many the repair changes (must be 0: they are genuine text), the distribution of the "common"
share (GB2312 level 1 + CJK punctuation) of clean text and of its GBK mojibake — the numbers behind
the _GBK_* thresholds — and how much of the garbled text the repair gets back.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from pipelines import text as T

DATA = Path(__file__).parent


def labelled_texts() -> list[str]:
    texts = []
    for name in ("text_labelled.jsonl", "sentiment_labelled.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    golden = json.loads((DATA / "normalize_golden.json").read_text(encoding="utf-8"))
    return texts + [c["input"] for c in golden["cases"]]


def quantiles(xs: list[float]) -> str:
    qs = statistics.quantiles(xs, n=20)
    return f"min {min(xs):.2f}  p5 {qs[0]:.2f}  median {statistics.median(xs):.2f}  p95 {qs[-1]:.2f}  max {max(xs):.2f}"


def main() -> None:
    texts = labelled_texts()
    T._gbk_run()
    fired = [t for t in texts if T.repair_mojibake(t) != t]
    clean = [T.normalize(t) for t in texts]
    fired_clean = [t for t in clean if T.repair_mojibake(t) != t]
    print(f"{len(texts)} labelled/golden texts; repair changes {len(fired)} raw, {len(fired_clean)} normalised")
    for t in fired + fired_clean:
        print("  CHANGED:", t[:80])

    def share(s: str) -> float:
        s = "".join(ch for ch in s if not ch.isascii() and not ch.isspace())
        return T._common_count(s) / len(s) if s else 1.0

    lines = [ln for t in clean for ln in t.split("\n") if len(T._HANZI.findall(ln)) >= 4]
    print(f"common share, {len(lines)} clean lines:        {quantiles([share(ln) for ln in lines])}")
    for enc in ("gbk", "gb18030"):
        garbled = [ln.encode("utf-8").decode(enc, errors="replace") for ln in lines]
        print(f"common share, their {enc} mojibake: {quantiles([share(g.replace(chr(0xFFFD), '')) for g in garbled])}")
    for enc in ("gbk", "gb18030", "cp1252", "latin-1"):
        garbled = [ln.encode("utf-8").decode(enc, errors="replace") for ln in lines]
        exact = sum(1 for g, ln in zip(garbled, lines, strict=True) if T.normalize(g) == ln)
        kept = [len(T.normalize(g)) / len(ln) for g, ln in zip(garbled, lines, strict=True)]
        left = sum(1 for g in garbled if T.repair_mojibake(g) == g)
        print(f"{enc:8} repaired exactly {exact}/{len(lines)}, not touched {left}, "
              f"length kept: {quantiles(kept)}")


if __name__ == "__main__":
    main()
