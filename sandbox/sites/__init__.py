"""One module per source's site. Each says which source it imitates (`SOURCE`), the root page's link
to it (`ENTRY`), the path robots.txt keeps crawlers out of (`DISALLOW`) and the URLs it serves
(`ROUTES`); `web.py` holds what they share. A new source's site is a new module here: `SITES` finds
it, in the order contracts lists the sources.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from pipelines.contracts import SOURCES


def _sites() -> tuple[ModuleType, ...]:
    found = [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
        if info.name != "web"
    ]
    order = {source: i for i, source in enumerate(SOURCES)}
    return tuple(sorted(found, key=lambda m: (order.get(m.SOURCE, len(order)), m.SOURCE)))


SITES = _sites()
