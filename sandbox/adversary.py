"""The hard world's adversaries (`--hard`): fraud that hides the way it does in life.

Each archetype is a seeded share drawn from its own random stream (`hard-…`), so the easy world
(`hard=False`) draws exactly what it drew before this module existed, byte for byte. The shares and
the tell-tales a careful analyst would use are listed in `sandbox/README.md` ("The hard world").

Archetypes built so far (the issue's order):
1. `disguised_copy`: a copied case with its figures nudged by up to ±15%, printed in whole yuan
   (`1,200,000元`) where the original mostly writes 万, the client named by brand or alias instead of
   its shop name, and the start month shifted by one or two months.
2. `inflated`: a case whose claimed result is raised inside the plausible band; only the client's
   own first-hand account (a review or a forum answer) gives the lower, true figure.
3. `sock_puppet`: an uncorroborated case praised in the client's voice by accounts the agency
   controls, on the agency's own forum question. Tell-tales: the figures are the page's, printed the
   same way; each account's other posts only praise the same agency; every post lands within days
   of the case page; the accounts are not the client and never post anywhere else.
4. `paraphrased`: bought reviews from a review farm, each worded like a genuine happy buyer's and
   posted at an ordinary moment; only the accounts' histories give them away.
5. `bad_patch` and `smear`: an honest agency's bad month (complaints answered and completed), and
   complaints a competitor files against an honest agency from throwaway accounts.
6. `unnamed_case` and `former_name`: a client's complaint that names neither its shop nor the
   start month, or names the agency by a former legal name that only the registry still lists.
"""

from __future__ import annotations

import datetime as dt
import random

from sandbox import names, numbers

# Share of copied cases that are disguised rather than copied near-verbatim.
DISGUISED_COPY_SHARE = 0.75
# Largest relative change of a copied figure (each end drawn on its own, never exactly 0).
COPY_FIGURE_CHANGE = 0.15
# Share of corroborated (supported) cases whose page inflates the result, by provider archetype:
# honest agencies do not inflate; the client's own account contradicts the page.
INFLATED_SHARE = {"honest": 0.0, "average": 0.3, "fraudulent": 0.6}
# How much the page raises the client's true final figure (before the plausible-band cap).
INFLATION = (1.25, 1.8)

SHARES = {
    "disguised_copy": DISGUISED_COPY_SHARE,
    "inflated": INFLATED_SHARE,
}


def rng(seed: int, *parts: object) -> random.Random:
    """The hard world's own streams: never shared with an easy-world draw."""
    return random.Random(":".join(map(str, (seed, "hard", *parts))))


def nudge(wan: int, r: random.Random) -> int:
    """A copied figure changed by 3–15% either way, kept in whole 万 and never equal to the original."""
    for _ in range(20):
        change = r.uniform(0.03, COPY_FIGURE_CHANGE) * r.choice((-1, 1))
        out = max(1, round(wan * (1 + change)))
        if out != wan and abs(out / wan - 1) <= COPY_FIGURE_CHANGE:
            return out
    return wan + 1 if (wan + 1) / wan - 1 <= COPY_FIGURE_CHANGE else wan


def client_alias(shop: str, r: random.Random) -> str:
    """The client named by its brand or an alias rather than its shop name (`悦家` / `悦家品牌`)."""
    core = names.shop_core(shop)
    return r.choice((core, core + "品牌", core + "家", core + "官方"))


def shift_months(when: dt.datetime, months: int) -> dt.datetime:
    """The same day `months` calendar months later (or earlier), the day kept within 28 so that
    every month has it: the printed start month moves by exactly `months`."""
    y, m = divmod(when.month - 1 + months, 12)
    return when.replace(year=when.year + y, month=m + 1, day=min(when.day, 28))


# ------------------------------------------------------------------ 3. sock-puppet corroboration
# Share of uncorroborated cases (true verdict not_enough_evidence, figures on the page) that the
# agency props up with accounts it controls, by provider archetype.
SOCK_PUPPET_SHARE = {"honest": 0.0, "average": 0.1, "fraudulent": 0.5}
SOCK_PUPPETS = (1, 3)  # accounts per propped-up case
PUPPET_OTHER_POSTS = (1, 2)  # each account's other posts: praise of the same agency, nothing else
PUPPET_WINDOW_DAYS = (1, 6)  # every post lands within days of the case page's publication
SHARES["sock_puppet"] = SOCK_PUPPET_SHARE

# In the client's voice, with the page's own figures copied verbatim ({before}, {after} as printed).
_PUPPET_TESTIMONIALS = (
    "我们是做{cat}的，{start}开始交给{agency}，{metric}从{before}做到了{after}，数据都是真实的，强烈推荐！",
    "真实客户说一句：{agency}帮我们店把{metric}从{before}做到{after}，{start}合作到现在，非常满意。",
    "我家{cat}店就是{agency}在做，{metric}由{before}涨到{after}，团队专业负责，值得信赖。",
    "作为{agency}的合作商家，{start}签约，{metric}从{before}提升到{after}，这个结果我们很认可。",
)
_PUPPET_PRAISE = (
    "{agency}真的很专业，我们合作下来非常愉快，有需要的老板可以直接找他们。",
    "推荐{agency}，服务态度好，数据透明，比之前那家强太多了。",
    "用过好几家代运营，{agency}是最靠谱的一家，不接受反驳。",
    "{agency}的团队执行力很强，老板们放心交给他们就行。",
    "看到有人问，必须推荐{agency}，我们店就是他们做起来的。",
)


