"""Signers live apart from spiders (spiders/signing/): each is checked against a vector from public
evidence, and a signer we cannot reproduce says so instead of letting a crawl come back empty."""

from __future__ import annotations

import hashlib
import time

import pytest

from spiders.signing import Unsupported
from spiders.signing.tousu import TousuSigner, signature
from spiders.signing.zhihu import ZhihuSigner

KEY = "$d6eb7ff91ee257475%"


def test_tousu_signature_matches_the_published_input():
    # A public crawler of tousu.sina.com.cn hashes exactly this concatenation (key + sorted values):
    # "$d6eb7ff91ee257475%" "10" "1617440563372" "2" "393" "vqXujyqidsMC7WpK".
    published = "$d6eb7ff91ee257475%1016174405633722393vqXujyqidsMC7WpK"
    values = ["1617440563372", "vqXujyqidsMC7WpK", "2", "10", "393"]  # any order: the signer sorts
    assert signature(values, KEY) == hashlib.sha256(published.encode()).hexdigest()


def test_tousu_signer_adds_ts_rs_and_a_signature_over_every_parameter():
    signer = TousuSigner(KEY, clock=lambda: 1_700_000_000.0, nonce=lambda: "abcDEF0123456789")
    params = {"couid": "5555", "type": "1", "page_size": "10", "page": "3"}
    signed = signer.sign("api/company/received_complaints", params, {}).params
    assert signed["ts"] == "1700000000000" and signed["rs"] == "abcDEF0123456789"
    parts = sorted(["1700000000000", "abcDEF0123456789", KEY, "5555", "1", "10", "3"])
    assert signed["signature"] == hashlib.sha256("".join(parts).encode()).hexdigest()
    assert {k: signed[k] for k in params} == params


def test_tousu_signer_gives_a_fresh_ts_and_rs_each_time():
    signer = TousuSigner(KEY)
    a = signer.sign("p", {"page": "1"}, {}).params
    b = signer.sign("p", {"page": "1"}, {}).params
    assert len(a["rs"]) == 16 and a["rs"].isalnum()
    assert a["rs"] != b["rs"] and a["signature"] != b["signature"]
    assert abs(int(a["ts"]) - time.time() * 1000) < 60_000


def test_tousu_signer_refuses_to_sign_without_a_key():
    with pytest.raises(ValueError, match="sign_key"):
        TousuSigner("")


def test_zhihu_signer_says_it_is_unsupported_rather_than_signing_wrongly():
    with pytest.raises(Unsupported, match="x-zse-96"):
        ZhihuSigner().sign("/api/v4/questions/1/answers", {}, {"d_c0": "x"})
