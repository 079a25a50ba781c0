"""Replace personal data in free text with typed placeholders before anything is stored in clean tables.

Reviews and complaints carry merchants' phone numbers, WeChat and QQ ids, e-mails, and now and then an
ID card or bank card number. The marts need none of them, but they do need amounts, dates and order
numbers, so every pattern is anchored: ID cards must pass the GB 11643 checksum, bank cards the Luhn
check *and* a card cue or 4-digit grouping (a bare 19-digit Taobao order number passes Luhn one time in
ten), and WeChat/QQ ids are only recognised after their cue words. Mainland mobiles are recognised
anywhere: an 11-digit number starting 1[3-9] is a phone unless a currency unit follows it.
"""

from __future__ import annotations

import re

PLACEHOLDERS = ("[手机号]", "[电话]", "[微信]", "[QQ]", "[邮箱]", "[身份证]", "[银行卡]")

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+"
)

_ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9A-Za-z])"
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_CARD_CUE = re.compile(
    r"(?:银行卡|卡号|储蓄卡|信用卡|借记卡|银行账号|账号|帐号|收款账户|开户行|银行)[^\d\n]{0,12}$"
)
_CARD = re.compile(r"(?<![\d-])(?:\d{4}[ -]){3,4}\d{1,7}(?![\d-])|(?<!\d)\d{16,19}(?!\d)")

_CURRENCY_AFTER = r"(?!\s*(?:元|块|万|亿|千|百|美元|rmb|RMB|%|％))"
_MOBILE = re.compile(r"(?<![\d+])(?:(?:\+|00)?86[ -]?)?1[3-9]\d(?:[ -]?\d){8}(?![\d])" + _CURRENCY_AFTER)
_LANDLINE = re.compile(
    r"(?<![\d])(?:(?:\+|00)?86[ -]?)?(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[ -])[ ]?\d{7,8}(?:-\d{1,5})?(?!\d)"
    r"|(?<!\d)[48]00[ -]?\d{3}[ -]?\d{4}(?!\d)"
)

_SEP = r"[\s:：=是为号码\-]{0,6}"
_QQ = re.compile(
    r"((?<![A-Za-z])(?:(?:QQ|qq|Qq)(?![A-Za-z])|扣扣|企鹅|Q号)" + _SEP + r")([1-9]\d{4,11})(?!\d)"
)
_WECHAT = re.compile(
    # A Latin cue must stand alone: "wxyz123456" is a model number, not "wx: yz123456".
    r"((?<![A-Za-z])(?:微信|薇信|威信|徽信|V信|v信|(?:VX|vx|Vx|wx|WX|Wx|weixin|wechat|WeChat)(?![A-Za-z]))"
    r"(?:同号|号)?" + _SEP + r")([A-Za-z][-_A-Za-z0-9]{5,19}|[1-9]\d{5,11})(?![-_A-Za-z0-9])"
)


def mask(text: str) -> str:
    """Personal data → typed placeholders (`[手机号]`, `[微信]`, … see PLACEHOLDERS). Idempotent."""
    if not isinstance(text, str):
        raise TypeError(f"mask() takes str, not {type(text).__name__}")
    if not text:
        return text
    if "@" in text:
        text = _EMAIL.sub("[邮箱]", text)
    if not any(ch.isdigit() for ch in text):
        return text
    text = _ID_CARD.sub(lambda m: "[身份证]" if _id_checksum_ok(m.group(0)) else m.group(0), text)
    text = _CARD.sub(lambda m: "[银行卡]" if _looks_like_card(text, m) else m.group(0), text)
    text = _MOBILE.sub("[手机号]", text)
    text = _LANDLINE.sub("[电话]", text)
    text = _QQ.sub(lambda m: m.group(1) + "[QQ]", text)
    text = _WECHAT.sub(lambda m: m.group(1) + "[微信]", text)
    return text


def _id_checksum_ok(number: str) -> bool:
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _looks_like_card(text: str, m: re.Match[str]) -> bool:
    raw = m.group(0)
    digits = re.sub(r"[ -]", "", raw)
    if not 16 <= len(digits) <= 19 or not luhn_ok(digits):
        return False
    grouped = raw != digits
    cue = _CARD_CUE.search(text[max(0, m.start() - 20) : m.start()]) is not None
    return grouped or cue
