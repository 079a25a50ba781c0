"""Normalise the Chinese text real pages give us into plain simplified text every later stage can read.

What scraped pages look like (see the seeds in the design notes): traditional characters with pinyin
annotations glued after each character (`運(yùn)營(yíng)`), HTML entities escaped once or twice
(`&amp;ldquo;`), symbols sprinkled between characters to defeat keyword filters (`代■运◆营`),
replacement characters from a wrong decode, and boilerplate lines — copyright and 侵权 notices,
"关注…公众号", contact ads. `normalize` undoes all of that and keeps everything a person would call
content. Order matters: entities first (they can hide symbols and parentheses), pinyin before the
script conversion (the pinyin is only recognisable next to the character it annotates), boilerplate
after the conversion (one simplified pattern list then serves both scripts).
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata

import opencc

# --------------------------------------------------------------------------------------------
# Script conversion. OpenCC's converter costs ~50 ms to build; build it once, on first use.
# --------------------------------------------------------------------------------------------
_converters: dict[str, opencc.OpenCC] = {}
_converter_lock = threading.Lock()


def _converter(config: str) -> opencc.OpenCC:
    conv = _converters.get(config)
    if conv is None:
        with _converter_lock:
            conv = _converters.get(config)
            if conv is None:
                conv = _converters[config] = opencc.OpenCC(config)
    return conv


def to_simplified(text: str) -> str:
    return _converter("t2s").convert(text)


def is_traditional(text: str) -> bool:
    """True when the text is written in traditional characters (enough of them to be the script).

    A single 後 or 著 in a simplified text is a quotation or a name, so the test is a share: at least
    one in twenty CJK characters must change under t2s (traditional prose runs at 20–40%),
    and at least two of them.
    """
    if not text:
        return False
    cjk = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if not cjk:
        return False
    sample = "".join(cjk[:4000])
    simplified = to_simplified(sample)
    changed = sum(1 for a, b in zip(sample, simplified, strict=False) if a != b)
    return changed >= 2 and changed >= 0.05 * len(sample)


# --------------------------------------------------------------------------------------------
# Entities and markup.
# --------------------------------------------------------------------------------------------
# A decoder error sometimes eats the "&" of a double-escaped entity, leaving "amp;ldquo;".
_ORPHAN_AMP = re.compile(r"(?<![&\w])amp;(?=#?\w{2,8};)")
# ... or the whole "&amp;" ("?ldquo;"); only the quote and space entities are common enough to repair.
_ORPHAN_ENTITY = re.compile(r"(?<![&\w])(?=(?:[lr]dquo|[lr]squo|quot|nbsp|hellip|mdash|middot);)")
_TAG_BREAK = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6]|/tr)\s*/?\s*>", re.I)
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]{0,10}(?:\s[^<>]{0,400})?/?>")


def _unescape(text: str) -> str:
    # Unescape until nothing changes: `&amp;amp;quot;` needs three rounds. Bounded, so a hostile
    # input of a million nested `&amp;` cannot loop; four rounds covers every page we have seen.
    text = _unescape_rounds(text)
    # Only then repair entities whose "&" a decoder ate ("amp;ldquo;", "?ldquo;"): before the rounds,
    # the "ldquo;" inside a healthy "&amp;ldquo;" would look orphaned too.
    if ";" in text and ("amp;" in text or "quo;" in text or "nbsp;" in text or "hellip;" in text
                        or "mdash;" in text or "middot;" in text or "quot;" in text):
        text = _ORPHAN_AMP.sub("&", text)
        text = _ORPHAN_ENTITY.sub("&", text)
        text = _unescape_rounds(text)
    return text


def _unescape_rounds(text: str) -> str:
    for _ in range(4):
        if "&" not in text:
            break
        new = html.unescape(text)
        if new == text:
            break
        text = new
    return text


# --------------------------------------------------------------------------------------------
# Pinyin annotations: `運(yùn)營(yíng)`, `中國(guó)`, `行(hang2)`, also with full-width parentheses.
# Only a parenthesis right after a CJK character holding exactly one valid pinyin syllable is removed,
# so (GMV), (2023年), (app), (SEO) and (seo) stay.
# --------------------------------------------------------------------------------------------
_TONE_MARKS = str.maketrans(
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ",
    "aaaaeeeeiiiioooouuuuvvvvvnnnm",
)
_INITIALS = ("", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x",
             "zh", "ch", "sh", "r", "z", "c", "s", "y", "w")
_FINALS = ("a", "o", "e", "i", "u", "v", "ai", "ei", "ao", "ou", "an", "en", "ang", "eng", "ong", "er",
           "ia", "ie", "iao", "iu", "ian", "in", "iang", "ing", "iong", "ua", "uo", "uai", "ui", "uan",
           "un", "uang", "ue", "ve", "van", "vn", "io", "ueng")
_PINYIN = frozenset(i + f for i in _INITIALS for f in _FINALS) | {"n", "ng", "m", "hm", "hng", "ê"}
# Toneless syllables that are also English words or acronyms people put in parentheses; with a tone
# mark or digit they are pinyin like any other (安(ān), 办(bàn)).
_ENGLISH_LOOKING = frozenset(
    {"ai", "an", "ban", "can", "fan", "man", "pan", "ran", "tan", "ten", "pin", "bin", "din", "tin",
     "me", "he", "we", "she", "bo", "go", "no", "so", "ca", "pa"}
)
_PINYIN_PAREN = re.compile(
    r"(?<=[\u3400-\u9fff\uf900-\ufaff])[(（]\s*([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿê]{1,6})([1-5])?\s*[)）]"
)


def _strip_pinyin(text: str) -> str:
    if "(" not in text and "（" not in text:
        return text
    # Toned annotations (yùn, yun4) are unmistakable. A toneless one like 运(yun) is only pinyin when
    # the text annotates that way repeatedly; a lone (bang) after a character is a word the author meant.
    toned = 0
    for m in _PINYIN_PAREN.finditer(text):
        if _pinyin_kind(m) == "toned":
            toned += 1
            if toned >= 2:
                break
    strip_toneless = toned >= 2

    def repl(m: re.Match[str]) -> str:
        kind = _pinyin_kind(m)
        if kind == "toned" or (kind == "toneless" and strip_toneless):
            return ""
        return m.group(0)

    return _PINYIN_PAREN.sub(repl, text)


def _pinyin_kind(m: re.Match[str]) -> str | None:
    raw, tone_digit = m.group(1), m.group(2)
    # Uppercase letters are acronyms (GMV, ROI, SEO), never an annotation.
    if raw != raw.lower():
        return None
    syllable = raw.translate(_TONE_MARKS)
    if syllable not in _PINYIN:
        return None
    if tone_digit or syllable != raw:
        return "toned"
    return None if syllable in _ENGLISH_LOOKING else "toneless"


# --------------------------------------------------------------------------------------------
# Debris: characters that carry no content.
# --------------------------------------------------------------------------------------------
_INVISIBLE = re.compile(
    "[\ufffd\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff\u00ad"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]"
)
# Symbols that anti-spam tools insert between characters; between two word characters they are noise.
_INJECTED = "■□◆◇★☆●○▲△▼▽◎※♦♥♠♣▪▫◼◻❤✦✧✪✿❀"
_WORD = r"[\w\u3400-\u9fff]"
_INJECTED_BETWEEN = re.compile(rf"(?<={_WORD})[{_INJECTED}]+(?={_WORD})")
# 微.信, 幕.思.城: dots inserted between single CJK characters to dodge keyword filters.
_DOT_BETWEEN_CJK = re.compile(r"(?<=[\u4e00-\u9fff])[.·•](?=[\u4e00-\u9fff])")
# 幕 思 城, 找幕 思 城: two or more single CJK characters spaced out one by one after a CJK character.
_SPACED_CJK = re.compile(r"(?<=[\u4e00-\u9fff])(?: [\u4e00-\u9fff](?![\u4e00-\u9fff])){2,}")
_FULLWIDTH_ALNUM = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF5B) if chr(cp - 0xFEE0).isalnum()}
_FULLWIDTH_ALNUM[0xFF05] = ord("%")
_FULLWIDTH_ALNUM[0xFF0E] = ord(".")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# A space next to full-width punctuation is layout debris (often a decoded &nbsp;), never content.
_SPACE_AT_CJK_PUNCT = re.compile(r" ?([，。！？；：、“”‘’（）《》【】「」…]) ?")


# --------------------------------------------------------------------------------------------
# Boilerplate lines. Patterns are matched against the simplified line; a line is dropped only when
# the whole line is boilerplate (short, and the pattern is the point of it), never a sentence that
# merely mentions 微信 or 版权.
# --------------------------------------------------------------------------------------------
_CONTACT_CUE = (
    r"(?:微信|薇信|威信|vx|v信|wx|weixin|wechat|qq|扣扣|企鹅|电话|手机|热线|座机|联系方式|tel|☎|📞|\bV(?=[:：]))"
)
_CONTACT_ID = r"(?:\d[\d\s-]{4,}\d|[a-zA-Z][\w-]{4,19})"
_BOILERPLATE = [
    re.compile(r"©|\(c\)\s*\d{4}|版权所有|版权归|copyright", re.I),
    re.compile(r"侵权.{0,30}(?:删除|联系|告知|处理)|(?:删除|联系).{0,10}侵权|侵删"),
    re.compile(r"关注.{0,24}公众号|公众号[:：]|微信扫码|扫码关注|长按.{0,6}二维码|识别二维码"),
    re.compile(r"免责声明|不代表本站(?:观点|立场)|仅代表(?:作者|用户)(?:本人|个人)?观点|转载请注明|本站部分文章|未经授权.{0,6}转载"),
    re.compile(rf"加我{_CONTACT_CUE}|{_CONTACT_CUE}咨询|更多资讯请关注|欢迎.{{0,6}}咨询", re.I),
]
_BOILERPLATE_MAX_CHARS = 120
# Contact ads: a cue followed by an id (QQ：12345678, 微信 abc_123, V：abc123), or a bare mobile number.
# A line with one of them is an ad only when it also solicits or gives two ways to reach someone;
# a complaint that says "客服电话13812345678一直关机" is content (pii.mask handles the number).
_CONTACT = re.compile(
    rf"{_CONTACT_CUE}.{{0,12}}?[:：号是为]?\s*{_CONTACT_ID}|(?<!\d)1[3-9]\d{{9}}(?!\d)", re.I
)
_SOLICIT = re.compile(
    r"加我|添加|加V|加v|加微|加Q|加q|加群|进群|拉你|交流群|联系我|咨询|详询|扫码|私信|拨打|致电|欢迎|免费|"
    r"了解更多|领取|获取|商务合作|合作请|备注|同微信|同号"
)
# A copyright or 侵权 word inside a merchant's story ("主图是盗来的，被投诉侵权") is content.
_LEGAL_NOTICES = _BOILERPLATE[:2]
_STORY = re.compile(r"合同|店铺|主图|商家|投诉|服务商|他们|交了|退款|被扣|盗")


def _is_boilerplate(line: str) -> bool:
    if len(line) > _BOILERPLATE_MAX_CHARS:
        return False
    for pattern in _BOILERPLATE:
        if not pattern.search(line):
            continue
        if pattern in _LEGAL_NOTICES and _STORY.search(line):
            continue
        return True
    contacts = len(_CONTACT.findall(line))
    return contacts >= 2 or (contacts == 1 and _SOLICIT.search(line) is not None)


def _clean_line(line: str) -> str:
    line = _SPACES.sub(" ", line).strip()
    if not line:
        return line
    if " " in line:
        line = _SPACE_AT_CJK_PUNCT.sub(r"\1", line)
    line = _INJECTED_BETWEEN.sub("", line)
    line = _DOT_BETWEEN_CJK.sub("", line)
    if " " in line:
        line = _SPACED_CJK.sub(lambda m: m.group(0).replace(" ", ""), line)
    return line


def _pass(text: str) -> str:
    text = _unescape(text)
    if "<" in text:
        text = _TAG_BREAK.sub("\n", text)
        text = _TAG.sub("", text)
    text = _INVISIBLE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_FULLWIDTH_ALNUM)
    text = _strip_pinyin(text)
    text = to_simplified(text)
    text = unicodedata.normalize("NFC", text)
    lines = []
    for raw in text.split("\n"):
        line = _clean_line(raw)
        if line and not _is_boilerplate(line):
            lines.append(line)
    return "\n".join(lines)


def normalize(text: str) -> str:
    """Scraped text → clean simplified Chinese, one paragraph per line. Idempotent; never raises on str.

    Cleaning one layer can expose another (a removed symbol joins `&` and `amp;`, a removed pinyin
    group joins two traditional characters OpenCC then converts as a phrase), so the pass is repeated
    until the text stops changing — almost always one extra cheap pass over already-clean text.
    """
    if not isinstance(text, str):
        raise TypeError(f"normalize() takes str, not {type(text).__name__}")
    out = _pass(text)
    if out == text:  # already clean: a fixed point, no second pass needed
        return out
    for _ in range(4):
        again = _pass(out)
        if again == out:
            break
        out = again
    return out
