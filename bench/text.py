"""Text pipeline benchmark: the whole per-document text pipeline in docs/s per core with each stage's
share, normalize MB/s, ProviderIndex at 20,000 providers, and near-duplicate clustering throughput.

    .venv/bin/python bench/text.py                  # everything at default sizes (about two minutes)
    .venv/bin/python bench/text.py --cluster 1000000 --datasketch 20000

Documents are built from tests/data/text_labelled.jsonl (reviews, complaints, answers, case pages;
simplified, traditional and garbled) cut or joined to about 200 characters, with a small random tail
so no two are identical. Figures are single-process: CPU time is what the code costs (this machine is
shared), wall time what the run saw. The whole pipeline must stay at ≥ 500 docs/s per core.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import time
from pathlib import Path

from pipelines.claims import extract
from pipelines.dedup import cluster, labels_from_state, text_state
from pipelines.pii import mask
from pipelines.providers import ProviderIndex, discover
from pipelines.sentiment import load_model
from pipelines.text import normalize

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "text_labelled.jsonl"


def corpus(n: int, chars: int = 200, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    texts = [json.loads(line)["text"] for line in DATA.read_text(encoding="utf-8").splitlines() if line]
    out = []
    for _ in range(n):
        doc = ""
        while len(doc) < chars:
            doc += rng.choice(texts)
        tail = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(6))
        out.append(doc[: chars - 6] + tail)
    return out


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def timed_cpu(fn, *args):
    """(result, wall seconds, CPU seconds of this process): on a shared machine the CPU figure is the
    one that says what the code costs; the wall figure says what this run saw."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def rate(n: int, wall: float, cpu: float, unit: str) -> str:
    return f"{n / wall:8.0f} {unit} wall, {n / cpu:8.0f} {unit} CPU"


def bench_normalize(docs: list[str]) -> None:
    big = "\n".join(docs)
    mb = len(big.encode("utf-8")) / 1e6
    _, wall, cpu = timed_cpu(normalize, big)
    print(f"normalize, one {mb:.1f} MB text:            {mb / wall:8.2f} MB/s wall, {mb / cpu:8.2f} MB/s CPU")
    _, wall, cpu = timed_cpu(lambda: [normalize(d) for d in docs])
    print(f"normalize, {len(docs):,} docs of 200 chars:    {rate(len(docs), wall, cpu, 'docs/s')}")


def bench_stages(docs: list[str]) -> None:
    """What the build does to each document, stage by stage on the same documents, in CPU seconds:
    normalize, mask, discover (provider mentions), extract (claims), sentiment (on the normalised
    text, as incremental_build/text_work.py scores it) and near-duplicate state and labels (batched, as
    the build clusters). Docs/s per core is documents over the sum of the stages' CPU time."""
    model = load_model()
    stages: list[tuple[str, float]] = []

    def stage(name, fn, *args):
        result, _, cpu = timed_cpu(fn, *args)
        stages.append((name, cpu))
        return result

    normed = stage("normalize", lambda: [normalize(d) for d in docs])
    masked = stage("mask", lambda: [mask(t) for t in normed])
    stage("discover", lambda: [discover(t, normalized=True) for t in masked])
    stage("claims.extract", lambda: [extract(t) for t in masked])
    stage("sentiment", lambda: [model.score_normalised(t) for t in masked])
    state = stage("dedup text_state", lambda: text_state(masked, normalized=True))
    stage("dedup labels", lambda: labels_from_state(state))
    total = sum(cpu for _, cpu in stages)
    rate_per_core = len(docs) / total
    print(f"whole text pipeline, {len(docs):,} docs of 200 chars: {rate_per_core:8.0f} docs/s per core (CPU)")
    for name, cpu in stages:
        print(f"  {name:<18} {cpu / total:6.1%}  ({len(docs) / cpu:9.0f} docs/s alone)")


def bench_pipeline(docs: list[str], index: ProviderIndex | None) -> None:
    def run() -> int:
        n = 0
        for d in docs:
            clean = mask(normalize(d))
            n += len(discover(clean, normalized=True)) + len(extract(clean))
            if index is not None:
                n += len(index.find(clean, normalized=True))
        return n

    _, wall, cpu = timed_cpu(run)
    label = "normalize+mask+discover+extract" + ("+find(20k)" if index is not None else "")
    print(f"{label:<43} {rate(len(docs), wall, cpu, 'docs/s')}")


