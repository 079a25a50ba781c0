"""黑猫投诉's API signature.

Every call to `/api/company/received_complaints` (and the site's other list APIs) carries `ts` (epoch
ms), `rs` (16 random characters from [0-9a-zA-Z]) and `signature`: the SHA-256 hex digest of all
those string values, the constant key included, sorted as strings and concatenated. Public evidence:
many public crawlers of tousu.sina.com.cn compute it the same way (the constant key
`$d6eb7ff91ee257475%` appears in each); our test vector is a concatenated input published in one of
them (a Flask app's `/sha256/` route: key + "10" + "1617440563372" + "2" + "393" + "vqXujyqidsMC7WpK").
"""

from __future__ import annotations

import hashlib
import secrets
import string
import time

from spiders.signing import Signed

RS_ALPHABET = string.digits + string.ascii_letters


def signature(values: list[str], key: str) -> str:
    return hashlib.sha256("".join(sorted([*values, key])).encode("utf-8")).hexdigest()


class TousuSigner:
    def __init__(self, key: str, *, clock=time.time, nonce=None):
        if not key:
            raise ValueError("the 黑猫投诉 signer needs the profile's sign_key")
        self.key = key
        self._clock = clock
        self._nonce = nonce or (lambda: "".join(secrets.choice(RS_ALPHABET) for _ in range(16)))

    def sign(self, path: str, params: dict[str, str], cookies: dict[str, str] | None = None) -> Signed:
        """`params` are the call's own parameters (couid, type, page_size, page — or keywords …);
        returns them with ts, rs and signature added, in the order the site's pages send them."""
        ts = str(int(self._clock() * 1000))
        rs = self._nonce()
        values = [str(v) for v in params.values()]
        return Signed(
            params={"ts": ts, "rs": rs, "signature": signature([ts, rs, *values], self.key), **params}
        )