def puppet_testimonial(r: random.Random, cc, agency: str, before: str, after: str) -> str:
    start = f"{cc.start.year}年{cc.start.month}月"
    return r.choice(_PUPPET_TESTIMONIALS).format(
        cat=cc.category, start=start, agency=agency, metric=cc.metric, before=before, after=after
    )


def puppet_praise(r: random.Random, agency: str) -> str:
    return r.choice(_PUPPET_PRAISE).format(agency=agency)


def printed_amount(text: str, wan: int) -> str:
    """The amount of `wan` 万 as `text` prints it (the first form found), else the plainest form."""
    forms = [f"{wan * 10_000:,}元", f"{wan / 100:,.1f}百万元", f"{wan}万元", f"{wan} 万", f"{wan}万"]
    forms += [f"{wan}w", f"{wan}W"]
    if wan % 1000 == 0 and wan >= 10_000:
        forms += [f"{wan / 10_000:g}亿", f"{wan / 10_000:g} 亿"]
    if wan < 10_000:
        forms.append(numbers.cn_int(wan) + "万")
    return next((f for f in forms if f in text), f"{wan}万")


# ------------------------------------------------------------------ 4. paraphrased, spread-out bought reviews
# Share of bought reviews written instead by a review farm: accounts that review many agencies over
# months, each text an ordinary five-star buyer review of its own (no shared script to match), at
# an ordinary moment (no burst). Tell-tales: the account's history — always five stars, across
# many unrelated agencies, most of them agencies that buy reviews.
PARAPHRASED_SHARE = 0.4
SHARES["paraphrased"] = PARAPHRASED_SHARE


def farm_size(n_providers: int) -> int:
    """Accounts in the world's review farm: few enough that each writes several reviews."""
    return max(12, n_providers // 3)


# ------------------------------------------------------------------ 5. a bad patch, and smears
# Honest agencies with a bad month: a cluster of complaints inside one month, every one answered
# within hours and completed. Tell-tales: the replies and completions, one month only.
BAD_PATCH_SHARE = 0.35
BAD_PATCH_COMPLAINTS = (3, 6)
# Honest agencies a competitor smears: complaints from throwaway accounts within a few days, with
# no amount and no shop, each answered with a request for the contract that never comes. Tell-tales:
# the accounts post nothing else, the cluster, no money or order named, no follow-up.
SMEAR_SHARE = 0.3
SMEAR_COMPLAINTS = (2, 4)
SMEAR_SPAN_DAYS = 5
SHARES["bad_patch"] = BAD_PATCH_SHARE
SHARES["smear"] = SMEAR_SHARE

SMEAR_REPLIES = (
    "您好，经核实，我司系统中没有查到与您相关的合作记录，麻烦提供合同编号或付款凭证，我们会第一时间核查处理。",
    "您好，我们逐一核对了近两年的签约客户，未找到您所说的店铺，请私信提供合同或转账记录，核实后一定给您答复。",
    "收到投诉后我们已内部排查，没有找到对应的合作订单。如确有合作，请提供合同，我们配合平台一起核实。",
)


# ------------------------------------------------------------------ 6. clients that do not say which case
# Share of the complaints that refute a case written without the shop's name or the start month:
# only the account (the shop's own) and the date inside the claimed period tie it to the case.
UNNAMED_CASE_SHARE = 0.5
# Share of agencies that changed their legal name (the registry page lists the former one, as
# 天眼查's `historyNames` does), and of their clients' complaints that use the former name only.
FORMER_NAME_SHARE = 0.3
FORMER_NAME_USE = 0.6
SHARES["unnamed_case"] = UNNAMED_CASE_SHARE
SHARES["former_name"] = FORMER_NAME_SHARE


# ------------------------------------------------------------------ 7. the reviewer's account: buyer credit
# Taobao's review lists show each reviewer's buyer-credit level (买家信誉) as an icon: none below 4
# points, then 1–5 red hearts, 1–5 blue diamonds, 1–5 crowns, 1–5 gold crowns (`displayRatePic`,
# `b_red_3.gif`). A merchant who reviews an agency's service runs a shop and has bought on the
# platform for years; a paid one-off review mostly comes from a fresh account (小号) with no icon,
# bought by the batch. The review farm keeps aged accounts (its tell-tale is the history instead).
# Levels: 0 = no icon, 1–5 hearts, 6–10 diamonds, 11–15 crowns, 16–20 gold crowns.
FRESH_ACCOUNT_SHARE = {"genuine": 0.02, "paid_one_off": 0.75}
SHARES["fresh_account"] = FRESH_ACCOUNT_SHARE
_CREDIT_ICONS = ("red", "blue", "cap", "crown")


def credit_level(seed: int, nick: str, paid_one_off: bool) -> int:
    """An account's buyer-credit level, the same wherever the account posts (drawn from its nick).
    A paid one-off account is fresh (0) with FRESH_ACCOUNT_SHARE, else a cheap aged one (1–3 hearts);
    any other account is fresh with the genuine share, else aged: hearts to crowns, mostly diamonds."""
    r = rng(seed, "credit", nick, paid_one_off)
    if r.random() < FRESH_ACCOUNT_SHARE["paid_one_off" if paid_one_off else "genuine"]:
        return 0
    if paid_one_off:
        return r.randint(1, 3)
    return min(20, max(1, round(r.gauss(7.5, 3.0))))


def credit_icon(level: int | None) -> str | None:
    """The icon file a review list shows for a credit level (`""` for none; None: not shown at all)."""
    if level is None:
        return None
    if level <= 0:
        return ""
    kind, n = divmod(level - 1, 5)
    return f"b_{_CREDIT_ICONS[min(kind, 3)]}_{n + 1}.gif"
