"""The one form in which names are compared: a provider's, a client shop's, a crawl target's.

`name_key("杭州火蝠電子商務 有限公司")` → `杭州火蝠电子商务有限公司`: compatibility forms folded
(NFKC: full-width → ASCII), traditional → simplified, no spaces or punctuation, lower case. Provider ids
(`pipelines.providers.key`, which first runs a scraped name through the text normaliser), the claim
checks' client matching, a targeted crawl's "is this about them" and the sandbox evaluation's matching
of truth to marts all compare through it, so two parts of kaopu never disagree on whether two names
are one.

Not `normalize` itself: it costs ~30 µs a name against ~4 µs here, and the claim checks key every
client at every build (tens of thousands at 10^6 documents); names already in clean tables are
normalised text.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from pipelines.text import to_simplified

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
    return _DROP.sub("", to_simplified(unicodedata.normalize("NFKC", name))).lower()


_cached_key = functools.lru_cache(maxsize=65536)(_key)
