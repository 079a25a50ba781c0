"""Replace personal data in free text with typed placeholders before anything is stored in clean tables.

Reviews, complaints and agencies' own pages carry phone numbers, WeChat and QQ ids, e-mails, and now
and then an ID card or bank card number, often disguised against platform filters (`微.信`, `V信`,
`扣扣`, full-width or circled digits, digits written as characters, `name#qq.com`). The marts need none
of them, but they do need amounts, dates and order numbers, so every pattern is anchored:
- ID cards pass the GB 11643 checksum and carry a real date of birth, or follow the word 身份证 (a cue
  that strong needs no checksum, and also takes the old 15-digit cards);
- bank cards pass the Luhn check *and* have a card cue or 4-digit grouping (a bare 19-digit Taobao
  order number passes Luhn one time in ten);
- WeChat and QQ ids, public-account ids, and a bare handle in brackets, only after their cue words;
- an 11-digit number starting 1[3-9] is a mobile anywhere, unless a currency or a unit follows it or a
  currency sign precedes it;
- a foreign number (`+1-212-…`, `+852 …`, `(852) …`, `(212) 750-…`) counts only when `phonenumbers`
  finds it valid in its country's numbering plan, so `+12.5%` or `+10 000 000` stay figures.

Matching runs on a folded view of the text (full-width letters, digits and signs, circled and other
decorated digits → ASCII; a run of five or more Chinese digit characters `一三八…`/`壹叁捌…` → digits;
one character for one, so positions are the same) and the placeholders replace the spans of the original.

Why regular expressions and not a library for the mainland forms: `phonenumbers`' matcher reads no cue
words and no disguised forms (`138 1234 5678` after `微信同号`, a number in Chinese digits), and the
mainland ranges it would check are the one rule `1[3-9]` here; jionlp's extractors are regular
expressions of this same kind without the disguised cues, and importing it loads its dictionaries into
every crawl and build worker. Neither finds `微.信号是为: abc123`. `phonenumbers` does judge foreign
numbers, where a country's numbering plan is the only evidence; it is imported the first time a
candidate is seen, so a crawl whose pages carry none never pays for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from types import ModuleType

PLACEHOLDERS = ("[手机号]", "[电话]", "[微信]", "[QQ]", "[邮箱]", "[身份证]", "[银行卡]", "[出生日期]")

# Full-width ASCII (U+FF01–FF5E) and the ideographic space; digits dressed up against filters: circled ①,
# parenthesised ⑴, with a full stop ⒈, negative circled ❶ ➊, sans-serif circled ➀, double circled ⓵,
# and the mathematical bold, double-struck, sans-serif and monospace digits 𝟏 (one code point each).
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0x24EA: 0x30, 0x24FF: 0x30}
for _one in (0x2460, 0x2474, 0x2488, 0x2776, 0x2780, 0x278A, 0x24F5):
    _FOLD |= {_one + i: 0x31 + i for i in range(9)}
for _zero in range(0x1D7CE, 0x1D800, 10):
    _FOLD |= {_zero + i: 0x30 + i for i in range(10)}
_WIDE = re.compile("[\uff01-\uff5e\u3000\u2460-\u2490\u24ea-\u24ff\u2776-\u2793\U0001d7ce-\U0001d7ff]")

# Chinese digit characters, folded only inside a run of five or more of them (spaces or dashes between
# groups allowed): `一三八 一二三四 五六七八` is a phone written to dodge a filter, while money and dates
# written in characters carry 十百千万 or 年, which end a run. ASCII digits do not join a run: in
# "13812345678一直关机" the 一 is a word.
_CJK_DIGIT_CHARS = "〇零一二三四五六七八九幺壹贰貳叁參肆伍陆陸柒捌玖"
_CJK_DIGITS = str.maketrans(_CJK_DIGIT_CHARS, "001234567891122334566789")
# The separators a run may hold are those the mobile pattern allows, a line break included (a PDF or
# a narrow column breaks "一三〇\n〇〇〇〇\n〇〇〇〇" as it breaks plain digits).
_CJK_DIGIT_RUN = re.compile(f"[{_CJK_DIGIT_CHARS}](?:(?:[ \\-.·]|[ \t]*\n[ \t]*)?[{_CJK_DIGIT_CHARS}]){{4,}}")

Span = tuple[int, int, str]

# --- e-mail, also `name#host.com`, `name at host dot com`, `name(at)host.com`, `name@host点com` ------------
_AT = r"(?:\s?@\s?|#|\s?[(\[【{<]\s?(?:at|AT|@|艾特)\s?[)\]】}>]\s?|\s(?:at|AT)\s|\s?艾特\s?)"
_DOT = r"(?:\s?\.\s?|\s?[(\[【{<]\s?(?:dot|DOT|点|點|\.)\s?[)\]】}>]\s?|\s(?:dot|DOT)\s|点|點|。)"
# After a written-out dot (`点`, `。`, `(dot)`) only a common top-level domain: `qq。Then` is a sentence.
_TLD = r"(?:\.[A-Za-z]{2,10}|" + _DOT + r"(?:com|cn|net|org|edu|gov|info|biz|io|co|hk|tw|top|vip|me|cc|xyz))"
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}"
    + _AT
    + r"[A-Za-z0-9-]{1,63}(?:"
    + _DOT
    + r"[A-Za-z0-9-]{1,63})*"
    + _TLD
    + r"(?![A-Za-z0-9])"
)
_EMAIL_HINT = re.compile(r"[@#]|\b(?:at|AT)\b|艾特")
# With a bare " at " the word before it must not be English prose: "contact us at example.com" is a site.
_PROSE_BEFORE_AT = re.compile(
    r"(?i)(?:us|me|you|them|him|her|it|is|are|was|be|online|available|found|here|there|stores?|shop|"
    r"look|visit|buy|sold|live|based|www)\s(?:at)\s"
)

# --- ID card (GB 11643), digits in any grouping by single spaces or dashes ------------------------------
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])[1-9](?:[ -]?\d){16}[ -]?[0-9Xx](?![0-9A-Za-z])")
_ID_SHAPE = re.compile(r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx]")
# The first-generation 15-digit card (region, YYMMDD, 3 digits), only after the word 身份证.
_OLD_ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?!\d)"
)
_ID_CUE = re.compile(r"(?:身份证|身份證|证件号|證件號)[^\d\n]{0,8}$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# --- bank card -------------------------------------------------------------------------------------------
_CARD_CUE = re.compile(
    r"(?:银行卡|銀行卡|卡号|卡號|储蓄卡|儲蓄卡|信用卡|借记卡|借記卡|银行账号|銀行賬號|账号|帳號|帐号|賬號|"
    r"收款账户|收款帳戶|开户行|開戶行|银行|銀行)[^\d\n]{0,12}$"
)
# 16 to 19 digits in any grouping by single spaces or dashes; 4-digit groups alone make a cue unneeded.
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){15,18}(?![\d-])")
_CARD_GROUPS = re.compile(r"(?:\d{4}[ -]){3,4}\d{1,7}")

# --- phones ----------------------------------------------------------------------------------------------
# Not money or a count: no currency sign before, no currency or unit after.
_NOT_AMOUNT = (
    r"(?![ \t]*(?:元|块|塊|万|萬|亿|億|千|百|美元|美金|rmb|RMB|%|次|件|单|單|笔|筆|人|个|個|"
    r"台|部|张|張|套|份|家|位|名|户|戶|条|條|年|月|日|天))"
)
_COUNTRY = r"(?:(?:\+|00)\s?86[\s-]?|\(\+?86\)\s?|86[ -]?)?"
_DASH = r"[ \-—–]"  # dashes as typed: hyphen, em and en dash (full-width ones are folded to "-")
# An extension belongs to the number it extends: 0571-88886666转2, ext. 123.
_EXTENSION = r"(?:\s?(?:转|轉|分机|分機|ext\.?|Ext\.?|EXT\.?|x)\s?\d{1,5}(?!\d))?"
# A page cut into lines (a PDF, a narrow column) may break a mobile number once: 1516902\n8800.
_MOBILE = re.compile(
    r"(?<![\d+¥$])" + _COUNTRY + r"1[3-9]\d(?:(?:[ \t.\-—–·]|[ \t]*\n[ \t]*)?\d){8}(?!\d)" + _NOT_AMOUNT
)
_LANDLINE = re.compile(
    "|".join(
        [
            r"(?<![\d¥$])"
            + _COUNTRY
            + r"(?:\(0\d{2,3}\)|0\d{2,3}"
            + _DASH
            + r")[ ]?\d{3,4}"
            + _DASH
            + r"?\d{4}(?:-\d{1,5})?(?!\d)"
            + _EXTENSION,
            # After +86 the trunk 0 of the area code is dropped: +86-571-8888-6666, +86 (21) 12345678.
            r"(?<![\d¥$])(?:\+|00)\s?86[\s-]?(?:\([1-9]\d{1,2}\)|[1-9]\d{1,2}"
            + _DASH
            + r")[ ]?\d{3,4}"
            + _DASH
            + r"?\d{4}(?!\d)"
            + _EXTENSION,
            # 400 and 800 numbers in any grouping: 400-820-1234, 400-0033-166, 4000 698 946.
            r"(?<![\d¥$])[48]00(?:" + _DASH + r"?\d){7}(?!\d)" + _NOT_AMOUNT,
        ]
    )
)
# A number without its area code or in no standard grouping, after a phone cue: "电话：8888 6666",
# "传真 02080929898", "Tel: 2123 4567". Seven to twelve digits; a count or an amount is not one.
_PHONE_CUE = (
    r"(?:电话|電話|座机|座機|热线|熱線|固话|固話|传真|傳真|手机|手機|致电|致電|拨打|撥打|"
    r"(?<![A-Za-z])(?:[Tt]el|TEL|[Ff]ax|FAX|[Pp]hone|PHONE|[Tt]elephone|[Mm]obile|[Cc]ell|[Hh]otline|WhatsApp))"
)
_NUMBER_AFTER_CUE = re.compile(
    r"(" + _PHONE_CUE + r"[^\S\n]?(?:号码|號碼|number)?[:：.]?\s{0,3})"
    r"((?:\(\d{2,4}\)[ ]?)?\d{2,5}(?:" + _DASH + r"?\d{2,5}){0,3})(?!\d)" + _NOT_AMOUNT
)
# Foreign numbers: a country code after + or 00 (or in brackets), or the North American (212) 750-6474
# and 212-750-6474; each candidate is judged by phonenumbers, trailing groups dropped one at a time.
_FOREIGN = re.compile(
    r"(?<![\dA-Za-z+¥$])(?:(?:\+|00)\s?[1-9]\d{0,3}|\(\+[1-9]\d{0,2}\)|\([1-9]\d{1,2}\))"
    r"(?:[ \-.]{0,2}(?:\(\d{1,4}\)|\d{1,5})){1,6}"
    r"|(?<![\dA-Za-z+¥$-])(?:\([2-9]\d{2}\)\s?|[2-9]\d{2}[-.])[2-9]\d{2}[-.]\d{4}(?![\d-])"
)
_NOT_AMOUNT_AFTER = re.compile(_NOT_AMOUNT)
_FOREIGN_GROUP_END = re.compile(r"\d(?=[ \-.(]|$)|\)")

# --- cue-anchored ids --------------------------------------------------------------------------------------
# Cue words may be split by a dot, a space, a symbol or an emoji, or written with a near-homophone or a
# variant character (威信, 薇信, 徽信, 嶶信, V信, 微x, 扣扣, 企鹅), or with 信 split into 亻言.
_SEP = r"[\s:=是为為号號码碼\-]{0,6}"
_OBF = r"[^\w\n]?"
# Between 微 and 信 (and before 号) a filter-dodger also drops stray Latin letters: 微V.信X号.
_OBF_WIDE = r"(?:[^\w\n]|[A-Za-z]){0,3}"
_XIN = r"(?:信|亻言)"
_QQ_CUES = [
    r"(?<![A-Za-z])[Qq]" + _OBF + r"[Qq](?![A-Za-z])",  # QQ, Q.Q, q q
    r"扣" + _OBF + r"扣|抠抠|摳摳|寇寇|企鹅|企鵝|Q号|Q號|球球",
    r"群号|群號",  # a group with a number is a QQ group: WeChat groups have none
    r"(?<![A-Za-z])[Qq](?=\s?[:：])",  # a bare Q right before a colon ("Q：345678901"), as the bare V below
]
_QQ = re.compile(r"((?:" + "|".join(_QQ_CUES) + r")(?:群|羣)?" + _SEP + r")([1-9]\d{4,11})(?!\d)")
_WECHAT_CUES = [
    r"[微薇威徽嶶溦]" + _OBF_WIDE + _XIN,  # 微信, 微.信, 威信, 徽信, 微亻言
    r"(?<![A-Za-z])[Vv]" + _OBF + _XIN,  # V信, v❤信
    # A Latin cue must stand alone: "wxyz123456" is a model number, not "wx: yz123456".
    r"(?<![A-Za-z])(?:[VvWw]" + _OBF + r"[Xx]|[Ww]ei" + _OBF + r"[Xx]in|[Ww]e[Cc]hat|WECHAT)(?![A-Za-z])",
    r"微" + _OBF + r"[Xx](?![A-Za-z])",  # 微x
    r"(?<=[加+➕])(?:[Vv](?![A-Za-z])|[薇微])",  # 加V, +薇, 加微abc123
    r"卫星号|衛星號|绿泡泡|綠泡泡",  # "satellite" and "green bubble", the slang names
    # A bare V or 薇 right before a colon ("V：abc123") is the shortest disguise of all.
    r"薇(?=\s?[:：])|(?<![A-Za-z])[Vv](?=\s?[:：])",
]
_WECHAT = re.compile(
    r"((?:" + "|".join(_WECHAT_CUES) + r")"
    r"(?:[A-Za-z.·*\s]{0,2}(?:同号|同號|号|號))?(?:\s?(?:ID|id|Id))?(?:搜索|搜)?" + _SEP + r")"
    r"([A-Za-z][-_A-Za-z0-9]{5,19}|[1-9]\d{5,11})(?![-_A-Za-z0-9])"
)
# An id before its cue in brackets: "abc_12345（微信）", "shop2024x (WeChat)".
_WECHAT_BEFORE_CUE = re.compile(
    r"()(?<![-_A-Za-z0-9])([A-Za-z][-_A-Za-z0-9]{5,19})"
    r"(?=\s?[(（]\s?(?:微信号?|微信號|[Vv]信|[Vv][Xx]|[Ww][Xx]|[Ww]e[Cc]hat(?: ID)?)\s?[)）])"
)
# An ad's contact block: the id alone on its line (or after a colon), then the call to add it, on the
# same line or the next: "30001561\n添加微信", "abc_12345 加V咨询", "微信同号" after a bare number.
_WECHAT_ID_THEN_ADD = re.compile(
    r"()(?:(?<=^)|(?<=\n)|(?<=[:：]))[^\S\n]*([A-Za-z][-_A-Za-z0-9]{5,19}|[1-9]\d{5,11})"
    r"(?=[^\S\n]*(?:\n[^\S\n]*)?[(（]?(?:(?:添加|加我?|\+|➕)\s?(?:微信|薇信|[Vv]信|[Vv](?![A-Za-z])|[Ww][Xx](?![A-Za-z]))"
    r"|微信同[号號]))",
    re.MULTILINE,
)
# A public account's id: "微信公众号：某某新闻 (ID:abcnews)", "公众号ID：abc_news"; or a Latin handle right
# after the cue, "公众号：abcnews", standing alone: in "公众号LEUNG律师" the Latin part starts a name.
_PUBLIC_CUE = r"(?:公众号|公眾號|公号|服务号|服務號|订阅号|訂閱號|视频号|視頻號)"
_PUBLIC_ACCOUNT = re.compile(
    r"(" + _PUBLIC_CUE + r"(?:[^\n]{0,24}?[(（,，\s](?:ID|id|Id|微信号|微信號)|ID|id|Id)\s?[:：]?\s?)"
    r"([A-Za-z][-_A-Za-z0-9]{4,19})(?![-_A-Za-z0-9])"
    r"|(" + _PUBLIC_CUE + r"\s?[:：]?\s?)([A-Za-z][-_A-Za-z0-9]{4,19})(?![-\w])"
)
# A bare lower-case handle in brackets after 联系 ("联系：某某小编(abcdefg)"); also when mojibake ate 联.
_HANDLE = re.compile(
    r"((?:(?:联|聯)(?:系|繫|络|絡)(?:方式|人|我们|我)?|系(?=:))[^\n(]{0,12}\()([a-z][a-z0-9_-]{4,19})(?=\))"
)

# Cheap tests that decide which finders can match at all: most documents carry no personal data, and
# scanning every pattern over every position was most of mask's cost.
_NUMBER_RUN = re.compile(r"\d(?:[^\S\n]?[-—–.·()]?\s?\d){6}")  # 7+ digits: phones, IDs, cards
_FOREIGN_HINT = re.compile(r"(?:\+|(?<!\d)00|\()\s?[1-9]|\d{3}[-.]\d{3}[-.]\d{4}")
_ID_RUN = re.compile(r"[A-Za-z0-9][-_A-Za-z0-9]{4}")
_QQ_HINTS = ("Q", "q", "扣", "抠", "摳", "寇", "企鹅", "企鵝", "球球", "群号", "群號")
_WECHAT_HINT = re.compile(r"[信言薇微vVwW]|星[号號]|泡泡")
_PUBLIC_HINTS = ("公众号", "公眾號", "公号", "服务号", "服務號", "订阅号", "訂閱號", "视频号", "視頻號")
_HANDLE_HINTS = ("系", "絡", "络")


@cache
def _phonenumbers() -> ModuleType:
    # 40 ms at import: paid only by a process whose text has a foreign number
    import phonenumbers

    return phonenumbers


def _id_checksum_ok(digits: str) -> bool:
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
            if not _PROSE_BEFORE_AT.match(m.group(0)):
                yield m.start(), m.end(), "[邮箱]"


def _id_cue_before(view: str, start: int) -> bool:
    return bool(_ID_CUE.search(view[max(0, start - 12) : start]))


def _id_cards(view: str) -> Iterator[Span]:
    for m in _ID_CARD.finditer(view):
        digits = re.sub(r"[ -]", "", m.group(0))
        if _id_cue_before(view, m.start()) or (_ID_SHAPE.fullmatch(digits) and _id_checksum_ok(digits)):
            yield m.start(), m.end(), "[身份证]"
    for m in _OLD_ID_CARD.finditer(view):
        if _id_cue_before(view, m.start()):
            yield m.start(), m.end(), "[身份证]"


def _cards(view: str) -> Iterator[Span]:
    for m in _CARD.finditer(view):
        raw = m.group(0)
        digits = re.sub(r"[ -]", "", raw)
        if not 16 <= len(digits) <= 19 or not luhn_ok(digits):
            continue
        if _CARD_GROUPS.fullmatch(raw) or _CARD_CUE.search(view[max(0, m.start() - 20) : m.start()]):
            yield m.start(), m.end(), "[银行卡]"


def _valid_foreign(candidate: str) -> bool:
    phonenumbers = _phonenumbers()
    text = "+" + candidate[2:] if candidate.startswith("00") else candidate
    if text.startswith("("):  # "(852) 2123 4567", "(+1) 212…": a country code in brackets
        code, _, rest = text[1:].partition(")")
        text = "+" + code.lstrip("+") + " " + rest
    region = None if text.startswith("+") else "US"
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(text, region))
    except phonenumbers.NumberParseException:
        return False


# A dated line ("财经 (97) 2025-06-16 11:19") is no phone, whatever a numbering plan allows.
_ISO_DATE = re.compile(r"(?<!\d)(?:19|20)\d{2}[-./](?:0?[1-9]|1[0-2])[-./](?:0?[1-9]|[12]\d|3[01])(?!\d)")


def _foreign_phones(view: str) -> Iterator[Span]:
    if not _FOREIGN_HINT.search(view):
        return
    for m in _FOREIGN.finditer(view):
        # Longest first: "+1 (212) 750-6474 2023" is the number and then a year.
        ends = [e.end() for e in _FOREIGN_GROUP_END.finditer(m.group(0))][::-1]
        for end in ends:
            candidate = m.group(0)[:end]
            if sum(ch.isdigit() for ch in candidate) < 7:
                break
            if _ISO_DATE.search(candidate):
                continue
            if _valid_foreign(candidate) and _NOT_AMOUNT_AFTER.match(view, m.start() + end):
                yield m.start(), m.start() + end, "[电话]"
                break


def _numbers_after_cue(view: str) -> Iterator[Span]:
    for m in _NUMBER_AFTER_CUE.finditer(view):
        if 7 <= sum(ch.isdigit() for ch in m.group(2)) <= 12:
            yield m.start(2), m.end(2), "[电话]"


def _pattern(regex: re.Pattern[str], placeholder: str) -> Callable[[str], Iterator[Span]]:
    def find(view: str) -> Iterator[Span]:
        for m in regex.finditer(view):
            yield m.start(), m.end(), placeholder

    return find


def _after_cue(regex: re.Pattern[str], placeholder: str) -> Callable[[str], Iterator[Span]]:
    """Only the id (group 2) is replaced: the cue stays, so a reader still sees what was there."""

    def find(view: str) -> Iterator[Span]:
        for m in regex.finditer(view):
            group = 2 if m.start(2) >= 0 else 4  # a regex of two alternatives has its id in group 4
            yield m.start(group), m.end(group), placeholder

    return find


# A person's date of birth, as judgements and CVs give it (男，1990年3月8日出生; 出生于1990年3月;
# 出生日期：1990-03-08): year and month at least. Only a date tied to 出生/生于 is personal; every other
# date is evidence and stays.
_YMD = r"(?:19|20)\d{2}\s?(?:年\s?\d{1,2}\s?月(?:\s?\d{1,2}\s?[日号])?|[-./]\d{1,2}(?:[-./]\d{1,2})?)"
_BIRTH_DATE = re.compile(
    rf"(?<!\d){_YMD}(?=\s?(?:出生(?![率数人口])|生人|生(?=[，,。；;、\s]|汉族)))"
    rf"|(?<=出生于)\s?{_YMD}|(?<=生于){_YMD}|(?<=出生日期)[:：]?\s?{_YMD}|(?<=出生年月)[:：]?\s?{_YMD}"
)


def _birth_dates(view: str) -> Iterator[Span]:
    for m in _BIRTH_DATE.finditer(view):
        start = m.start() + len(m.group(0)) - len(m.group(0).lstrip(":： "))
        yield start, m.end(), "[出生日期]"


# Most specific first: a span already taken is not matched again (an ID card is not also a phone).
_LONG_NUMBERS = (
    _id_cards,
    _cards,
    _pattern(_MOBILE, "[手机号]"),
    _pattern(_LANDLINE, "[电话]"),
    _foreign_phones,
    _numbers_after_cue,
)
_QQ_IDS = _after_cue(_QQ, "[QQ]")
_WECHAT_IDS = _after_cue(_WECHAT, "[微信]")
_PUBLIC_IDS = _after_cue(_PUBLIC_ACCOUNT, "[微信]")
_HANDLES = _after_cue(_HANDLE, "[微信]")
_IDS_BEFORE_CUE = _after_cue(_WECHAT_BEFORE_CUE, "[微信]")
_IDS_BEFORE_ADD = _after_cue(_WECHAT_ID_THEN_ADD, "[微信]")


def _finders(view: str) -> list[Callable[[str], Iterator[Span]]]:
    """The finders that can match in this text, in the order they take precedence."""
    finders: list[Callable[[str], Iterator[Span]]] = [_emails]
    if "生" in view:
        finders.append(_birth_dates)
    if _NUMBER_RUN.search(view):
        finders += _LONG_NUMBERS
    if not _ID_RUN.search(view):  # every QQ, WeChat or public-account id is five characters or more
        return finders
    if any(h in view for h in _QQ_HINTS):
        finders.append(_QQ_IDS)
    if _WECHAT_HINT.search(view):
        finders += (_WECHAT_IDS, _IDS_BEFORE_CUE, _IDS_BEFORE_ADD)
    if any(h in view for h in _PUBLIC_HINTS):
        finders.append(_PUBLIC_IDS)
    if "(" in view and any(h in view for h in _HANDLE_HINTS):
        finders.append(_HANDLES)
    return finders


def _folded(text: str) -> str:
    """The view the finders read: same length as `text`, disguised digits and signs as plain ASCII."""
    view = text.translate(_FOLD) if _WIDE.search(text) else text
    return _CJK_DIGIT_RUN.sub(lambda m: m.group(0).translate(_CJK_DIGITS), view)


# Masking one number can uncover the next: "13000000000+81…" hides the foreign number behind a digit
# until the mobile becomes "[手机号]". Each round only replaces text with placeholders, so few rounds
# reach the fixed point that makes mask idempotent; a text with nothing to mask takes one.
_MAX_ROUNDS = 4


def mask(text: str) -> str:
    """Personal data → typed placeholders (`[手机号]`, `[微信]`, … see PLACEHOLDERS). Idempotent."""
    if not isinstance(text, str):
        raise TypeError(f"mask() takes str, not {type(text).__name__}")
    for _ in range(_MAX_ROUNDS):
        masked = _mask_once(text)
        if masked == text:
            break
        text = masked
    return text


def _mask_once(text: str) -> str:
    if not text:
        return text
    view = _folded(text)
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
