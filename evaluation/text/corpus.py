"""Load a labelled corpus of real passages and split it into a tuning part and a held-out third.

The split is by URL, as the corpus README asks, and a duplicate group (`dup_group`) always falls on one
side, so a repost of a held-out story never leaks into tuning. Each passage's key (its group, else its
URL) is hashed to a side; passages linked by a shared URL or group form one story, and a story is held
out only when every passage of it hashes to the held-out side (one page labelled twice under different
groups must not sit on both sides, and nothing tuned on ever moves into the held-out third). The same
passage lands on the same side on every machine.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_CORPUS = "../shared/realtext"
SPLITS = ("train", "test", "all")


class CorpusError(ValueError):
    """The corpus folder is missing, empty or holds a line that is not a passage."""


@dataclass(frozen=True)
class Passage:
    id: str
    url: str
    source_type: str
    text: str
    providers: tuple[str, ...]
    providers_canonical: tuple[str, ...]
    stance: int  # -1 / 0 / +1 toward the agency or agencies discussed
    claims: tuple[dict[str, Any], ...]
    pii: tuple[str, ...]
    dup_group: str | None
    script: str
    noise: tuple[str, ...]
    confidence: str
    notes: str

    @property
    def split_key(self) -> str:
        return f"dup:{self.dup_group}" if self.dup_group else f"url:{self.url}"

    @property
    def key_held_out(self) -> bool:
        """The side this passage's own key hashes to; `held_out` below decides for its whole story."""
        digest = hashlib.sha256(f"kaopu-holdout:{self.split_key}".encode()).digest()
        return int.from_bytes(digest[:8], "big") % 3 == 0


def default_path() -> Path:
    return Path(os.environ.get("KAOPU_REALTEXT", DEFAULT_CORPUS))


def _passage(record: dict[str, Any]) -> Passage:
    def strings(field: str) -> tuple[str, ...]:
        return tuple(str(x) for x in record.get(field) or ())

    return Passage(
        id=str(record["id"]),
        url=str(record["url"]),
        source_type=str(record.get("source_type") or ""),
        text=str(record["text"]),
        providers=strings("providers"),
        providers_canonical=strings("providers_canonical"),
        stance=int(record.get("sentiment_toward_provider") or 0),
        claims=tuple(dict(c) for c in record.get("claims") or ()),
        pii=strings("pii"),
        dup_group=record.get("dup_group") or None,
        script=str(record.get("script") or ""),
        noise=strings("noise"),
        confidence=str(record.get("label_confidence") or ""),
        notes=str(record.get("notes") or ""),
    )


def load(folder: str | Path | None = None) -> list[Passage]:
    """Every passage of every `*.jsonl` in the folder, in file then line order."""
    root = Path(folder) if folder is not None else default_path()
    files = sorted(root.glob("*.jsonl")) if root.is_dir() else []
    if not files:
        raise CorpusError(f"no *.jsonl corpus in {root} (set --corpus or KAOPU_REALTEXT)")
    passages = []
    for path in files:
        with path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    passages.append(_passage(json.loads(line)))
                except (ValueError, KeyError, TypeError) as exc:
                    raise CorpusError(f"{path.name}:{number}: not a passage ({exc})") from None
    return passages


def held_out(passages: list[Passage]) -> list[bool]:
    """Per passage: is its story (passages joined by a shared URL or dup group) in the held-out third?"""
    parent = list(range(len(passages)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, p in enumerate(passages):
        for link in (f"url:{p.url}", f"dup:{p.dup_group}" if p.dup_group else None):
            if link is None:
                continue
            if link in first:
                parent[find(i)] = find(first[link])
            else:
                first[link] = i
    story_out: dict[int, bool] = {}
    for i, p in enumerate(passages):
        root = find(i)
        story_out[root] = story_out.get(root, True) and p.key_held_out
    return [story_out[find(i)] for i in range(len(passages))]


def select(passages: list[Passage], split: str) -> list[Passage]:
    if split not in SPLITS:
        raise CorpusError(f"unknown split {split!r} (one of {', '.join(SPLITS)})")
    if split == "all":
        return list(passages)
    want = split == "test"
    return [p for p, out in zip(passages, held_out(passages), strict=True) if out == want]
