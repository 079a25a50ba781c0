"""Is any passage of the real corpus in the repository? It must never be: the text is not ours.

`python -m evaluation.text.leaks [--corpus DIR]` lists every tracked file that holds a run of 30
characters of a corpus passage (white space ignored, so re-wrapping a passage does not hide it) and
exits 1 if any does. `.ci/run` calls it whenever the corpus is beside the clone.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

from evaluation.text.corpus import CorpusError, default_path, load

WINDOW = 30
_SPACE = re.compile(r"\s+")


def _squeeze(text: str) -> str:
    return _SPACE.sub("", text)


def windows(texts: list[str], width: int = WINDOW) -> set[str]:
    out: set[str] = set()
    for text in texts:
        s = _squeeze(text)
        out.update(s[i : i + width] for i in range(len(s) - width + 1))
    return out


def leaking_files(repo: Path, corpus: Path, width: int = WINDOW) -> list[tuple[str, str]]:
    """(file, the first leaked run) for every tracked text file that holds a corpus window."""
    known = windows([p.text for p in load(corpus)], width)
    names = subprocess.run(["git", "ls-files", "-z"], cwd=repo, capture_output=True, check=True).stdout.split(
        b"\0"
    )
    found = []
    for raw in names:
        if not raw:
            continue
        path = repo / raw.decode()
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if b"\0" in data[:8192]:
            continue  # binary (parquet, gzip): no text a person could have pasted
        s = _squeeze(data.decode("utf-8", errors="replace"))
        for i in range(len(s) - width + 1):
            if s[i : i + width] in known:
                found.append((raw.decode(), s[i : i + width]))
                break
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--repo", type=Path, default=Path("."))
    args = parser.parse_args(argv)
    try:
        found = leaking_files(args.repo, args.corpus or default_path())
    except CorpusError as exc:
        print(f"leaks: {exc}", file=sys.stderr)
        return 2
    for name, run in found:
        print(f"{name}: holds corpus text ({run[:12]}…)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
