"""Where a normalised text names an organisation, and in which form.

Forms, each found from its right end (a suffix, a stock code, a closing quote), which keeps the scan
linear; the left edge is where the words of the sentence stop (`_left_edge`):
- `legal`: 杭州某某网络科技有限公司, 宝尊电子商务（上海）有限公司, 深圳市某服饰有限公司;
- `brand`: a short name before 电商/代运营/电子商务/科技/数字/网络/股份/集团 (青柚电商, 鹿鸣数字);
- `masked`: 乐某公司, 美某公司, 杭州某某公司, 某网络公司, A公司 (court reports and news hide names);
- `company`: a short name before 公司 (瑞志公司);
- `listed`: a name before its stock code, 某某(600999.SH), 某某-W(09999), 某某(纳斯达克: …);
- `defined`: the short name a text defines, (以下简称“某某”);
- `cued`: a bare name right after an agency word, 代运营商某某 / 服务商某某, or a quoted name that an
  agency word follows (“某某”等一批农村电商企业), or one listed beside another found name
  (某某电商和某某等);
- `english`: Lumen Inc., Acme Group, Chief Executive Officer of Acme;
- `titled`: a name before its officer's title or founding (某某创始人, 某某成立于); `answering`: one
  that answers for itself (某某方面回应称, 某某相关负责人表示); `accused`: who a complaint is against
  (投诉对象：某某, 涉事代运营公司某某);
- `publisher`: who signs a self-published text (某某的小编, 稿源: 某某);
- `repeated`: a string that is no word, opens clauses and occurs three times or more.

Nothing here decides whether the organisation is an agency: `agency_context` does, from the words
around it. Text must come through `pipelines.text.normalize` first (simplified script).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pipelines.lexicon import (
    covered_by_words,
    ends_with_function_word,
    is_common,
    is_phrase_word,
    is_words,
    leads_a_phrase,
    starts_with_function_word,
    word_crosses,
)


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    name: str
    form: str


def _words(*lines: str) -> list[str]:
    return [w for line in lines for w in line.split()]


def _alternation(words: list[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


REGIONS = _words(
    "北京 上海 天津 重庆 杭州 宁波 温州 金华 义乌 嘉兴 湖州 绍兴 台州 丽水 衢州 舟山 苏州 南京 无锡 常州",
    "徐州 南通 扬州 广州 深圳 东莞 佛山 中山 珠海 汕头 惠州 成都 武汉 长沙 郑州 西安 厦门 福州 泉州 莆田",
    "青岛 济南 临沂 合肥 石家庄 沈阳 大连 南昌 昆明 贵阳 南宁 海口 太原 哈尔滨 长春 兰州 乌鲁木齐 呼和浩特",
    "银川 西宁 拉萨 浙江 江苏 广东 福建 山东 河北 河南 湖北 湖南 安徽 江西 四川 云南 贵州 广西 海南 山西",
    "陕西 辽宁 吉林 黑龙江 甘肃 内蒙古 宁夏 青海 西藏 新疆 香港 娄底 揭阳 潮州 普宁 汕尾 保定 邢台",
)
_REGION = _alternation(REGIONS)
_REGION_AT = re.compile(rf"(?:{_REGION})(?:市|省|自治区)?")
# Single characters that end the words before a name (找青柚电商, 由美某公司, 的鹿鸣科技).
STOP_CHARS = frozenset(
    "的了过在和与跟及或是被把将对向从由给让找来去当而使该此这那其每各为以于据称等也都就又还再才只请叫选签"
    "有会但另你我他她它们要能可应需很更最太并且即如"
)

_CJK = r"\u4e00-\u9fff"
_NAME = rf"[{_CJK}A-Za-z0-9]"
_NAME_CHAR = re.compile(_NAME)

_LEGAL_END = re.compile(r"(?:股份)?有限(?:责任)?公司")
_LEGAL_RUN = re.compile(rf"(?:{_NAME}|[(（][{_CJK}]{{2,4}}[)）]){{2,26}}$")
# Ends of brand names; not where the word goes on into a kind of business (电商平台, 数字化, 网络营销).
_BRAND_END = re.compile(
    r"(?:电子商务|电商|代运营|网络科技|数字科技|信息科技|科技|数字|网络|股份|控股|集团)"
    r"(?!平台|行业|领域|模式|化|经济|时代|营销|技术|创新|企业|运营|服务|直播|巨头|从业|生态|渠道|代运营|"
    r"电商|零售|产业|发展|转型|人才|时|安全|信息|用户|购物|交易|流量|市场|赋能|"
    # a phrase's noun (共创电商辉煌, 电商之路, 电商卖家), or a brand's own unit (某品牌电商事业部)
    r"辉煌|未来|篇章|新篇|之路|梦|蓝海|红利|浪潮|风口|江湖|圈|卖家|商家|店铺|从业者|小白|新手|老板|"
    r"事业部|事业群|业务部|部门|部(?!分))"
)
# Looked for right to left from each 公司, in the dozen characters before it (a scan from every
# position with the optional region in front was a tenth of discover's time).
_MASKED = re.compile(
    rf"(?:(?P<region>{_REGION})(?:市|省)?)?(?P<x>[{_CJK}]?某某?|[A-Z]{{1,3}})(?P<kind>[{_CJK}]{{0,4}}?)公司$"
)
_COMPANY = re.compile("公司")
_SHORT_COMPANY = re.compile(rf"([{_CJK}]{{2,3}})公司")
_LISTED = re.compile(
    r"[(（]\s?(?:(?:股票|证券)代码[:：]?\s?)?"
    r"(?:\d{6}|\d{4,5}\.?(?:hk|HK)?|\d{6}\.(?:sh|sz|SH|SZ)|纳斯达克|港交所|nasdaq|Nasdaq|NASDAQ|NYSE|HKEX)"
)
_DEFINED = re.compile(r"(?:以下)?简称[:：]?\s?[“\"「『]([^”\"」』\s]{2,8})[”\"」』]")
_AGENCY_WORD_BEFORE = re.compile(
    r"(?:代运营商|运营商|服务商|代运营企业|代运营公司|服务企业|头部企业|电商企业|淘拍档)$"
)
_AFTER_AGENCY_WORD = re.compile(
    rf"(?<=[商业司])([{_CJK}]{{2,4}}?)(?=[(（,，。、的在以于将已]|发布|披露|表示|称)"
)
_QUOTED = re.compile(rf"[‘“「『]([{_CJK}A-Za-z]{{2,6}})[’”」』]")
# Within the clause: “关店”、某某破产：代运营… is a quoted word, not a name of the kind that follows.
_QUOTED_AGENCY_AFTER = re.compile(
    r"(?P<such>等|这样的|这类|之类的?)?[^、，,：:；;。！!？?\n]{0,12}?"
    r"(?:代运营|服务商|运营商|电商企业|电商服务|服务企业|电商公司)"
)
_SIBLING = re.compile(rf"^(?:和|与|、|及|以及)([{_CJK}]{{2,4}}?)(?=等|、|和|与|及|,|，|。|的|\s)")
_ENGLISH = re.compile(
    r"\b([A-Z][A-Za-z&]+(?: [A-Z][A-Za-z&]+){0,2}),? "
    r"(?:Inc\b|Ltd\b|Limited\b|Group\b|Holdings\b|Co\.|Corporation\b)"
)
_ENGLISH_OFFICER = re.compile(r"(?:Officer|CEO|Chairman|President|[Ff]ounder) of ([A-Z][A-Za-z]+)")


_LEAD_VERB = re.compile(r"委托|托付|交给|选择|聘请|联系|签约|找了")
_KIND_FIRST = re.compile(r"代运营商|代运营|服务商|运营商|淘拍档|TP|tp")


def _left_edge(text: str, end: int, max_len: int, min_len: int = 2) -> int | None:
    """Where a name ending at `end` starts: the longest run of name characters that does not begin
    inside a word of the sentence, on a stop character, or with a phrase word. None if there is none."""
    start = end
    latin = None  # a short name is all Chinese or all Latin: ab线上 is "ab" and 线上
    while start > 0 and end - start < max_len and _NAME_CHAR.match(text[start - 1]):
        ch = text[start - 1]
        if ch in STOP_CHARS or (latin is not None and latin != ch.isascii()):
            break
        latin = ch.isascii()
        start -= 1
    kinds = [m.end() for m in _KIND_FIRST.finditer(text, start, end)]
    if kinds:
        start = kinds[-1]  # 淘拍档某某, 服务商某某: the kind, then the name
    for at in range(start, end - min_len + 1):
        piece = text[at:end]
        if piece[0] in STOP_CHARS or piece[0].isdigit() or word_crosses(text, at):
            continue
        if _LEAD_VERB.match(piece):
            continue  # 委托某某代运营: what the merchant did, then the name
        if leads_a_phrase(piece[0]) or starts_with_function_word(piece) or ends_with_function_word(piece):
            continue
        return at
    return None


def _trim_legal(candidate: str) -> str:
    """…有限公司和广州某某… starts after the earlier company; a name with a region starts at it;
    else the leading words of the sentence go (发现, 委托)."""
    earlier = candidate.rfind("公司", 0, len(candidate) - 2)
    if earlier >= 0:
        candidate = candidate[earlier + 2 :]
    body = _LEGAL_END.search(candidate)
    in_region = {i for m in _REGION_AT.finditer(candidate) for i in range(m.start(), m.end())}
    stops = [
        i
        for i, ch in enumerate(candidate[: body.start() if body else None])
        if ch in STOP_CHARS and i not in in_region
    ]
    if stops:  # 在海外注册的有限责任公司 is a description, not a name (成都's 都 is no stop)
        candidate = candidate[stops[-1] + 1 :]
    regions = [m for m in _REGION_AT.finditer(candidate) if len(candidate) - m.end() >= 4]
    if regions:
        return candidate[regions[-1].start() :]
    for at in range(len(candidate) - 4):
        piece = candidate[at:]
        if piece[0] in STOP_CHARS or starts_with_function_word(piece) or word_crosses(candidate, at):
            continue
        return piece
    return candidate


def _legal(text: str) -> list[Mention]:
    out = []
    for m in _LEGAL_END.finditer(text):
        run = _LEGAL_RUN.search(text, max(0, m.start() - 26), m.start())
        if run is None:
            continue
        name = _trim_legal(run.group(0) + m.group(0))
        out.append(Mention(m.end() - len(name), m.end(), name, "legal"))
    return out


# 某某电商代运营官网: the name is 某某电商, and 代运营 says what it does.
_SERVICE_AFTER_BRAND = re.compile(r"(?<=电商|科技|网络|数字)代运营$")


def _brand(text: str) -> list[Mention]:
    out = []
    for m in _BRAND_END.finditer(text):
        start = _left_edge(text, m.start(), 4)
        if start is not None:
            name = _SERVICE_AFTER_BRAND.sub("", text[start : m.end()])
            out.append(Mention(start, start + len(name), name, "brand"))
    return out


def _masked(text: str) -> list[Mention]:
    out = []
    for company in _COMPANY.finditer(text):
        pos = max(0, company.start() - 12)
        while (m := _MASKED.search(text, pos, company.end())) is not None:
            pos = m.start() + 1  # 陈某与乐某公司: if 陈某… is no name, 乐某公司 may be
            mention = _masked_mention(text, m)
            if mention is not None:
                out.append(mention)
                break
    return out


def _masked_mention(text: str, m: re.Match[str]) -> Mention | None:
    x, kind = m.group("x"), m.group("kind")
    start = m.start()
    if not m.group("region") and x[0] != "某" and "某" in x and is_common(text[start - 1 : start + 1]):
        x, start = x[1:], start + 1  # 被告某网络公司, 委托某网络公司: the 告 and 托 are the verb's
    if x == "某" and kind in ("", "代运营", "电商", "运营", "服务", "外包", "托管"):
        return None  # 某公司, 某代运营公司: "a company", "an agency" — nobody in particular
    if any(ch in STOP_CHARS for ch in kind):  # 陈某向公司: a person and a verb
        return None
    if x[0] != "某" and "某" in x and x[0] in STOP_CHARS:
        return None
    return Mention(start, m.end(), text[start : m.end()], "masked")


def _short_company(text: str) -> list[Mention]:
    out = []
    for m in _SHORT_COMPANY.finditer(text):
        start = _left_edge(text, m.end(1), 3)
        if start is not None and not word_crosses(text, m.end(1)):  # 橙屿母公司: 母公司 is a word
            out.append(Mention(start, m.end(), text[start : m.end()], "company"))
    return out


_SHARE_CLASS = re.compile(r"-[Ss]?[Ww]\s?$|\s$")
_LISTED_SUFFIX = re.compile(r"(?:电子商务|电商|科技|数字|网络|股份|控股|集团)$")


def _listed(text: str) -> list[Mention]:
    out = []
    for m in _LISTED.finditer(text):
        end = _SHARE_CLASS.search(text, max(0, m.start() - 4), m.start())  # 某某电商-W (09999)
        end = end.start() if end else m.start()
        # 鹿鸣科技(301999): the edge is looked for before 科技, which is a word of its own.
        suffix = _LISTED_SUFFIX.search(text, max(0, end - 4), end)
        name_end = suffix.start() if suffix else end
        start = _left_edge(text, name_end, 4 if suffix else 6)
        if start is not None:
            out.append(Mention(start, end, text[start:end], "listed"))
    return out


def _defined(text: str) -> list[Mention]:
    return [Mention(m.start(1), m.end(1), m.group(1), "defined") for m in _DEFINED.finditer(text)]


def _weak_name(name: str) -> bool:
    """A bare name (no suffix, code or mask says it is one) must not look like a phrase, be a word
    of the dictionary (客服, 宝贝), or be a masked or familiar person (陈某, 小李)."""
    return not (
        "某" in name
        or name[0] in "小老阿"
        or is_words(name)
        or name[0] in STOP_CHARS
        or leads_a_phrase(name[0])
        or is_phrase_word(name)
        or starts_with_function_word(name)
        or ends_with_function_word(name)
    )


def _cued(text: str) -> list[Mention]:
    out = []
    for m in _QUOTED.finditer(text):
        kind = _QUOTED_AGENCY_AFTER.match(text, m.end())
        if kind and _weak_name(m.group(1)):
            # “某某”等一批农村电商企业: a list of one, closed by its kind, as A、B等代运营商 is.
            form = "enumerated" if kind.group("such") else "cued"
            out.append(Mention(m.start(1), m.end(1), m.group(1), form))
    return out


def _after_agency_word(text: str) -> list[Mention]:
    out = []
    for m in _AFTER_AGENCY_WORD.finditer(text):
        if not _AGENCY_WORD_BEFORE.search(text, max(0, m.start() - 6), m.start()):
            continue
        name = m.group(1)
        if _weak_name(name) and not word_crosses(text, m.end()):
            out.append(Mention(m.start(), m.end(), name, "cued"))
    return out


_BOUNDARY_BEFORE = r"(?:^|(?<=[\s,，。:：;；!！?？、“”\"「」(（)）|]))"
_SUBJECT = re.compile(
    rf"{_BOUNDARY_BEFORE}([{_CJK}]{{2,4}}?)(?=[的在将已于为以,，。、(（:：]|发布|披露|表示|称|是|也|还|正|近)"
)
REPEATS = 3


def _repeated(text: str) -> list[Mention]:
    """A name nothing marks but repetition: a string that is no everyday word, opens a clause
    (，某某发布…, 。某某在…) and occurs three times or more is what the text is about."""
    first: dict[str, re.Match[str]] = {}
    for m in _SUBJECT.finditer(text):
        first.setdefault(m.group(1), m)
    out = []
    for name, m in first.items():
        if text.count(name) >= REPEATS and _weak_name(name):
            out.append(Mention(m.start(1), m.end(1), name, "repeated"))
    return out


_PUBLISHER = re.compile(
    rf"(?:([{_CJK}]{{2,5}}?)的?小编(?=[{_CJK}])|(?:稿源|出品)[:：]\s?([{_CJK}]{{2,6}})(?=\s|$|[,，。|]))"
)


def _publisher(text: str) -> list[Mention]:
    """今天由某某的小编来介绍…, 稿源: 某某 — who signs a self-published text."""
    out: list[Mention] = []
    if "小编" not in text and "稿源" not in text and "出品" not in text:
        return out
    for m in _PUBLISHER.finditer(text):
        group = 1 if m.group(1) else 2
        start = _left_edge(text, m.end(group), 5) if group == 1 else m.start(2)
        if start is None:
            continue
        name = text[start : m.end(group)]
        if len(name) >= 2 and _weak_name(name):
            out.append(Mention(start, m.end(group), name, "publisher"))
    return out


# Names an overview lists and then says what they are (宝X、丽X和若X等代运营商), or lists after saying it
# (服务商如A、B和C): bare brands nothing else marks, named once each.
_MEMBER = rf"[{_CJK}A-Za-z0-9]{{2,8}}"
_LIST_SEP = r"(?:、|和|与|及|以及|/)"
_AGENCY_KIND = (
    r"(?:电商)?(?:代运营商|代运营公司|代运营企业|代运营机构|代运营|服务商|运营商|运营公司|电商服务商"
    r"|电商服务企业|品牌电商服务商|TP服务商|TP公司|TP|tp|淘拍档|电商服务公司|电商服务机构|电商运营公司)"
)
# Peers of the agency the text is about (与A、B等同行相比): agencies when the text is about agencies.
_PEER_KIND = r"(?:同行|友商|竞争对手|竞品公司|同业)"
_LIST_THEN_KIND = re.compile(
    rf"(?P<list>(?:{_MEMBER}{_LIST_SEP})+{_MEMBER})(?:等|这样的|这类|这些|之类的?|一类的?)+"
    rf"(?:\d+家|[一二两三四五六七八九十几多数]+家)?(?:头部|知名|主要|大型|老牌|上市|国内|龙头)*的?"
    rf"(?:{_AGENCY_KIND}|(?P<peer>{_PEER_KIND}))"
)
# A list after what it is the head of (头部的A、B和C, 龙头企业有A、B): agencies when an agency word is
# just before it (在代运营行业，头部的A、B…).
_HEAD_THEN_LIST = re.compile(
    rf"(?:头部|龙头|知名|老牌|上市)的?(?:{_AGENCY_KIND}|玩家|企业|公司|选手)?"
    rf"(?:有|如|包括|像|是|比如|例如|诸如)?[:：]?\s?"
    rf"(?P<list>{_MEMBER}?(?:{_LIST_SEP}{_MEMBER}?)+)(?=等|[，,。；;）)]|$|[都也均则在是已们的为将还正近])"
)
_HEAD_CONTEXT = 30  # characters before a head-then-list where an agency word makes it a list of agencies
_KIND_THEN_LIST = re.compile(
    rf"{_AGENCY_KIND}(?:中的?|里的?)?(?:如|包括|有|像|比如|例如|诸如)[:：]?\s?"
    rf"(?P<list>{_MEMBER}?(?:{_LIST_SEP}{_MEMBER}?)+)(?=等|[，,。；;）)]|$|[都也均则在是已们的为将还正近])"
)
_MEMBER_SPLIT = re.compile(_LIST_SEP)
_AGENCY_WORD_NEAR = re.compile(r"代运营|服务商|运营商|TP|电商服务|淘拍档")
# What an overview says of the first name of its list (行业龙头宝X, 老牌青X): not part of the name.
_DESCRIPTOR = re.compile(
    r"(?:行业|国内|头部|龙头|老牌|知名|巨头|同行|企业|公司|其中|包括|例如|比如|诸如|像|如)*"
)


def _enumerated(text: str) -> list[Mention]:
    """Each member of a list the text says is of agencies; the first member of a list that closes on
    its kind is cut where the sentence's own words end (行业龙头宝X → 宝X)."""
    out: list[Mention] = []
    if "、" not in text and "和" not in text and "与" not in text and "及" not in text:
        return out
    for pattern in (_LIST_THEN_KIND, _KIND_THEN_LIST, _HEAD_THEN_LIST):
        for m in pattern.finditer(text):
            if pattern is _HEAD_THEN_LIST and not _AGENCY_WORD_NEAR.search(
                text, max(0, m.start() - _HEAD_CONTEXT), m.start("list")
            ):
                continue
            form = "peers" if pattern is _LIST_THEN_KIND and m.group("peer") else "enumerated"
            at = m.start("list")
            for i, piece in enumerate(_MEMBER_SPLIT.split(m.group("list"))):
                start = text.index(piece, at)
                end = at = start + len(piece)
                if i == 0 and pattern is _LIST_THEN_KIND:
                    edge = _left_edge(text, end, 8)
                    if edge is None:
                        continue
                    start = max(start, edge)
                    start += len(_DESCRIPTOR.match(text, start, end).group(0))
                name = text[start:end]
                if pattern is _HEAD_THEN_LIST and not _weak_name(name):
                    continue
                if len(name) >= 2 and not is_words(name) and name[0] not in STOP_CHARS and "某" not in name:
                    out.append(Mention(start, end, name, form))
    return out


