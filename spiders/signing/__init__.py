"""Request signers, kept apart from the spiders so a site's change is a one-file fix.

One small interface: a signer takes the request's parameters (and the session's cookies) and returns
what must be added to the request — query parameters (`params`) and headers (`headers`). A signer
that cannot be reproduced from public evidence raises `Unsupported` with a sentence a user can read;
the spider then refuses to start instead of crawling nothing in silence.

    tousu    黑猫投诉: ts, rs, signature = sha256 of the sorted values plus a constant key
    zhihu    知乎: x-zse-93 / x-zse-96 from the URL path and the d_c0 cookie — unsupported
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class Unsupported(RuntimeError):
    """The site needs a signature we cannot compute; the message says what is missing."""


@dataclass(frozen=True)
class Signed:
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


class Signer(Protocol):
    def sign(self, path: str, params: dict[str, str], cookies: dict[str, str]) -> Signed: ...