def bench_index(n_providers: int, docs: list[str]) -> ProviderIndex:
    rng = random.Random(1)
    simplified = [ch for ch in map(chr, range(0x4E00, 0x9FA5)) if normalize(ch) == ch]
    suffixes = ["电子商务有限公司", "网络科技有限公司", "信息技术有限公司", "品牌管理有限公司"]
    entries = []
    seen = set()
    while len(entries) < n_providers:
        brand = "".join(rng.sample(simplified, rng.choice((2, 2, 3))))
        if brand in seen:
            continue
        seen.add(brand)
        entries.append(
            {
                "name": f"{brand}电商",
                "legal_name": f"杭州{brand}{rng.choice(suffixes)}",
                "aliases": [brand] if len(brand) >= 3 else [],
            }
        )
    index, wall, cpu = timed_cpu(ProviderIndex, entries)
    print(f"ProviderIndex build, {n_providers:,} providers:    {wall:8.2f} s wall, {cpu:8.2f} s CPU")
    sample = [d + entries[i % n_providers]["name"] for i, d in enumerate(docs)]
    _, wall, cpu = timed_cpu(lambda: [index.find(d) for d in sample])
    print(f"ProviderIndex.find (normalises), 200 chars: {rate(len(sample), wall, cpu, 'texts/s')}")
    return index


def bench_cluster(n: int) -> None:
    """70% distinct texts (a 5–15-character window of a labelled text plus random characters, 50–500
    characters), 30% copies of them with one to five small edits. Reports throughput, and as a check
    at scale the share of copies that joined their original and of distinct texts wrongly merged."""
    rng = random.Random(2)
    pool = corpus(2000, chars=400, seed=3)
    n_base = max(1, int(n * 0.7))
    texts: list[str] = []
    for _ in range(n_base):
        window = rng.choice(pool)[: rng.randint(5, 15)]
        length = rng.randint(50, 500)
        texts.append(window + "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(length - len(window))))
    source = list(range(n_base))
    while len(texts) < n:
        i = rng.randrange(n_base)
        t = texts[i]
        for _ in range(rng.randint(1, 5)):
            j = rng.randrange(len(t))
            t = t[:j] + rng.choice(("，真的", "！", "了", "")) + t[j + 1 :]
        texts.append(t)
        source.append(i)
    norm, wall_norm, cpu_norm = timed_cpu(lambda: [normalize(t) for t in texts])
    labels, wall, cpu = timed_cpu(lambda: cluster(norm, normalized=True))
    joined = sum(1 for k in range(n_base, n) if labels[k] == labels[source[k]])
    merged = n_base - len({labels[k] for k in range(n_base)})
    print(f"cluster, {n:,} normalised texts:        {rate(n, wall, cpu, 'texts/s')} ({wall:.1f} s wall)")
    print(
        f"  copies that joined their original: {joined / max(1, n - n_base):.4f}; "
        f"distinct texts wrongly merged: {merged:,} of {n_base:,}"
    )
    print(f"  (normalising them first: {wall_norm:.1f} s wall, {cpu_norm:.1f} s CPU)")


def bench_datasketch(n: int) -> None:
    """The same MinHash (60 permutations, 3-gram shingles) through datasketch, for comparison."""
    from datasketch import MinHash, MinHashLSH

    from pipelines.dedup import TEXT_PERM, canonical

    texts = [canonical(t, normalized=True) for t in corpus(n, seed=4)]
    start = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=TEXT_PERM)
    for i, t in enumerate(texts):
        m = MinHash(num_perm=TEXT_PERM)
        m.update_batch([t[j : j + 3].encode("utf-8") for j in range(len(t) - 2)])
        lsh.query(m)
        lsh.insert(str(i), m)
    secs = time.perf_counter() - start
    _, ours = timed(lambda: cluster(texts, normalized=True))
    print(
        f"datasketch MinHash+LSH, {n:,} texts:        {n / secs:8.0f} texts/s wall "
        f"(ours on the same texts: {n / ours:.0f} texts/s wall)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=5000, help="200-character documents, per-doc figures")
    parser.add_argument("--providers", type=int, default=20_000, help="0: skip the ProviderIndex figures")
    parser.add_argument("--cluster", type=int, default=100_000, help="texts to cluster")
    parser.add_argument("--datasketch", type=int, default=10_000, help="texts for the datasketch comparison")
    args = parser.parse_args()
    if args.datasketch and importlib.util.find_spec("datasketch") is None:
        parser.exit(2, "bench/text.py: --datasketch needs the bench extra: pip install -e '.[bench]'\n")

    docs = corpus(args.docs)
    normalize("預熱")  # build the OpenCC converter outside the timings
    load_model()  # and the sentiment model
    bench_stages(docs)
    bench_normalize(docs)
    bench_pipeline(docs, None)
    if args.providers:
        index = bench_index(args.providers, docs[:2000])
        bench_pipeline(docs[:2000], index)
    if args.cluster:
        bench_cluster(args.cluster)
    if args.datasketch:
        bench_datasketch(args.datasketch)


if __name__ == "__main__":
    main()