# What the text says a name is (作为天猫TP服务商，某某…; 某某成立于2010年，是一家代运营公司): the
# predicate names the kind, and the name is the clause's subject.
_AS_KIND = re.compile(
    rf"(?:作为|身为)[^，,。；;！!？?]{{0,16}}?{_AGENCY_KIND}[，,]\s?([{_CJK}]{{2,4}}?)"
    rf"(?=[(（,，。、的在以于将已去今是也还正近从自]|发布|表示|称|成立|服务|主要|专注|凭借|通过|已经|一直|累计)"
)
_IS_KIND = re.compile(
    rf"{_BOUNDARY_BEFORE}([{_CJK}]{{2,4}}?)(?:[(（][^)）]{{0,16}}[)）])?"
    rf"(?:[^，,。；;！!？?]{{0,16}}[，,])?(?:今年|去年|近日|日前|此前|已|曾|再次|再度|连续\d+年|\d{{4}}年)*"
    rf"(?:是|系|为|成为|获评|荣获|被评为|入选|升级为|晋升为)(?P<what>[^，,。；;！!？?]{{0,20}}?){_AGENCY_KIND}"
    r"(?:的?(?:公司|企业|机构|团队))?(?=之一|[，,。；;！!？?)）]|$)"
)
# 某某为多个品牌提供天猫代运营服务, 某某帮商家做店铺托管: the subject serves, so it is the agency.
_SERVES = re.compile(
    rf"{_BOUNDARY_BEFORE}([{_CJK}]{{2,4}}?)(?:已|曾|先后|主要|长期|目前|一直|累计)*(?:为|帮|帮助|替)"
    r"[^，,。；;！!？?]{1,14}?(?:提供|做|负责|操盘)[^，,。；;！!？?]{0,8}?"
    r"(?:代运营|运营服务|托管|店铺运营|全店运营|电商服务|操盘)"
)
_DESCRIBED_CUE = re.compile("是|作为|身为|系|为|帮|替|获评|荣获|评为|入选")
# A predicate that turns "X 是 … 代运营公司" into something else: X found, hired, was cheated by one.
_NOT_IDENTITY = re.compile(r"[找被请托骗给和与跟对让向把]|合作|签约|委托")


