"""The debris real scraped Chinese pages carry, applied to generated text.

Real reposted articles arrive in traditional characters with pinyin glued after some of them
(運(yùn)營(yíng)), double-escaped entities (`&amp;ldquo;`), stray U+FFFD from a bad transcode, contact
spam lines and copyright boilerplate. A normaliser that only ever saw clean text would break on
the first real page, so the sandbox serves some pages like that.
"""

from __future__ import annotations

import functools
import random

import opencc

# Pinyin for the common characters of this domain, keyed by the *simplified* character.
PINYIN = {
    "运": "yùn",
    "营": "yíng",
    "电": "diàn",
    "商": "shāng",
    "务": "wù",
    "服": "fú",
    "网": "wǎng",
    "络": "luò",
    "店": "diàn",
    "铺": "pù",
    "销": "xiāo",
    "售": "shòu",
    "额": "é",
    "业": "yè",
    "绩": "jì",
    "增": "zēng",
    "长": "zhǎng",
    "国": "guó",
    "发": "fā",
    "展": "zhǎn",
    "这": "zhè",
    "时": "shí",
    "间": "jiān",
    "问": "wèn",
    "题": "tí",
    "从": "cóng",
    "们": "men",
    "说": "shuō",
    "对": "duì",
    "费": "fèi",
    "钱": "qián",
    "风": "fēng",
    "险": "xiǎn",
    "实": "shí",
    "现": "xiàn",
    "选": "xuǎn",
    "择": "zé",
    "价": "jià",
    "评": "píng",
    "质": "zhì",
    "专": "zhuān",
    "团": "tuán",
    "队": "duì",
    "经": "jīng",
    "验": "yàn",
    "合": "hé",
    "约": "yuē",
    "还": "hái",
    "没": "méi",
    "让": "ràng",
    "难": "nán",
    "应": "yīng",
    "该": "gāi",
    "为": "wèi",
    "场": "chǎng",
    "达": "dá",
    "标": "biāo",
    "数": "shù",
    "据": "jù",
    "级": "jí",
    "优": "yōu",
    "势": "shì",
    "户": "hù",
    "产": "chǎn",
    "品": "pǐn",
    "广": "guǎng",
    "告": "gào",
    "投": "tóu",
    "诉": "sù",
    "报": "bào",
}

_S2T = opencc.OpenCC("s2t")
_T2S = opencc.OpenCC("t2s")


def to_traditional(text: str) -> str:
    return _S2T.convert(text)


def to_simplified(text: str) -> str:
    return _T2S.convert(text)


@functools.cache
def _pinyin_by_traditional() -> dict[str, str]:
    table = dict(PINYIN)
    for simp, py in PINYIN.items():
        table[_S2T.convert(simp)] = py
    return table


def insert_pinyin(text: str, rng: random.Random, rate: float) -> str:
    """Glue `(pinyin)` after a share of the known characters, the way some repost sites do."""
    table = _pinyin_by_traditional()
    out = []
    for ch in text:
        out.append(ch)
        py = table.get(ch)
        if py is not None and rng.random() < rate:
            out.append(f"({py})")
    return "".join(out)


def entity_quotes(text: str, rng: random.Random) -> str:
    """Curly quotes turned into escaped entities as a broken CMS leaves them (visible text)."""
    form = rng.choice(("&amp;ldquo;", "&ldquo;"))
    close = "&amp;rdquo;" if form.startswith("&amp;") else "&rdquo;"
    return text.replace("“", form).replace("”", close)


def stray_replacement(text: str, rng: random.Random) -> str:
    """One or two U+FFFD where a multi-byte character was cut by a bad transcode."""
    if len(text) < 20:
        return text
    for _ in range(rng.randint(1, 2)):
        pos = rng.randrange(5, len(text) - 5)
        text = text[:pos] + "\ufffd" + text[pos + 1 :]
    return text


def phone_number(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"


def wechat_id(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghjkmnpqrstuvwxyz") for _ in range(rng.randint(3, 6))) + str(
        rng.randint(100, 99999)
    )


def contact_spam(rng: random.Random) -> str:
    qq = rng.randint(10_000_000, 3_999_999_999)
    wx = wechat_id(rng)
    phone = phone_number(rng)
    return rng.choice(
        (
            f"需要代运营方案的朋友可加QQ：{qq}，备注店铺类目。",
            f"想了解更多运营干货，加微信 {wx} 领取资料包",
            f"免费店铺诊断 ☎ {phone}（同微信）",
            f"商务合作 QQ{qq} / 微信{wx}",
            f"【私信】V：{wx}，拉你进卖家交流群",
        )
    )


def copyright_line(rng: random.Random) -> str:
    return rng.choice(
        (
            "声明：本文来源于网络，仅供学习交流，如有侵权请联系删除。",
            "版权归原作者所有，如有侵权，请联系我们删除。",
            "免责声明：文章内容仅代表作者观点，不构成投资建议。转载请注明出处。",
            "本文由入驻作者撰写，观点仅代表作者本人，未经授权禁止转载。",
            "图片来源于网络，侵删。",
        )
    )


def roughen(paragraphs: list[str], rng: random.Random, traditional: bool, heavy: bool) -> list[str]:
    """Apply the debris to a page's paragraphs. `heavy` adds spam and boilerplate lines."""
    out = []
    for para in paragraphs:
        if traditional:
            para = to_traditional(para)
            if heavy:
                para = insert_pinyin(para, rng, 0.35)
        if heavy and rng.random() < 0.3:
            para = entity_quotes(para, rng)
        out.append(para)
    if heavy:
        if rng.random() < 0.4 and out:
            i = rng.randrange(len(out))
            out[i] = stray_replacement(out[i], rng)
        if rng.random() < 0.6:
            out.insert(rng.randint(1, len(out)), contact_spam(rng))
        if rng.random() < 0.7:
            out.append(copyright_line(rng) if not traditional else to_traditional(copyright_line(rng)))
    return out
