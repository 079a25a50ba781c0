"""Is an organisation the text names an agency (代运营服务商), or a client, platform, medium, court…?

Decided by rules tried in order; the first that fires gives the answer (`RULES`, as trafilatura keeps
its extraction rules). A rule looks at the name, its core (the name without region, industry words and
legal suffix) and the words around each place the core occurs in the text.

1. `platform_or_medium`: 天猫, 淘宝, 京东, 抖音, 知乎, 搜狐号 … are never agencies.
2. `institution`: courts, procuratorates, law firms, exchanges, regulators, banks, newspapers,
   universities, associations (…法院, …律师事务所, …交易所, …商报).
3. `kind_of_business`: 代运营公司, 电商平台, 农村电商, 一家电商 — a kind, not a company.
   A name with a sentence's particles in it (使得代运营, 人踩完代运营) is a fragment, not a name.
4. `enumerated_as_agencies`: one of a list the text calls agencies (A、B和C等代运营商, 服务商如A、B):
   an overview's bare brands, which the list rule below would otherwise drop.
4. `client_only`: every time it occurs it is the one served (为某某提供, 某某旗舰店, 服务某某, or one of
   a list of the served: 客户包括A、B和C, 服务过A、B等知名品牌).
4. `source_of_text`: every time it occurs the text cites it (来源：X, 据X报道, X研报显示): a medium
   or research house. `buyer`: it buys or invests every time it occurs. `has_own_shop`: X旗舰店 —
   a brand that sells, and its X电商 is its own arm.
4. `named_in_passing`: one of a list of three or more names, and never named again (peers, examples).
   `known_agency`: a publicly known partner agency of `known_agencies.txt`, not served or passed by.
5. `agency_in_name`: its name says what it does (…电子商务有限公司, …电商, …网络科技, …代运营).
6. `agency_word_nearby`: an agency word (代运营, 服务商, 运营商, 托管, 操盘, 服务费 …) within a few
   characters of one of its occurrences.
7. `subject_of_agency_text`: the text is about agencies and this name is what it keeps coming back to
   (three mentions or more; two for a name its form vouches for, a legal name or a stock code).
8. `self_published`: the text is about agency services and signed by this name (某某的小编, 稿源).
Otherwise it is not taken as an agency: an organisation named once, far from any agency word, is
usually a brand, a client or a source.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from pipelines.lexicon import covered_by_words
from pipelines.org_names import REGIONS

_REGIONS = frozenset(REGIONS)


def _words(*lines: str) -> frozenset[str]:
    return frozenset(w for line in lines for w in line.split())


PLATFORMS = _words(
    "淘宝 天猫 拼多多 抖音 京东 阿里巴巴 阿里 淘宝服务市场 服务市场 快手 小红书 唯品会 苏宁 1688 淘特 闲鱼",
    "天猫国际 淘宝网 天猫商城 京东商城 抖店 微信 支付宝 亚马逊 速卖通 虾皮 得物 有赞 微店 美团 饿了么",
    "alibaba tmall taobao jd pinduoduo douyin tiktok amazon wechat shopee lazada kuaishou",
)
MEDIA = _words(
    "搜狐 知乎 黑猫投诉 黑猫 天眼查 企查查 爱企查 百度 微博 头条 今日头条 新浪 网易 腾讯 派代 幕思城",
    "卖家网 电商报 亿邦动力 36氪 虎嗅 钛媒体 什么值得买 雪球 豆瓣 贴吧 百家号 搜狐号 网易号 公众号",
    "新华社 人民网 中新网 澎湃 界面 财新 第一财经 经济观察报 美通社 reuters bloomberg prnewswire",
    "网经社 亿邦 财联社 界面新闻 证券时报 每日经济新闻 中国经营报 北京商报 新京报 晚点 格隆汇 智通财经",
    "东方财富 同花顺 新浪财经 凤凰网 观察者网 环球网 中国证券报 上海证券报 经济参考报 投资界 创业邦",
    "天下网商 电商在线 蓝鲸财经 晚点latepost 源sight 深响 刺猬公社 白鲸出海 品牌观察报 21世纪经济报道",
    # research and data houses an article cites (their reports, rankings and market shares)
    "艾瑞 艾瑞咨询 易观 易观分析 艾媒 艾媒咨询 灼识 灼识咨询 弗若斯特沙利文 沙利文 欧睿 欧睿国际 尼尔森",
    "凯度 益普索 头豹 头豹研究院 前瞻产业研究院 智研咨询 中商产业研究院 星图数据 魔镜市场情报 蝉妈妈",
    "飞瓜 飞瓜数据 久谦 久谦中台 euromonitor nielsen kantar ipsos frost sullivan iresearch analysys",
)
_PLATFORM_INSIDE = re.compile("|".join(sorted((p for p in PLATFORMS if len(p) >= 2), key=len, reverse=True)))
_INSTITUTION_END = re.compile(
    r"(?:法院|法庭|检察院|公安局|派出所|律师事务所|律所|交易所|联交所|委员会|监管局|管理局|市场监督管理局|"
    r"银行|证券|基金|保险|日报|晚报|商报|时报|新闻|杂志|电视台|研究院|研究所|研究中心|大学|学院|学校|协会|"
    r"商会|政府|办公室|医院|部|厅|署|财经|新闻|新闻网|报道|周刊|频道|电视|广播|出版社)$"
)
# Words that name a *kind* of business when they come before 电商/代运营/公司, never a company.
GENERIC_CORES = _words(
    "代运营 运营 电商 服务 服务商 平台 公司 企业 跨境 传统 社交 直播 农村 内容 品牌 垂直 综合 移动 国内 国际",
    "中国 全国 专业 正规 靠谱 大型 小型 一家 这家 那家 某家 本地 当地 优秀 知名 头部 新媒体 自媒体 短视频",
    "淘宝店 网店 店铺 互联 互联网 高新 新兴 信息 数字 智能 兴趣 私域 生鲜 母婴 服装 女装 家居 美妆 食品",
    "三方 第三方 外包 托管 全托管 半托管 这些 那些 一些 某些 哪家 什么 任何 所有 各类 各种 全网 全域 全渠道",
    "线上 线下 新零售 上市 母 子 总 分 该 本 贵 我 我们 你们 他们 其 此 这 那 一 多家 几家 两家 上述 旗下",
    "账号 官方 官方代运营 低价 靠谱的",
)
_AGENCY_IN_NAME = re.compile(
    r"电子商务|电商|代运营|网络|科技|数字|信息技术|品牌管理|品牌策划|营销|传媒|传播|商务咨询"
)
AGENCY_WORDS = re.compile(
    r"代运营|运营商|服务商|托管|电商服务|操盘|运营服务|服务合同|服务费|代理运营|店铺运营|网店运营|品牌电商|淘拍档|"
    r"agency|agencies|service provider|operator|brand partner|e-commerce partner",
    re.I,
)
# …the served, or the writer's own company (我公司（某某公司）…: a complaint's author is the client).
_CLIENT_BEFORE = re.compile(
    r"(?:为|帮|帮助|替|服务|服务于|客户|品牌方|品牌|(?:我|本|我们)公司[(（:：]?|我司[(（:：]?)"
    rf"(?:{'|'.join(sorted(REGIONS, key=len, reverse=True))})?(?:市|省)?$"
)
_CLIENT_AFTER = re.compile(r"^(?:官方)?(?:旗舰店|专卖店|品牌方|提供)")
_AGENCY_TEXT = re.compile(r"代运营|服务商|运营商|托管|电商|品牌管理|店铺|淘拍档|e-?commerce", re.I)

NEAR = 20  # characters either side of an occurrence where an agency word counts
SUBJECT_MENTIONS = 3


# Forms that say by themselves that a name is one (…有限公司, 乐某公司, Acme Inc.): an everyday word
# inside them (深圳木棉品牌管理有限公司) is still a name.
_NAMING_FORMS = frozenset(("legal", "masked", "english", "defined", "known"))


@dataclass(frozen=True)
class Candidate:
    name: str
    core: str
    text: str
    form: str = "brand"

    def occurrences(self) -> list[int]:
        """Where the name occurs: by its core, or for a long core (鹿鸣美妆用品) by its head, or
        as written (Lumen Commerce, whose core has no space)."""
        return _occurrences(self.text.lower(), self.name.lower(), self.core)


@functools.lru_cache(maxsize=4096)
def _occurrences(text: str, name: str, core: str) -> list[int]:
    probes = [core, *(core[:n] for n in (4, 3) if len(core) > n)] if len(core) >= 2 else []
    found: list[list[int]] = []
    for probe in [*probes, name]:
        out, at = [], text.find(probe)
        while at >= 0:
            out.append(at)
            at = text.find(probe, at + len(probe))
        if len(out) > 1:
            return out
        found.append(out)
    return next((out for out in found if out), [0])


Rule = Callable[[Candidate], bool | None]  # True: agency, False: not, None: next rule


def platform_or_medium(c: Candidate) -> bool | None:
    name = c.name.lower()
    if c.core in PLATFORMS or c.core in MEDIA or name in PLATFORMS or name in MEDIA:
        return False
    return False if c.name.endswith("号") else None


def institution(c: Candidate) -> bool | None:
    return False if _INSTITUTION_END.search(c.name) else None


# Where a text names its source (来源：某某, 文|某某, 据某某报道, 某某记者获悉, 某某研报显示): a medium or
# a research house, whatever its name ends in.
_SOURCE_MARK_BEFORE = re.compile(
    r"(?:来源|图源|题图来源|文|作者|撰文|编辑|责编|出品|转自|转载自|引自|via)\s?[:：|｜丨/]?\s?$", re.I
)
_CITED_BEFORE = re.compile(r"(?:据|根据|援引|引用|来自)$")
# What may stand between a name's core and the words after it (森屿科技报道, 森屿咨询的数据).
_NAME_TAIL = re.compile(
    r"(?:电子商务|电商|网络科技|科技|网络|数字|咨询|研究院|智库|数据|财经|集团|公司|新闻)*"
)
_SOURCE_AFTER = re.compile(
    r"^(?:的)?(?:报道|消息|获悉|讯|记者|编辑部|研报|研究报告|行业报告|白皮书|分析师|研究员|统计|调研|监测|榜单)"
)
_CITED_AFTER = re.compile(r"^(?:的)?(?:数据|报告|资料|研究|测算|估算|统计)")


def source_of_text(c: Candidate) -> bool | None:
    """Every time it occurs, the text cites it (据某某报道, 来源：某某, 某某研报显示, 根据某某的数据):
    the source of what is said, not a company the text is about."""
    if c.form == "known":
        return None
    places = c.occurrences()
    probe = c.core if len(c.core) >= 2 else c.name
    for at in places:
        before = c.text[max(0, at - 8) : at]
        tail = _NAME_TAIL.match(c.text, at + len(probe)).end()
        after = c.text[tail : tail + 8]
        if _SOURCE_MARK_BEFORE.search(before) or _SOURCE_AFTER.match(after):
            continue
        if _CITED_BEFORE.search(before) and _CITED_AFTER.match(after):
            continue
        return None
    return False


# Its own shop (某某官方旗舰店, 某某天猫店): a brand that sells, whose e-commerce arm is not an agency.
_OWN_SHOP_AFTER = re.compile(
    r"(?:电商)?的?(?:官方)?(?:旗舰店|专卖店|专营店|天猫店|京东店|抖音店|淘宝店|网店)(?!运营|代运营|托管|服务)"
)


# What the text says it is, when that is a seller (某某是一个家居品牌, 某某是一家服装工厂).
_IS_A_SELLER = re.compile(
    r"(?:是|为|作为)(?:一个|一家|国内|国产|知名|新锐|老牌|本土|[^，,。；;！!？?]){0,10}?"
    r"(?:品牌|商家|卖家|店铺|网店|工厂|厂家|厂商|生产商|制造商)(?=[，,。；;！!？?]|$)"
)


# A buyer of a company (某某拟通过发行股份收购某某数字100%股权): an investor, whatever its name ends in.
_BUYS = re.compile(
    r"(?:拟|将|已|宣布|计划|正式|完成)*[^，,。；;！!？?]{0,16}?(?:收购|并购|入股|增持|战略投资)"
)


def buyer(c: Candidate) -> bool | None:
    """Every time it occurs it buys or invests (某某拟收购碧X数字): the buyer, not an agency; a known
    agency buying (宝尊收购某品牌) stays one."""
    if c.form in ("known", "described", "enumerated", "accused"):
        return None
    probe = c.core if len(c.core) >= 2 else c.name
    for at in c.occurrences():
        tail = _NAME_TAIL.match(c.text, at + len(probe)).end()
        if not _BUYS.match(c.text, tail):
            return None
    return False


def has_own_shop(c: Candidate) -> bool | None:
    """Its own shop (某某旗舰店) or what the text says it is (某某是一个家居品牌): a seller, whose
    e-commerce arm is its own, not an agency."""
    if c.form == "known" or len(c.core) < 2:
        return None
    for at in c.occurrences():
        end = _NAME_TAIL.match(c.text, at + len(c.core)).end()
        if _OWN_SHOP_AFTER.match(c.text, at + len(c.core)) or _IS_A_SELLER.match(c.text, end):
            return False
    return None


def kind_of_business(c: Candidate) -> bool | None:
    if "某" in c.core or re.fullmatch(r"[a-z]{1,3}", c.core):
        return None  # a masked name is a name, however short
    if len(c.core) < 2 or c.core in GENERIC_CORES:
        return False
    platform = _PLATFORM_INSIDE.search(c.core)
    if platform and len(c.core) <= len(platform.group(0)) + 2:
        return False  # 淘宝代运营, 天猫电商, 3年抖音电商: a platform and a service
    if c.core in _REGIONS:
        return False  # 宁波网络
    if c.form not in _NAMING_FORMS and covered_by_words(c.core):
        return False  # 近年来电商, 当直播电商
    if c.form not in _NAMING_FORMS and _FRAGMENT_CHARS.search(c.core):
        return False  # 使得代运营, 人踩完代运营
    return None


def enumerated_as_agencies(c: Candidate) -> bool | None:
    """One of a list the text itself calls agencies (A、B和C等代运营商, 服务商如A、B), or a name it
    says is one (作为TP服务商，某某…; 某某是一家代运营公司): an overview's bare brands, named once
    each, which no other rule would keep. Peers of a list (与A、B等同行相比) are agencies in a text
    about agencies."""
    if c.form in ("enumerated", "described"):
        return True
    if c.form == "peers":
        return True if AGENCY_WORDS.search(c.text) else None
    if c.form == "accused":  # 投诉对象：某某 on a complaint about agency services
        return True if _AGENCY_TEXT.search(c.text) else None
    return None


# A sentence's fragment, not a name (使得代运营, 一位代运营, 人踩完代运营, 杭州做代运营): names do not
# carry these.
_FRAGMENT_CHARS = re.compile(r"[了的着过完被把让使得将能会要是这那位做]")


# A list of the served (客户包括A、B和C, 服务过A、B等知名品牌): each of its names is a client.
_LIST_ITEM = r"[\u4e00-\u9fffA-Za-z0-9·&]{2,14}?"
_CLIENT_LIST_BEFORE = re.compile(
    rf"(?:客户|品牌方|合作品牌|服务品牌|服务过的?(?:品牌|客户)?|服务的(?:品牌|客户)|合作伙伴)"
    rf"(?:包括|包含|有|如|是|涵盖|覆盖|遍及)?[:：]?\s?(?:{_LIST_ITEM}[、和与及])*$"
)
_CLIENT_LIST_AFTER = re.compile(
    rf"^[\u4e00-\u9fffA-Za-z0-9·&]{{0,8}}?(?:[、和与及]{_LIST_ITEM})*等[\u4e00-\u9fff]{{0,4}}?(?:品牌|客户|商家)"
)


# The second of two served (帮助甲公司和乙公司): served as the first is.
_CLIENT_PAIR_BEFORE = re.compile(r"(?:为|帮|帮助|替|服务于?)[\u4e00-\u9fffA-Za-z0-9]{2,10}(?:和|与|及|、)$")


def _served(c: Candidate, at: int) -> bool:
    """Is the occurrence at `at` the one served (为某某提供, 某某旗舰店, 客户包括A、B)?"""
    probe = c.core if len(c.core) >= 2 else c.name
    before = c.text[max(0, at - 10) : at]
    after = c.text[at + len(probe) : at + len(probe) + 6]
    if _CLIENT_BEFORE.search(before) or _CLIENT_AFTER.match(after):
        return True
    if _CLIENT_PAIR_BEFORE.search(c.text[max(0, at - 16) : at]):
        return True
    return bool(
        _CLIENT_LIST_BEFORE.search(c.text, max(0, at - 60), at)
        or _CLIENT_LIST_AFTER.match(c.text[at + len(probe) : at + len(probe) + 80])
    )


def client_only(c: Candidate) -> bool | None:
    places = c.occurrences()
    return False if all(_served(c, at) for at in places) else None


# A person the text tells of (抖音卖家某某, 店主某某): a client or a witness, not a company.
_PERSON_ROLE_BEFORE = re.compile(
    r"(?:卖家|商家|店主|老板|掌柜|网友|博主|用户|消费者|投诉人|当事人|原告|女士|先生|记者|律师|法官|主播|达人)$"
)
_PERSON_AFTER = re.compile(r"(?:女士|先生|老师|律师|回忆|告诉记者|坦言|无奈地|的情绪)")


def a_person(c: Candidate) -> bool | None:
    """A bare name (found only by repetition or a cue) that the text gives a person's role or
    words: a seller, a client, a witness."""
    if c.form not in ("repeated", "cued", "titled", "answering") or len(c.name) > 3:
        return None
    for at in c.occurrences():
        if _PERSON_ROLE_BEFORE.search(c.text, max(0, at - 4), at) or _PERSON_AFTER.match(
            c.text, at + len(c.name)
        ):
            return False
    return None


_CLAUSE_END = re.compile(r"[，,。；;！!？?\n]")


def known_agency(c: Candidate) -> bool | None:
    """A publicly known partner agency (`pipelines/known_agencies.txt`), neither served here nor
    named in passing in a list of peers."""
    return True if c.form == "known" else None


def _in_a_list(text: str, at: int) -> bool:
    """Is the occurrence at `at` one of three or more names in a row (甲、乙、丙) in its clause?"""
    before = [m.end() for m in _CLAUSE_END.finditer(text, max(0, at - 60), at)]
    after = _CLAUSE_END.search(text, at)
    clause = text[before[-1] if before else max(0, at - 60) : after.start() if after else at + 60]
    return clause.count("、") >= 2


def named_in_passing(c: Candidate) -> bool | None:
    """One of three or more names in a row (甲、乙、丙、丁), never mentioned again: an example or a
    peer the text compares with, not what it is about."""
    places = c.occurrences()
    if len(places) != 1 or "、" not in c.text:
        return None
    return False if _in_a_list(c.text, places[0]) else None


def agency_in_name(c: Candidate) -> bool | None:
    return True if _AGENCY_IN_NAME.search(c.name) else None


_SENTENCE_END = re.compile(r"[。！!？?\n]")


def agency_word_nearby(c: Candidate) -> bool | None:
    """An agency word near one of its occurrences where it is not the one served, in the same
    sentence (…操盘能力。近日，某集团公布…: the next sentence's company is not the one that 操盘)."""
    near = NEAR * 2 if c.name.isascii() else NEAR  # an English word is several characters long
    for at in c.occurrences():
        if _served(c, at):
            continue  # 为某某做代运营: the agency word is about who serves it
        start, end = max(0, at - near), at + len(c.name) + near
        before = [m.end() for m in _SENTENCE_END.finditer(c.text, start, at)]
        after = _SENTENCE_END.search(c.text, at + len(c.name), end)
        if AGENCY_WORDS.search(c.text, before[-1] if before else start, after.start() if after else end):
            return True
    return None


def subject_of_agency_text(c: Candidate) -> bool | None:
    if c.form == "repeated":
        return None  # repetition is all that made it a name: it needs an agency word beside it
    # A name its form vouches for (…有限公司, a stock code) needs fewer mentions to be the subject.
    vouched = c.form in _NAMING_FORMS | {"listed", "company", "reporting", "answering"}
    needed = SUBJECT_MENTIONS - 1 if vouched else SUBJECT_MENTIONS
    unserved = [at for at in c.occurrences() if not _served(c, at)]  # 帮助某某公司: a client's
    if len(unserved) >= needed and _AGENCY_TEXT.search(c.text):
        return True
    return None


def self_published(c: Candidate) -> bool | None:
    """某某的小编, 稿源: 某某 on a text about agency services: the agency writing about itself."""
    return True if c.form == "publisher" and _AGENCY_TEXT.search(c.text) else None


RULES: tuple[Rule, ...] = (
    platform_or_medium,
    institution,
    kind_of_business,
    enumerated_as_agencies,
    client_only,
    a_person,
    source_of_text,
    buyer,
    has_own_shop,
    named_in_passing,
    known_agency,
    agency_in_name,
    agency_word_nearby,
    subject_of_agency_text,
    self_published,
)


def is_agency(name: str, core: str, text: str, form: str = "brand") -> bool:
    candidate = Candidate(name, core, text, form)
    for rule in RULES:
        verdict = rule(candidate)
        if verdict is not None:
            return verdict
    return False


def is_organisation_name(name: str, core: str, form: str = "brand") -> bool:
    """Could this be any organisation's name at all (the first three rules pass)?"""
    candidate = Candidate(name, core, "", form)
    return all(rule(candidate) is None for rule in (platform_or_medium, institution, kind_of_business))