def _described(text: str) -> list[Mention]:
    out = []
    if not _DESCRIBED_CUE.search(text):
        return out
    for m in _AS_KIND.finditer(text):
        if _weak_name(m.group(1)) and not word_crosses(text, m.end(1)):
            out.append(Mention(m.start(1), m.end(1), m.group(1), "described"))
    for m in _SERVES.finditer(text):
        if _weak_name(m.group(1)) and not word_crosses(text, m.end(1)):
            out.append(Mention(m.start(1), m.end(1), m.group(1), "described"))
    for m in _IS_KIND.finditer(text):
        if _NOT_IDENTITY.search(m.group("what")) or not _weak_name(m.group(1)):
            continue
        if not word_crosses(text, m.end(1)):
            out.append(Mention(m.start(1), m.end(1), m.group(1), "described"))
    return out


# What a merchant did with its agency (委托某某代运营, 交给某某托管, 与某某签了代运营合同, 某某收取了服务费,
# 某某的代运营团队): the name in the frame is the one that serves. A contract's other party is the
# agency only when the merchant is the subject (我们/商家/原告 与某某签…, or a clause that starts there).
_NAME_IN_FRAME = rf"([{_CJK}A-Za-z0-9]{{2,6}}?)"
_ENTRUSTED = re.compile(
    rf"(?:委托|交给|托付给|找了?|选择了?|选了|聘请了?|请了)(?:一家叫|一家名为|名为)?{_NAME_IN_FRAME}"
    r"(?:公司)?(?:来|帮忙|帮我们?|为我们?|给我们?)?(?:做|全权)?(?:代运营|托管|代管|店铺运营|全店运营|运营店铺|操盘)"
)
_CONTRACTED = re.compile(
    r"(?:^|(?<=[\s,，。；;:：!！?？])|(?<=我|们|司|人|家|告|主|她|他))(?:与|和|跟|同)"
    rf"{_NAME_IN_FRAME}(?:公司)?(?:的?(?:联络人|业务员|销售|客服|工作人员|员工|负责人|经理)[{_CJK}]{{0,3}})?"
    r"签(?:订|署|了|下)[^，,。；;]{0,16}?(?:代运营|托管|运营服务|店铺运营|服务)[^，,。；;]{0,6}?(?:合同|协议)"
)
_CHARGED = re.compile(
    rf"{_BOUNDARY_BEFORE}{_NAME_IN_FRAME}(?:公司)?(?:先后|共|一共|陆续|以各种名义)?"
    r"(?:收取|收了|收走|骗走|骗取)[^，,。；;]{0,10}?(?:服务费|托管费|代运营费|运营费|保证金)"
)
_ITS_SERVICE = re.compile(
    rf"{_BOUNDARY_BEFORE}{_NAME_IN_FRAME}(?:公司)?的(?:代运营|托管|店铺运营|网店运营)(?:服务|团队|人员|合同|业务)"
)
_FRAMES = (_ENTRUSTED, _CONTRACTED, _CHARGED, _ITS_SERVICE)
_NEGATION = re.compile("[不没未别勿]")
_FRAME_CUE = re.compile("委托|交给|托付|找|选|请|签|收|的代运营|的托管|的店铺运营")


