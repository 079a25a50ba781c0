"""The one form in which names are compared: a provider's, a client shop's, a crawl target's.

`name_key("杭州火蝠電子商務 有限公司")` → `杭州火蝠电子商务有限公司`: the text normaliser's form (mojibake
repaired, full-width → ASCII, traditional → simplified), then no spaces or punctuation, lower case.
Provider ids, the claim checks' client matching, a targeted crawl's "is this about them" and the
sandbox evaluation's matching of truth to marts all use it, so two parts of kaopu never disagree on
whether two names are one.
"""

from __future__ import annotations

import functools
import re

from pipelines.text import normalize

_DROP = re.compile(r"[\W_]+")
# Names repeat (the same few hundred agencies, the same client shops); free texts compared with the
# same function (a targeted crawl's pages) are long and seen once, so only names are cached.
_CACHED_LEN = 64


def name_key(name: object) -> str:
    """Canonical comparison form of a name; "" for anything that is not a string."""
    if not isinstance(name, str):
        return ""
    return _cached_key(name) if len(name) <= _CACHED_LEN else _key(name)


def _key(name: str) -> str:
    return _DROP.sub("", normalize(name)).lower()


_cached_key = functools.lru_cache(maxsize=65536)(_key)
