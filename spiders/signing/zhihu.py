"""知乎's x-zse-96 request signature — not reproduced, on purpose said so.

知乎's web API wants `x-zse-93: 101_3_3.0` and `x-zse-96: 2.0_<…>` headers: an MD5 of
"101_3_3.0+<path and query>+<d_c0 cookie>" passed through an obfuscated encoder in the site's
JavaScript that changes from time to time. Public crawlers (e.g. NanmiCoder/MediaCrawler) run the
site's own JavaScript in a browser or a JS engine to get it; we found no published test vector (an
input and the header the site accepted) to check a Python port against, and shipping a JS engine or
a browser is out of scope. So the live forum source is off by default and says why, instead of
crawling nothing in silence. Plug a working signer in here (same `sign` interface) to enable it.
"""

from __future__ import annotations

from spiders.signing import Signed, Unsupported

ZSE_93 = "101_3_3.0"
REASON = "needs a 知乎 x-zse-96 signer (none reproducible from public evidence; see spiders/signing/zhihu.py)"


class ZhihuSigner:
    def sign(self, path: str, params: dict[str, str], cookies: dict[str, str] | None = None) -> Signed:
        raise Unsupported(REASON)