def _framed(text: str) -> list[Mention]:
    out: list[Mention] = []
    if not _FRAME_CUE.search(text):
        return out
    for pattern in _FRAMES:
        for m in pattern.finditer(text):
            name = m.group(1)
            if _NEGATION.search(name) or covered_by_words(name) or not _weak_name(name):
                continue  # 运营团队不收取…: a phrase, not a name
            if not word_crosses(text, m.start(1)) and not word_crosses(text, m.end(1)):
                out.append(Mention(m.start(1), m.end(1), name, "described"))
    return out


# The company a financial report is about (某某发布2025年半年度业绩预告, 某某交出三季度答卷).
_REPORTS = re.compile(
    r"(?:发布|公布|披露|交出|发布了|公布了|披露了|交出了)[^，,。；;]{0,14}?"
    r"(?:财报|业绩|年报|季报|半年报|年度报告|业绩预告|业绩快报|答卷|招股书|公告)"
)


def _reporting(text: str) -> list[Mention]:
    out = []
    for m in _REPORTS.finditer(text):
        end = m.start()
        suffix = _LISTED_SUFFIX.search(text, max(0, end - 4), end)
        name_end = suffix.start() if suffix else end
        start = _left_edge(text, name_end, 4 if suffix else 5)
        if start is None:
            continue
        name = text[start:end]
        if suffix or _weak_name(name):
            out.append(Mention(start, end, name, "reporting"))
    return out


