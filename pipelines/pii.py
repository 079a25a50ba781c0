"""Replace personal data in free text with typed placeholders before anything is stored in clean tables.

Reviews, complaints and agencies' own pages carry phone numbers, WeChat and QQ ids, e-mails, and now
and then an ID card or bank card number, often disguised against platform filters (`微.信`, `V信`,
`扣扣`, full-width digits, `name#qq.com`). The marts need none of them, but they do need amounts,
dates and order numbers, so every pattern is anchored:
- ID cards pass the GB 11643 checksum, or follow the word 身份证 (a cue that strong needs no checksum);
- bank cards pass the Luhn check *and* have a card cue or 4-digit grouping (a bare 19-digit Taobao
  order number passes Luhn one time in ten);
- WeChat and QQ ids, and a bare handle in brackets, only after their cue words;
- an 11-digit number starting 1[3-9] is a mobile anywhere, unless a currency or a unit follows it or a
  currency sign precedes it.

Matching runs on a folded view of the text (full-width letters, digits and signs → ASCII, one
character for one, so positions are the same) and the placeholders replace the spans of the original.

Why not a library: `phonenumbers` validates numbers but its matcher reads no cue words and no
disguised forms, and the mainland ranges it would check are the one rule `1[3-9]` here; jionlp's
extractors are regular expressions of this same kind without the disguised cues, and importing it
loads its dictionaries into every crawl and build worker. Neither finds `微.信号是为: abc123`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

PLACEHOLDERS = ("[手机号]", "[电话]", "[微信]", "[QQ]", "[邮箱]", "[身份证]", "[银行卡]")

# Full-width ASCII (U+FF01–FF5E) and the ideographic space, one for one.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

Span = tuple[int, int, str]

# --- e-mail, also `name#host.com`, `name at host dot com`, `name(at)host.com` ----------------------
_AT = r"(?:@|#|\s?[(\[【]\s?(?:at|AT)\s?[)\]】]\s?|\s(?:at|AT)\s|\s?艾特\s?)"
_DOT = r"(?:\.|\s?[(\[【]\s?(?:dot|DOT)\s?[)\]】]\s?|\s(?:dot|DOT)\s)"
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}"
    + _AT
    + r"[A-Za-z0-9-]{1,63}(?:"
    + _DOT
    + r"[A-Za-z0-9-]{1,63})*"
    + _DOT
    + r"[A-Za-z]{2,10}(?![A-Za-z0-9])"
)
_EMAIL_HINT = re.compile(r"[@#]|\b(?:at|AT)\b|艾特")

# --- ID card (GB 11643), with or without a space or dash between its 6-8-4 groups --------------------
_ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}[ -]?(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    r"[ -]?\d{3}[0-9Xx](?![0-9A-Za-z])"
)
_ID_CUE = re.compile(r"(?:身份证|身份證|证件号|證件號)[^\d\n]{0,8}$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# --- bank card -------------------------------------------------------------------------------------------
_CARD_CUE = re.compile(
    r"(?:银行卡|銀行卡|卡号|卡號|储蓄卡|儲蓄卡|信用卡|借记卡|借記卡|银行账号|銀行賬號|账号|帳號|帐号|賬號|"
    r"收款账户|收款帳戶|开户行|開戶行|银行|銀行)[^\d\n]{0,12}$"
)
_CARD = re.compile(r"(?<![\d-])(?:\d{4}[ -]){3,4}\d{1,7}(?![\d-])|(?<!\d)\d{16,19}(?!\d)")

# --- phones ----------------------------------------------------------------------------------------------
# Not money or a count: no currency sign before, no currency or unit after.
_NOT_AMOUNT = r"(?![ \t]*(?:元|块|塊|万|萬|亿|億|千|百|美元|美金|rmb|RMB|%|次|件|单|單|笔|筆|人|个|個))"
_COUNTRY = r"(?:(?:\+|00)\s?86[\s-]?|\(\+?86\)\s?|86[ -]?)?"
_DASH = r"[ \-—–]"  # dashes as typed: hyphen, em and en dash (full-width ones are folded to "-")
_MOBILE = re.compile(r"(?<![\d+¥$])" + _COUNTRY + r"1[3-9]\d(?:[ \t.\-—–·]?\d){8}(?!\d)" + _NOT_AMOUNT)
_LANDLINE = re.compile(
    r"(?<![\d¥$])" + _COUNTRY + r"(?:\(0\d{2,3}\)|0\d{2,3}" + _DASH + r")[ ]?\d{3,4}" + _DASH + r"?\d{4}"
    r"(?:-\d{1,5})?(?!\d)"
    # After +86 the trunk 0 of the area code is dropped: +86-571-8888-6666, +86 (21) 12345678.
    r"|(?<![\d¥$])(?:\+|00)\s?86[\s-]?(?:\([1-9]\d{1,2}\)|[1-9]\d{1,2}"
    + _DASH
    + r")[ ]?\d{3,4}"
    + _DASH
    + r"?\d{4}(?!\d)"
    r"|(?<![\d¥$])[48]00(?:" + _DASH + r"?\d){7}(?!\d)" + _NOT_AMOUNT
)
# A local number without its area code, after a phone cue: "电话：8888 6666".
_LOCAL_AFTER_CUE = re.compile(
    r"((?:电话|電話|座机|座機|热线|熱線|固话|固話|[Tt]el|TEL)[:：\s]{0,3})(\d{3,4}"
    + _DASH
    + r"?\d{4})(?!\d)"
    + _NOT_AMOUNT
)

# --- cue-anchored ids --------------------------------------------------------------------------------------
# Cue words may be split by a dot or space, or written with a near-homophone (威信, 薇信, V信, 扣扣, 企鹅).
_SEP = r"[\s:=是为為号號码碼\-]{0,6}"
_OBF = r"[\s.·\-_*/]?"
# Between 微 and 信 (and before 号) a filter-dodger also drops stray Latin letters: 微V.信X号.
_OBF_WIDE = r"[\s.·\-_*/A-Za-z]{0,3}"
_QQ = re.compile(
    r"((?<![A-Za-z])(?:[Qq]" + _OBF + r"[Qq](?![A-Za-z])|扣扣|企鹅|企鵝|Q号|Q號|球球)(?:群|羣)?" + _SEP + r")"
    r"([1-9]\d{4,11})(?!\d)"
)
_WECHAT = re.compile(
    # A Latin cue must stand alone: "wxyz123456" is a model number, not "wx: yz123456".
    r"((?:[微薇威徽]" + _OBF_WIDE + r"信|(?<![A-Za-z])[Vv]" + _OBF + r"信"
    r"|(?<![A-Za-z])(?:[Vv][Xx]|[Ww][Xx]|weixin|wechat|WeChat|Wechat)(?![A-Za-z])|(?<=[加+])[Vv薇微](?![A-Za-z])"
    # A bare V or 薇 right before a colon ("V：abc123") is the shortest disguise of all.
    r"|薇(?=\s?[:：])|(?<![A-Za-z])[Vv](?=\s?[:：]))"
    r"(?:[A-Za-z.·*\s]{0,2}(?:同号|同號|号|號))?(?:ID|id|Id)?" + _SEP + r")"
    r"([A-Za-z][-_A-Za-z0-9]{5,19}|[1-9]\d{5,11})(?![-_A-Za-z0-9])"
)
# A bare lower-case handle in brackets after 联系 ("联系：某某小编(abcdefg)"); also when mojibake ate 联.
_HANDLE = re.compile(
    r"((?:(?:联|聯)(?:系|繫|络|絡)(?:方式|人|我们|我)?|系(?=:))[^\n(]{0,12}\()([a-z][a-z0-9_-]{4,19})(?=\))"
)

# Cheap tests that decide which finders can match at all: most documents carry no personal data, and
# scanning every pattern over every position was most of mask's cost.
_WIDE = re.compile("[\uff01-\uff5e\u3000]")
_NUMBER_RUN = re.compile(r"\d(?:[^\S\n]?[-—–.·()]?[^\S\n]?\d){6}")  # 7+ digits: phones, IDs, cards
_QQ_HINTS = ("Q", "q", "扣扣", "企鹅", "企鵝", "球球")
_WECHAT_HINTS = ("信", "薇", "加微", "+微", "加v", "加V", "+v", "+V", "weixin", "wechat", "WeChat", "Wechat")
_WECHAT_HINTS += ("vx", "VX", "Vx", "vX", "wx", "WX", "Wx", "wX", "V:", "v:", "V :", "v :")
_HANDLE_HINTS = ("系", "絡", "络")


def _id_checksum_ok(number: str) -> bool:
    digits = re.sub(r"[ -]", "", number)
    total = sum(int(d) * w for d, w in zip(digits[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == digits[17].upper()


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


def _emails(view: str) -> Iterator[Span]:
    if _EMAIL_HINT.search(view):
        for m in _EMAIL.finditer(view):
            yield m.start(), m.end(), "[邮箱]"


def _id_cards(view: str) -> Iterator[Span]:
    for m in _ID_CARD.finditer(view):
        if _id_checksum_ok(m.group(0)) or _ID_CUE.search(view[max(0, m.start() - 12) : m.start()]):
            yield m.start(), m.end(), "[身份证]"


def _cards(view: str) -> Iterator[Span]:
    for m in _CARD.finditer(view):
        raw = m.group(0)
        digits = re.sub(r"[ -]", "", raw)
        if not 16 <= len(digits) <= 19 or not luhn_ok(digits):
            continue
        if raw != digits or _CARD_CUE.search(view[max(0, m.start() - 20) : m.start()]):
            yield m.start(), m.end(), "[银行卡]"


def _pattern(regex: re.Pattern[str], placeholder: str) -> Callable[[str], Iterator[Span]]:
    def find(view: str) -> Iterator[Span]:
        for m in regex.finditer(view):
            yield m.start(), m.end(), placeholder

    return find


def _after_cue(regex: re.Pattern[str], placeholder: str) -> Callable[[str], Iterator[Span]]:
    """Only the id (group 2) is replaced: the cue stays, so a reader still sees what was there."""

    def find(view: str) -> Iterator[Span]:
        for m in regex.finditer(view):
            yield m.start(2), m.end(2), placeholder

    return find


# Most specific first: a span already taken is not matched again (an ID card is not also a phone).
_LONG_NUMBERS = (
    _id_cards,
    _cards,
    _pattern(_MOBILE, "[手机号]"),
    _pattern(_LANDLINE, "[电话]"),
    _after_cue(_LOCAL_AFTER_CUE, "[电话]"),
)
_QQ_IDS = _after_cue(_QQ, "[QQ]")
_WECHAT_IDS = _after_cue(_WECHAT, "[微信]")
_HANDLES = _after_cue(_HANDLE, "[微信]")


def _finders(view: str) -> list[Callable[[str], Iterator[Span]]]:
    """The finders that can match in this text, in the order they take precedence."""
    finders: list[Callable[[str], Iterator[Span]]] = [_emails]
    if _NUMBER_RUN.search(view):
        finders += _LONG_NUMBERS
    if any(h in view for h in _QQ_HINTS):
        finders.append(_QQ_IDS)
    if any(h in view for h in _WECHAT_HINTS):
        finders.append(_WECHAT_IDS)
    if "(" in view and any(h in view for h in _HANDLE_HINTS):
        finders.append(_HANDLES)
    return finders


def mask(text: str) -> str:
    """Personal data → typed placeholders (`[手机号]`, `[微信]`, … see PLACEHOLDERS). Idempotent."""
    if not isinstance(text, str):
        raise TypeError(f"mask() takes str, not {type(text).__name__}")
    if not text:
        return text
    view = text.translate(_FOLD) if _WIDE.search(text) else text
    taken: list[Span] = []
    for finder in _finders(view):
        for span in finder(view):
            if not any(span[0] < end and start < span[1] for start, end, _ in taken):
                taken.append(span)
    if not taken:
        return text
    out, at = [], 0
    for start, end, placeholder in sorted(taken):
        out += [text[at:start], placeholder]
        at = end
    out.append(text[at:])
    return "".join(out)