# An organisation before its officer's title or its founding (某某创始人, 某某CEO, 某某成立于2012年):
# only a name; whether it is an agency is for the words around it.
_TITLED = re.compile(
    rf"([{_CJK}]{{2,4}}?)(?=(?:联合)?创始人|CEO|董事长|总经理|总裁|副总裁|合伙人|负责人|成立于|创立于|创办于|始创于"
    # …and one that answers for itself (对此，某某方面回应称; 某某相关负责人表示; 某某客服称)
    r"|方面(?:回应|表示|称|回复|解释|否认)|相关负责人|(?:客服|工作人员)(?:回应|表示|称|回复))"
)
_ANSWERS = re.compile("方面|相关负责人|客服|工作人员")


def _titled(text: str) -> list[Mention]:
    out = []
    for m in _TITLED.finditer(text):
        start = _left_edge(text, m.end(), 4)
        if start is None or m.end() - start < 2:
            continue
        name = text[start : m.end()]
        if _weak_name(name) and not covered_by_words(name):
            form = "answering" if _ANSWERS.match(text, m.end()) else "titled"
            out.append(Mention(start, m.end(), name, form))
    return out


# Who a complaint is against (投诉对象：某某, 被投诉方：某某, 涉事代运营公司某某): the accused party.
_ACCUSED = re.compile(
    r"(?:投诉对象|被投诉(?:方|对象|企业|商家|公司)|涉事(?:代运营|电商)?(?:公司|企业|机构|服务商|商家))"
    rf"[】\]]?[:：]?\s?([{_CJK}A-Za-z0-9]{{2,12}}?)(?=$|[\s,，。；;、)）【\[]|等|的|在|于|已|被|称|表示|回应)"
)


def _accused(text: str) -> list[Mention]:
    out = []
    for m in _ACCUSED.finditer(text):
        name = m.group(1)
        if _weak_name(name) or _LEGAL_END.search(name) or _BRAND_END.search(name):
            out.append(Mention(m.start(1), m.end(1), name, "accused"))
    return out


def _english(text: str) -> list[Mention]:
    # 鹿鸣电商(Lumen Inc.): an English name in brackets after a Chinese one is the same company.
    out = [
        Mention(m.start(1), m.end(1), m.group(1), "english")
        for m in _ENGLISH.finditer(text)
        if not re.search(rf"[{_CJK}]\s?[(（]\s?$", text[max(0, m.start() - 3) : m.start()])
    ]
    out += [Mention(m.start(1), m.end(1), m.group(1), "english") for m in _ENGLISH_OFFICER.finditer(text)]
    return out


FINDERS = (
    _enumerated,
    _legal,
    _masked,
    _listed,
    _defined,
    _brand,
    _short_company,
    _cued,
    _after_agency_word,
    _english,
    _described,
    _framed,
    _reporting,
    _titled,
    _accused,
    _publisher,
    _repeated,
)


def siblings(text: str, mention: Mention) -> list[Mention]:
    """Names listed beside a found one, its peers in a coordination: 某某电商和某某等 → 某某 (the
    next one), 甲、乙、某某电商 → 乙 (the one before, across 、 only: 和/与 before a name also join a
    client to its agency)."""
    out = []
    m = _SIBLING.match(text[mention.end : mention.end + 8])
    if m is not None and not is_phrase_word(m.group(1)):
        start = mention.end + m.start(1)
        out.append(Mention(start, start + len(m.group(1)), m.group(1), "cued"))
    if mention.start > 2 and text[mention.start - 1] == "、":
        start = _left_edge(text, mention.start - 1, 4)
        if start is not None:
            name = text[start : mention.start - 1]
            if _weak_name(name):
                out.append(Mention(start, mention.start - 1, name, "cued"))
    return out


# The forms that carry a name's own words (a legal suffix, 电商, a stock code): enough to match a
# known provider's other forms and typos, which is all `ProviderIndex.find` needs them for.
NAMING_FINDERS = (_legal, _listed, _defined, _brand, _short_company, _english)


def mentions(text: str, finders: tuple[Callable[[str], list[Mention]], ...] = FINDERS) -> list[Mention]:
    """Every organisation-like mention, earliest first; where two overlap, the one found by the
    stronger form (the order of FINDERS) wins."""
    taken: list[Mention] = []
    for finder in finders:
        for mention in finder(text):
            if not any(mention.start < t.end and t.start < mention.end for t in taken):
                taken.append(mention)
    taken.sort(key=lambda m: m.start)
    return taken
