"""The deterministic sandbox world: providers, their clients and every public document about them.

Nothing is stored. Each entity is a pure function of `(seed, kind, index)` through its own
`random.Random(f"{seed}:{kind}:{...}")`, so a page is generated on request and a world of 100,000
providers costs no more memory than a world of 30. Entities that must agree with each other
(a case page and the client review that corroborates it) are generated from one shared "core",
never from two copies of a rule.

Hidden truth (archetype, quality, bought reviews, claim verdicts) is returned by `truth()` only;
pages are rendered from the public fields of the entities below (see `sandbox.pages`).
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import functools
import math
import random
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field

from pipelines import contracts as c
from sandbox import (
    adversary,
    article_text,
    case_text,
    complaint_text,
    dates,
    debris,
    forum_text,
    history,
    names,
    phrases,
)

DEFAULT_SEED = 7  # the seed `kaopu sandbox serve` and `kaopu demo` use when none is given
FETCHED_AT = "2026-06-30T04:00:00+00:00"
HOST = "http://sandbox"
MAX_PROVIDERS = 100_000
# Fixed slots per provider keep ids computable from indexes: ≤3 listings, ≤8 clients, ≤99 complaints.
LISTING_SLOTS = 3
CLIENT_SLOTS = 8
REVIEWS_PER_LISTING_MAX = 999

ARCHETYPES = ("honest", "average", "fraudulent")
VERDICT_WEIGHTS = {
    #              supported refuted duplicated implausible not_enough_evidence
    "honest": (0.55, 0.05, 0.03, 0.02, 0.35),
    "average": (0.30, 0.12, 0.10, 0.08, 0.40),
    "fraudulent": (0.08, 0.24, 0.25, 0.18, 0.25),
}
BOUGHT_SHARE = {"honest": 0.03, "average": 0.09, "fraudulent": 0.30}
COMPLAINT_MEAN = {"honest": 0.8, "average": 2.0, "fraudulent": 6.0}


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random(":".join(map(str, (seed, *parts))))


def _round2(x: float) -> int:
    """Round to two significant digits, as people quote sales figures."""
    x = max(1.0, x)
    mag = 10 ** max(0, math.floor(math.log10(x)) - 1)
    return max(1, round(x / mag) * mag)


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _moment(rng: random.Random, lo: dt.datetime, hi: dt.datetime) -> dt.datetime:
    span = max(1, int((hi - lo).total_seconds()))
    return lo + dt.timedelta(seconds=rng.randrange(span))


# --------------------------------------------------------------------------- entities
@dataclass(frozen=True)
class Provider:
    index: int
    core: str
    pinyin: str
    brand: str
    legal_name: str
    aliases: tuple[str, ...]
    city: str
    archetype: str
    quality: float
    tp_star: int | None
    established: dt.date
    capital_wan: int
    staff: int
    lawsuits: int
    abnormal: int
    legal_person: str
    reg_status: str
    scope: str
    n_listings: int
    n_clients: int
    n_cases: int
    site: str
    company_id: str
    couid: str

    @property
    def name_forms(self) -> dict:
        """The ways texts name this agency (which one a text uses is the writer's choice)."""
        return {"brand": self.brand, "legal": self.legal_name, "aliases": self.aliases, "core": self.core}


@dataclass(frozen=True)
class Client:
    shop: str
    category: str


@dataclass
class Review:
    id: str
    nick: str
    text: str
    created: dt.datetime
    rating: int
    bought_signals: tuple[str, ...] = ()
    # The account's buyer-credit level (买家信誉, 0 = no icon) the review list shows: hard world only.
    credit: int | None = None


@dataclass(frozen=True)
class Listing:
    provider: int
    slot: int
    number: int
    service_code: str
    title: str
    price_min: int
    price_max: int
    user_count: int
    scores: dict
    n_reviews: int

    @property
    def price_text(self) -> str:
        return f"¥{self.price_min}-¥{self.price_max}/月"


@dataclass
class CaseCore:
    """One claimed case: what the provider's page says and what is really true about it."""

    provider: int
    slot: int
    case_id: str
    verdict: str
    basis: str  # why the verdict is what it is, for evaluation (never on a page)
    client: str
    category: str
    metric: str
    before: int  # 万 yuan
    after: int
    period_days: int
    start: dt.datetime
    published: dt.datetime
    image_only: bool
    categories_claimed: int | None  # "累计服务N个类目", when the page says it
    channel: str | None = None  # supported: "review" or "answer"; refuted by complaint: "complaint"
    evidence_at: dt.datetime | None = None
    original: tuple[int, int] | None = None  # duplicated: (provider, slot) of the copied case
    # A complaint by the client *after* the claimed period: true to life, and it contradicts nothing
    # the case claims, so a checker must compare dates rather than react to any complaint.
    late_complaint_at: dt.datetime | None = None
    # Hard world only (`sandbox.adversary`): which adversarial archetype made this case, how the page
    # prints money ("yuan": whole yuan), the client's own true final figure when the page inflates
    # it, and what a disguised copy changed (for the truth file, never on a page).
    archetype: str | None = None
    money_form: str | None = None
    client_after: int | None = None
    disguise: dict | None = None
    puppet_posts: tuple[int, ...] = ()  # sock puppets: posts per controlled account (first: the testimonial)

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(days=self.period_days)


@dataclass
class ComplaintDoc:
    sn: str
    provider: int
    title: str
    cotitle: str
    author: str
    body: str
    appeal: str
    cost_text: str
    amount: float | None
    status: int
    created: dt.datetime
    timeline: list[tuple[dt.datetime, str, str, str]]  # (moment, time form, actor, text)
    kind: str | None = None  # hard world: "bad_patch" or "smear" (truth only, never on a page)

    @property
    def summary(self) -> str:
        return self.body[:60]


@dataclass
class Answer:
    id: str
    qid: str
    author: str
    url_token: str
    paragraphs: list[str]
    voteup: int
    created: dt.datetime

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class Question:
    qid: str
    title: str
    answers: list[Answer] = field(default_factory=list)


@dataclass
class ArticleDoc:
    article_id: str
    media_id: str
    title: str
    publisher: str
    paragraphs: list[str]
    published: dt.datetime
    date_form: str
    encoding: str  # "utf-8", "gbk-meta" or "gbk-header"
    n_comments: int

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def date_printed(self) -> tuple[str, dt.datetime]:
        return dates.printed(self.published, self.date_form)


@dataclass
class CommentDoc:
    comment_id: str
    article_id: str
    nick: str
    text: str
    created: dt.datetime
    ip_location: str


@dataclass
class CasePageDoc:
    core: CaseCore
    title: str
    paragraphs: list[str]
    template: int
    date_form: str
    traditional: bool

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def date_printed(self) -> tuple[str, dt.datetime]:
        return dates.printed(self.core.published, self.date_form)


PROVINCES = ("浙江", "广东", "上海", "北京", "江苏", "福建", "山东", "四川", "湖北", "河南", "湖南", "安徽")
PUBLISHERS = (
    "电商观察家",
    "零售老炮儿",
    "卖家财经",
    "网店运营圈",
    "新消费日报",
    "电商头条君",
    "商业小纪",
    "浙商杂谈",
)
SCOPES = (
    "电子商务技术服务；网络技术开发；企业营销策划；广告设计、制作、代理；日用百货销售",
    "网络技术服务；信息技术咨询服务；市场营销策划；品牌管理；互联网销售（除销售需要许可的商品）",
    "技术服务、技术开发、技术咨询；数字内容制作服务；电子产品销售；服装服饰零售",
)


class World:
    """A seeded world. Cheap to construct; every accessor computes what it returns."""

    def __init__(
        self, seed: int, n_providers: int = 30, hard: bool = False, as_of: dt.datetime | None = None
    ):
        if not 1 <= n_providers <= MAX_PROVIDERS:
            raise ValueError(f"n_providers must be between 1 and {MAX_PROVIDERS}, got {n_providers}")
        self.seed = int(seed)
        self.n = int(n_providers)
        # The adversarial archetypes of `sandbox.adversary`; off, the world is what it always was.
        self.hard = bool(hard)
        self.today = dates.TODAY
        # Buyers who review more than once come from this shared pool; one-off accounts lie beyond it.
        self.nick_pool = max(500, 8 * self.n)
        self.n_general_questions = max(1, self.n // 3)
        self.n_articles = max(2, self.n // 2)
        # The observer's moment (`sandbox.history`): None is TODAY's world, exactly as it always was.
        self.as_of = as_of
        self.timeline = history.Timeline(self, as_of)

    # ------------------------------------------------------------------ providers
    @functools.lru_cache(maxsize=4096)  # noqa: B019 - the world lives as long as its cache
    def provider(self, i: int) -> Provider:
        if not 0 <= i < self.n:
            raise IndexError(i)
        rng = _rng(self.seed, "provider", i)
        core, pinyin = names.provider_core(self.seed, i)
        city = rng.choice(names.CITIES)
        brand = core + rng.choice(names.BRAND_SUFFIXES)
        legal = city + core + rng.choice(names.LEGAL_SUFFIXES)
        others = [core + s for s in names.BRAND_SUFFIXES if core + s != brand]
        aliases = (core, *rng.sample(others, 2), pinyin.capitalize())
        archetype = rng.choices(ARCHETYPES, weights=(0.3, 0.45, 0.25))[0]
        lo, hi = {"honest": (0.68, 0.95), "average": (0.4, 0.7), "fraudulent": (0.05, 0.4)}[archetype]
        quality = round(rng.uniform(lo, hi), 4)
        # TP stars track scale more than honesty: a fraudulent agency can hold five stars.
        tp_star = rng.choice((None, 3, 4, 4, 5, 5, 6)) if rng.random() < 0.75 else None
        established = dt.date(2009, 1, 1) + dt.timedelta(days=rng.randrange(15 * 365 + 180))
        small = rng.random() < {"honest": 0.12, "average": 0.25, "fraudulent": 0.45}[archetype]
        staff = rng.randint(0, 5) if small else int(rng.lognormvariate(3.3, 0.8)) + 6
        return Provider(
            index=i,
            core=core,
            pinyin=pinyin,
            brand=brand,
            legal_name=legal,
            aliases=aliases,
            city=city,
            archetype=archetype,
            quality=quality,
            tp_star=tp_star,
            established=established,
            capital_wan=rng.choice((10, 50, 100, 200, 300, 500, 1000, 2000, 5000)),
            staff=staff,
            lawsuits=_poisson(rng, 0.5 + 3.0 * (1 - quality)),
            abnormal=_poisson(rng, 0.1 + 0.8 * (1 - quality)),
            legal_person=names.person_name(rng),
            reg_status=rng.choice(("存续", "存续", "存续", "在业")),
            scope=rng.choice(SCOPES),
            n_listings=1 + _poisson(rng, 0.9) % LISTING_SLOTS,
            n_clients=rng.randint(3, CLIENT_SLOTS),
            n_cases=rng.randint(1, 4) + (rng.randint(0, 2) if archetype == "fraudulent" else 0),
            site=f"{pinyin}{i}",
            company_id=str(3_000_000_000 + i),
            couid=str(5_000_000 + i),
        )

    def providers(self) -> Iterator[Provider]:
        return (self.provider(i) for i in range(self.n))

    def provider_by_site(self, site: str) -> Provider | None:
        digits = ""
        while site and site[-1].isdigit():
            digits = site[-1] + digits
            site = site[:-1]
        if not digits or (len(digits) > 1 and digits[0] == "0"):
            return None
        i = int(digits)
        if i >= self.n:
            return None
        p = self.provider(i)
        return p if p.site == site + digits else None

    def client(self, i: int, j: int) -> Client:
        rng = _rng(self.seed, "client", i, j)
        shop = names.client_core(self.seed, i * CLIENT_SLOTS + j) + rng.choice(names.SHOP_SUFFIXES)
        return Client(shop=shop, category=rng.choice(names.CATEGORIES))

    @functools.cached_property
    def _name_index(self) -> list[str]:
        """Every provider's names, simplified and lower-cased, joined: built on the first search."""
        return [
            "\x00".join(debris.to_simplified(x).lower() for x in (p.legal_name, p.brand, *p.aliases))
            for p in self.providers()
        ]

    def find_providers(self, keyword: str) -> list[int]:
        """Providers whose legal name, brand or an alias contains `keyword` (simplified or traditional)."""
        key = debris.to_simplified(keyword.strip()).lower()
        if not key:
            return []
        return [i for i, names_ in enumerate(self._name_index) if key in names_]

    # ------------------------------------------------------------------ market
    def listing_number(self, i: int, k: int) -> int:
        return i * LISTING_SLOTS + k

    def listing_by_code(self, code: str) -> Listing | None:
        prefix = "FW_GOODS-"
        if not code.startswith(prefix) or not code[len(prefix) :].isdigit():
            return None
        number = int(code[len(prefix) :]) - 1_000_001
        i, k = divmod(number, LISTING_SLOTS)
        if number < 0 or i >= self.n or k >= self.provider(i).n_listings:
            return None
        return self.listing(i, k)

    @functools.lru_cache(maxsize=4096)  # noqa: B019
    def listing(self, i: int, k: int) -> Listing:
        p = self.provider(i)
        rng = _rng(self.seed, "listing", i, k)
        number = self.listing_number(i, k)
        kind = rng.choice(
            (
                "天猫代运营全店托管",
                "淘宝店铺代运营",
                "直通车托管",
                "店铺诊断+运营陪跑",
                "内容种草代运营",
                "客服外包",
            )
        )
        base = rng.choice((1500, 2000, 3000, 5000, 8000, 12000, 20000))
        n_reviews = min(REVIEWS_PER_LISTING_MAX, max(8 if k == 0 else 1, int(rng.lognormvariate(3.2, 0.6))))
        return Listing(
            provider=i,
            slot=k,
            number=number,
            service_code=f"FW_GOODS-{1_000_001 + number}",
            title=rng.choice((f"【{p.brand}】{kind}", f"{kind}｜{p.brand}", f"{p.brand} {kind} 按效果付费")),
            price_min=base,
            price_max=base * rng.choice((2, 3, 4)),
            user_count=int(rng.lognormvariate(4.0, 1.0)) + 1,
            scores={
                name: round(min(5.0, max(3.5, 4.2 + 0.8 * p.quality + rng.gauss(0, 0.15))), 1)
                for name in ("服务态度", "专业能力", "响应速度")
            },
            n_reviews=n_reviews,
        )

    def listings(self, i: int) -> list[Listing]:
        return [self.listing(i, k) for k in range(self.provider(i).n_listings)]

    @functools.cached_property
    def _listing_offsets(self) -> array:
        """Prefix counts of listings per provider, for the paged market list (8 bytes a provider)."""
        out = array("q", [0])
        for i in range(self.n):
            out.append(out[-1] + self.provider(i).n_listings)
        return out

    def n_listings_total(self) -> int:
        return self._listing_offsets[-1]

    def listing_at(self, pos: int) -> Listing:
        """The pos-th listing in the market's order (provider order, then slot)."""
        offsets = self._listing_offsets
        lo, hi = 0, self.n
        while lo < hi:
            mid = (lo + hi) // 2
            if offsets[mid + 1] <= pos:
                lo = mid + 1
            else:
                hi = mid
        return self.listing(lo, pos - offsets[lo])

    @functools.lru_cache(maxsize=256)  # noqa: B019
    def reviews(self, i: int, k: int) -> list[Review]:
        """A listing's reviews, oldest first; ids increase with time like the real site's."""
        p = self.provider(i)
        lst = self.listing(i, k)
        rng = _rng(self.seed, "reviews", i, k)
        lo = max(
            dt.datetime.combine(p.established, dt.time()) + dt.timedelta(days=30), dt.datetime(2019, 1, 1)
        )
        hi = self.today - dt.timedelta(days=1)
        cat = self.client(i, 0).category
        drafts: list[Review] = []
        testimonials = [cc for cc in self.cases(i) if cc.channel == "review"] if k == 0 else []
        for cc in testimonials:
            trng = _rng(self.seed, "testimonial", i, cc.slot)
            drafts.append(
                Review(
                    "",
                    cc.client,
                    case_text.testimonial(trng, _client_view(cc), p.name_forms, trng.random() < 0.5),
                    cc.evidence_at,
                    5 if trng.random() < 0.8 else 4,
                )
            )
        remaining = lst.n_reviews - len(drafts)
        n_bought = sum(rng.random() < BOUGHT_SHARE[p.archetype] for _ in range(remaining))
        n_genuine = remaining - n_bought
        # One-off accounts: indexes beyond the shared pool, 2,000 per listing (genuine, then bought).
        unique_base = self.nick_pool + lst.number * 2000
        for g in range(n_genuine):
            rating = self._genuine_rating(rng, p.quality)
            if rng.random() < 0.15:  # a genuine one-off buyer: one-review accounts are not all bought
                nick = names.nickname(self.seed, unique_base + g)
            else:
                nick = names.nickname(self.seed, rng.randrange(self.nick_pool))
            drafts.append(
                Review(
                    "",
                    nick,
                    phrases.buyer_review(rng, rating, p.name_forms, cat),
                    _moment(rng, lo, hi),
                    rating,
                )
            )
        drafts.extend(self._bought(rng, p, n_bought, unique_base + 1000, lo, hi))
        if self.hard:
            self._farm(drafts, p, lst, cat, lo, hi)
            for r in drafts:
                fresh = "one_review_buyer" in r.bought_signals  # a paid one-off account, not the farm's
                r.credit = adversary.credit_level(self.seed, r.nick, fresh)
        drafts.sort(key=lambda r: (r.created, r.nick))
        for j, r in enumerate(drafts):
            r.id = str(4_000_000_000 + lst.number * 1000 + j)
        return drafts

    @staticmethod
    def _genuine_rating(rng: random.Random, quality: float) -> int:
        score = quality + rng.gauss(0, 0.22)
        return 5 if score > 0.66 else 4 if score > 0.5 else 3 if score > 0.38 else 2 if score > 0.26 else 1

    def _bought(self, rng, p: Provider, count: int, nick_base: int, lo, hi) -> list[Review]:
        """Paid reviews in campaigns of three kinds, so no single signal catches them all:
        a burst of near-duplicates on one day, incentive wording spread over weeks, and one-off
        accounts writing unique-looking praise."""
        out: list[Review] = []
        while len(out) < count:
            left = count - len(out)
            style = rng.choices(("burst", "incentive", "oneoff"), weights=(0.45, 0.3, 0.25))[0]
            if style == "burst" and left < 2:
                style = "oneoff"  # a burst of one is no burst
            base = rng.choice(phrases.BOUGHT_BASE)
            if style == "burst":
                size = min(left, rng.randint(3, 8))
                # within one calendar day: starts 9:00–19:00 and lasts at most four hours
                day = _moment(rng, lo, hi).replace(hour=rng.randint(9, 19), minute=0, second=0)
                incentive = rng.random() < 0.4
                for _ in range(size):
                    moment = day + dt.timedelta(seconds=rng.randrange(4 * 3600))
                    signals = ["burst", "near_duplicate", "one_review_buyer"] + (
                        ["incentive_wording"] if incentive else []
                    )
                    nick = names.nickname(self.seed, nick_base + len(out))
                    out.append(
                        Review(
                            "", nick, phrases.bought_variant(base, rng, incentive), moment, 5, tuple(signals)
                        )
                    )
            elif style == "incentive":
                size = min(left, rng.randint(2, 5))
                for _ in range(size):
                    # Some of these come from the shared pool: accounts with a history that also sell reviews.
                    pooled = rng.random() < 0.5
                    nick = names.nickname(
                        self.seed, rng.randrange(self.nick_pool) if pooled else nick_base + len(out)
                    )
                    signals = ["incentive_wording"] + ([] if pooled else ["one_review_buyer"])
                    text = (
                        phrases.bought_variant(base, rng, True)
                        if rng.random() < 0.5
                        else (phrases.generic_praise(rng, p.brand) + rng.choice(phrases.INCENTIVE_PHRASES))
                    )
                    out.append(
                        Review("", nick, text, _moment(rng, lo, hi), rng.choice((5, 5, 5, 4)), tuple(signals))
                    )
            else:
                nick = names.nickname(self.seed, nick_base + len(out))
                out.append(
                    Review(
                        "",
                        nick,
                        phrases.generic_praise(rng, p.brand),
                        _moment(rng, lo, hi),
                        5,
                        ("one_review_buyer",),
                    )
                )
        return out[:count]

    def farm_nick(self, j: int) -> str:
        """Account j of the review farm: beyond the buyers' and the sock puppets' index ranges."""
        base = self.nick_pool + (self.n * LISTING_SLOTS + 1) * 2000 + (self.n * 10 + 10) * 4
        return names.nickname(self.seed, base + j)

    def _farm(self, drafts: list[Review], p: Provider, lst: Listing, cat: str, lo, hi) -> None:
        """Archetype 4: a share of the bought reviews rewritten as a review farm's: paraphrased, spread
        out, from accounts with several reviews."""
        r = adversary.rng(self.seed, "farm", lst.provider, lst.slot)
        size = adversary.farm_size(self.n)
        for review in drafts:
            if not review.bought_signals or r.random() >= adversary.PARAPHRASED_SHARE:
                continue
            review.nick = self.farm_nick(r.randrange(size))
            review.text = phrases.buyer_review(r, 5, p.name_forms, cat)
            review.created = _moment(r, lo, hi)
            review.rating = 5
            review.bought_signals = ("review_farm",)

    # ------------------------------------------------------------------ cases
    @functools.lru_cache(maxsize=2048)  # noqa: B019
    def cases(self, i: int) -> list[CaseCore]:
        return [self.case_core(i, k) for k in range(self.provider(i).n_cases)]

    @functools.lru_cache(maxsize=4096)  # noqa: B019
    def case_core(self, i: int, k: int) -> CaseCore:
        p = self.provider(i)
        rng = _rng(self.seed, "case", i, k)
        verdicts = ("supported", "refuted", "duplicated", "implausible", "not_enough_evidence")
        verdict = rng.choices(verdicts, weights=VERDICT_WEIGHTS[p.archetype])[0]
        if verdict == "duplicated" and (k == 0 or self.n == 1):
            verdict = "not_enough_evidence"  # slot 0 is what others copy: it is never a copy itself
        case_id = str(10_000 + i * 10 + (k * 7) % 10)  # n_cases < 10, so the last digit tells slots apart
        if verdict == "duplicated":
            j = (i + 1 + rng.randrange(self.n - 1)) % self.n
            src = self.case_core(j, 0)
            published = src.published + dt.timedelta(days=rng.randint(20, 300), seconds=rng.randrange(86400))
            if published < self.today - dt.timedelta(days=1):
                copy = CaseCore(
                    i,
                    k,
                    case_id,
                    "duplicated",
                    "copied",
                    _client_variant(src.client, rng),
                    src.category,
                    src.metric,
                    src.before,
                    src.after,
                    src.period_days,
                    src.start,
                    published,
                    False,
                    None,
                    original=(j, 0),
                )
                return self._disguise(copy, i, k) if self.hard else copy
            verdict = "not_enough_evidence"
        client = self.client(i, k % p.n_clients)
        established = dt.datetime.combine(p.established, dt.time())
        basis = verdict
        if verdict == "refuted":
            options = ["complaint"]
            if p.established >= dt.date(2013, 1, 1):
                options.append("predates")
            if p.staff <= 5:
                options += ["staff", "staff"]
            basis = rng.choice(options)
        if verdict == "implausible":
            period = rng.choice((30, 45, 60))
        else:
            period = rng.choice((60, 90, 90, 180, 365, 365, 730))
        latest_start = self.today - dt.timedelta(days=period + 40)
        earliest = max(established + dt.timedelta(days=30), dt.datetime(2015, 1, 1))
        if basis == "predates":
            start = established - dt.timedelta(days=rng.randint(90, 700))
        else:
            if earliest >= latest_start:
                period = 60
                latest_start = self.today - dt.timedelta(days=period + 40)
            start = _moment(rng, earliest, latest_start).replace(hour=0, minute=0, second=0)
        before = _round2(math.exp(rng.uniform(math.log(3), math.log(3000))))
        if verdict == "implausible":
            ratio = rng.uniform(15, 80)
        else:
            ratio = rng.uniform(1.2, min(6.0, 1 + period / 45))
        after = _round2(before * ratio)
        if verdict != "implausible" and after / before > 1 + period / 45:
            after = _round2(before * 1.2)
        end = start + dt.timedelta(days=period)
        published = min(
            end + dt.timedelta(days=rng.randint(5, 120), seconds=rng.randrange(86400)),
            self.today - dt.timedelta(days=1, hours=rng.randint(1, 20)),
        )
        categories = None
        if basis == "staff":
            categories = rng.randint(20, 45)
        elif p.staff > 12 and rng.random() < 0.3:
            categories = rng.randint(2, min(8, p.staff // 3))
        core = CaseCore(
            i,
            k,
            case_id,
            verdict,
            basis,
            client.shop,
            client.category,
            rng.choice(phrases.CASE_METRICS),
            before,
            after,
            period,
            start,
            published,
            verdict == "not_enough_evidence" and k > 0 and rng.random() < 0.25,
            categories,
        )
        if verdict == "supported":
            core.channel = "review" if rng.random() < 0.65 else "answer"
            core.evidence_at = min(
                end + dt.timedelta(days=rng.randint(3, 60), seconds=rng.randrange(86400)),
                self.today - dt.timedelta(hours=rng.randint(2, 20)),
            )
            if self.hard:
                self._inflate(core, p)
        elif basis == "complaint":
            core.channel = "complaint"
            core.evidence_at = start + dt.timedelta(
                days=rng.randint(10, max(11, period - 5)), seconds=rng.randrange(86400)
            )
        if self.hard and verdict == "not_enough_evidence" and not core.image_only:
            self._prop_up(core, p)
        if self.hard and core.channel == "complaint":
            shop, _, forms = self._client_disguise(p, core, core.client, "")
            core.archetype = "former_name" if forms else "unnamed_case" if shop is None else None
        late = _rng(self.seed, "late-complaint", i, k)
        if verdict in ("supported", "not_enough_evidence") and late.random() < 0.2:
            when = end + dt.timedelta(days=late.randint(45, 300), seconds=late.randrange(86400))
            if when < self.today - dt.timedelta(days=1):
                core.late_complaint_at = when
        return core

    def _disguise(self, cc: CaseCore, i: int, k: int) -> CaseCore:
        """Archetype 1: a copied case nudged so that no field matches the original exactly."""
        r = adversary.rng(self.seed, "copy", i, k)
        if r.random() >= adversary.DISGUISED_COPY_SHARE:
            cc.archetype = "plain_copy"
            return cc
        before = adversary.nudge(cc.before, r)
        after = adversary.nudge(cc.after, r)
        if after <= before:  # the nudges never turn growth into decline
            after = cc.after
        months = r.choice((-2, -1, 1, 2))
        start = adversary.shift_months(cc.start, months)
        published = max(cc.published, start + dt.timedelta(days=cc.period_days + r.randint(10, 40)))
        if published >= self.today - dt.timedelta(days=1):  # a later start would end after today
            months = -abs(months)
            start = adversary.shift_months(cc.start, months)
            published = cc.published
        client = adversary.client_alias(cc.client, r)
        cc.disguise = {
            "before_cny": cc.before * 10_000.0,
            "after_cny": cc.after * 10_000.0,
            "start_shift_months": months,
            "client_as": client,
            "money_form": "yuan",
        }
        return dataclasses.replace(
            cc,
            before=before,
            after=after,
            start=start,
            published=published,
            client=client,
            archetype="disguised_copy",
            money_form="yuan",
        )

    def _inflate(self, cc: CaseCore, p: Provider) -> None:
        """Archetype 2: the page raises a corroborated result inside the plausible band; the client's
        own review or answer keeps the true, lower figure, so the case is refuted by its own witness."""
        r = adversary.rng(self.seed, "inflate", cc.provider, cc.slot)
        if r.random() >= adversary.INFLATED_SHARE[p.archetype]:
            return
        ceiling = cc.before * (1 + cc.period_days / 45)
        claimed = _round2(min(cc.after * r.uniform(*adversary.INFLATION), ceiling))
        if claimed > ceiling or claimed < cc.after * 1.15:
            return  # no room inside the plausible band: an inflation here would be implausible instead
        cc.client_after, cc.after = cc.after, claimed
        cc.verdict, cc.basis, cc.archetype = "refuted", "client_figure", "inflated"

    def _prop_up(self, cc: CaseCore, p: Provider) -> None:
        """Archetype 3: accounts the agency controls vouch for an uncorroborated case."""
        r = adversary.rng(self.seed, "puppets", cc.provider, cc.slot)
        if r.random() >= adversary.SOCK_PUPPET_SHARE[p.archetype]:
            return
        n = r.randint(*adversary.SOCK_PUPPETS)
        cc.puppet_posts = tuple(1 + r.randint(*adversary.PUPPET_OTHER_POSTS) for _ in range(n))
        cc.archetype = "sock_puppet"

    def puppet_nick(self, i: int, k: int, j: int) -> str:
        """Account j propping up case slot k of provider i: beyond every buyer's index range."""
        base = self.nick_pool + (self.n * LISTING_SLOTS + 1) * 2000
        return names.nickname(self.seed, base + (i * 10 + k) * 4 + j)

    def _puppet_answers(self, q: int, qid: str) -> list[Answer]:
        out = []
        p = self.provider(q)
        for cc in self.cases(q):
            if not cc.puppet_posts:
                continue
            r = adversary.rng(self.seed, "puppet-posts", q, cc.slot)
            page = debris.to_simplified(self.case_page(q, cc.slot).text)
            before = adversary.printed_amount(page, cc.before)
            after = adversary.printed_amount(page, cc.after)
            for j, n_posts in enumerate(cc.puppet_posts):
                nick = self.puppet_nick(q, cc.slot, j)
                token = f"u{r.getrandbits(40):x}"
                for post in range(n_posts):
                    agency = r.choice((p.brand, p.brand, *p.aliases[1:3]))
                    text = (
                        adversary.puppet_testimonial(r, cc, agency, before, after)
                        if post == 0
                        else adversary.puppet_praise(r, agency)
                    )
                    lo_s, hi_s = (d * 86400 for d in adversary.PUPPET_WINDOW_DAYS)
                    when = cc.published + dt.timedelta(seconds=r.randrange(lo_s, hi_s))
                    when = min(when, self.today - dt.timedelta(minutes=30 + r.randrange(600)))
                    out.append(Answer("", qid, nick, token, [text], r.randint(5, 60), when))
        return out

    def case_path(self, i: int, k: int) -> str:
        return f"/cases/{self.provider(i).site}/case/{self.case_core(i, k).case_id}.html"

    def case_by_id(self, p: Provider, case_id: str) -> CaseCore | None:
        for cc in self.cases(p.index):
            if cc.case_id == case_id:
                return cc
        return None

    def case_page(self, i: int, k: int, core: CaseCore | None = None) -> CasePageDoc:
        """Case slot k's page; `core` renders the same page around other figures (a later edit)."""
        cc = core or self.case_core(i, k)
        p = self.provider(i)
        rng = _rng(self.seed, "casepage", i, k)
        template = rng.randrange(3)
        company = {
            "years": max(2, self.today.year - p.established.year),
            "brands": rng.choice((30, 50, 80, 120, 200, 300, 500)),
            "gmv": rng.choice((1, 2, 3, 5, 8, 10, 20)),
            "categories": cc.categories_claimed,
        }
        title, paras = case_text.case_page(rng, cc, names.shop_core(cc.client), company)
        traditional = rng.random() < 0.12
        if traditional:
            paras = [debris.to_traditional(x) for x in paras]
            title = debris.to_traditional(title)
        if rng.random() < 0.25:
            paras.append(debris.contact_spam(rng))
        return CasePageDoc(cc, title, paras, template, rng.choice(dates.FORMATS), traditional)

    # ------------------------------------------------------------------ complaints
    @functools.lru_cache(maxsize=1024)  # noqa: B019
    def complaints(self, i: int) -> list[ComplaintDoc]:
        p = self.provider(i)
        rng = _rng(self.seed, "complaints", i)
        lo = max(
            dt.datetime.combine(p.established, dt.time()) + dt.timedelta(days=60), dt.datetime(2018, 1, 1)
        )
        hi = self.today - dt.timedelta(days=1)
        drafts = []
        for _ in range(self._n_plain_complaints(i)):
            when = _moment(rng, lo, hi)
            drafts.append(
                self._complaint(rng, p, when, nick=names.nickname(self.seed, rng.randrange(self.nick_pool)))
            )
        for cc in self.cases(i):
            if cc.late_complaint_at is not None:
                lrng = _rng(self.seed, "late-client-complaint", i, cc.slot)
                renewal = cc.end + dt.timedelta(days=lrng.randint(0, 20))
                drafts.append(
                    self._complaint(
                        lrng,
                        p,
                        cc.late_complaint_at,
                        nick=cc.client,
                        shop=cc.client,
                        since=f"{renewal.year}年{renewal.month}月续约后",
                    )
                )
            if cc.channel == "complaint":
                crng = _rng(self.seed, "client-complaint", i, cc.slot)
                shop, since = cc.client, f"{cc.start.year}年{cc.start.month}月"
                forms = None
                if self.hard:
                    shop, since, forms = self._client_disguise(p, cc, shop, since)
                drafts.append(
                    self._complaint(
                        crng, p, cc.evidence_at, nick=cc.client, shop=shop, since=since, forms=forms
                    )
                )
        if self.hard:
            drafts.extend(self._hard_complaints(p))
        drafts.sort(key=lambda d: d.created)
        for k, d in enumerate(drafts):
            d.sn = str(17_300_000_000 + i * 100 + k)
        return drafts

    def _complaint(
        self,
        rng,
        p: Provider,
        when: dt.datetime,
        nick: str,
        shop: str | None = None,
        since: str | None = None,
        good: bool | None = None,
        amount: int | bool | None = True,
        forms: dict | None = None,
    ) -> ComplaintDoc:
        issue = complaint_text.issue(rng)
        drawn = rng.choice((None, 1980, 3000, 5000, 6800, 9800, 12000, 20000, 36000, 50000))
        amount = drawn if amount is True else amount
        body = complaint_text.body(rng, forms or p.name_forms, issue[1], amount, shop=shop, when=since)
        cost_text = "" if amount is None else rng.choice((str(amount), f"{amount}元"))
        draw = rng.random()  # drawn either way: a forced outcome leaves the later draws as they were
        good = draw < p.quality if good is None else good
        age = (self.today - when).days
        if good:
            reply_after = dt.timedelta(hours=rng.randint(2, 72))
            status = 4 if age > 10 and rng.random() < 0.85 else 3
        else:
            reply_after = dt.timedelta(days=rng.randint(5, 40))
            status = rng.choice((2, 2, 3)) if age > 5 else 2
        timeline = [(when, rng.choice(("full", "relative")), nick, body)]
        timeline.append(
            (
                when + dt.timedelta(minutes=rng.randint(5, 600)),
                "full",
                "黑猫投诉",
                f"您的投诉已分配给商家【{p.brand}】，请耐心等待处理。",
            )
        )
        replied = when + reply_after
        if status >= 3 and replied < self.today:
            bank = complaint_text.PROVIDER_REPLIES_GOOD if good else complaint_text.PROVIDER_REPLIES_POOR
            timeline.append((replied, rng.choice(("full", "relative")), p.brand, rng.choice(bank)))
            if status == 4:
                done = min(replied + dt.timedelta(days=rng.randint(1, 9)), self.today - dt.timedelta(hours=1))
                timeline.append((done, "full", nick, rng.choice(complaint_text.COMPLAINANT_FOLLOWUPS[:3])))
        elif status == 3:
            status = 2
        cotitle = rng.choice((p.brand, p.legal_name))
        named = rng.choice((p.brand, p.brand, cotitle, rng.choice(p.aliases)))
        if forms is not None:  # the complainant knows the agency only by this name
            named = forms["brand"]
        title = rng.choice(
            (
                f"{named}{issue[0]}",
                issue[0],
                f"投诉{cotitle}：{issue[0]}",
                f"{named}代运营{issue[0]}，要求{rng.choice(complaint_text.APPEALS)}",
                f"关于{named}{issue[0]}的投诉",
            )
        )
        return ComplaintDoc(
            "",
            p.index,
            title,
            cotitle,
            nick,
            body,
            rng.choice(complaint_text.APPEALS),
            cost_text,
            float(amount) if amount else None,
            status,
            when,
            timeline,
        )

    @functools.lru_cache(maxsize=1024)  # noqa: B019
    def hard_complaint_plan(self, i: int) -> dict:
        """Archetype 5 for provider i: {"bad_patch": (first day of the month, count) or None,
        "smear": (first moment, count) or None}. Counts come without text, for count_documents."""
        p = self.provider(i)
        r = adversary.rng(self.seed, "complaint-plan", i)
        plan: dict = {"bad_patch": None, "smear": None}
        if p.archetype != "honest":
            return plan
        lo = max(
            dt.datetime.combine(p.established, dt.time()) + dt.timedelta(days=60), dt.datetime(2020, 1, 1)
        )
        hi = self.today - dt.timedelta(days=40)
        if lo >= hi:
            return plan
        if r.random() < adversary.BAD_PATCH_SHARE:
            month = _moment(r, lo, hi).replace(day=1, hour=0, minute=0, second=0)
            plan["bad_patch"] = (month, r.randint(*adversary.BAD_PATCH_COMPLAINTS))
        if r.random() < adversary.SMEAR_SHARE:
            plan["smear"] = (_moment(r, lo, hi), r.randint(*adversary.SMEAR_COMPLAINTS))
        return plan

    @functools.lru_cache(maxsize=4096)  # noqa: B019
    def former_name(self, i: int) -> str | None:
        """Archetype 6: the legal name provider i had before (hard world only), else None."""
        if not self.hard:
            return None
        r = adversary.rng(self.seed, "former-name", i)
        if r.random() >= adversary.FORMER_NAME_SHARE:
            return None
        core, _ = names.provider_core(self.seed, self.n + i)
        return self.provider(i).city + core + r.choice(names.LEGAL_SUFFIXES)

    def _client_disguise(self, p: Provider, cc: CaseCore, shop: str, since: str):
        """How a refuting client's complaint hides its link to the case: (shop, since, name forms)."""
        r = adversary.rng(self.seed, "client-complaint", p.index, cc.slot)
        forms = None
        if r.random() < adversary.UNNAMED_CASE_SHARE:
            shop, since = None, None
        former = self.former_name(p.index)
        if former and r.random() < adversary.FORMER_NAME_USE:
            forms = {"brand": former, "legal": former, "aliases": (former,), "core": former}
        return shop, since, forms

    def smear_nick(self, i: int, j: int) -> str:
        """Throwaway account j smearing provider i: beyond every other account range."""
        base = self.nick_pool + (self.n * LISTING_SLOTS + 1) * 2000 + (self.n * 10 + 10) * 4
        return names.nickname(self.seed, base + adversary.farm_size(self.n) + i * 8 + j)

    def _hard_complaints(self, p: Provider) -> list[ComplaintDoc]:
        plan = self.hard_complaint_plan(p.index)
        out = []
        if plan["bad_patch"]:
            month, n = plan["bad_patch"]
            r = adversary.rng(self.seed, "bad-patch", p.index)
            for _ in range(n):
                when = month + dt.timedelta(days=r.randint(0, 27), seconds=r.randrange(86400))
                nick = names.nickname(self.seed, r.randrange(self.nick_pool))
                doc = self._complaint(r, p, when, nick=nick, good=True)
                if doc.status != 4:  # answered and completed, every one: that is the patch's tell-tale
                    doc = self._complaint(r, p, when, nick=nick, good=True)
                doc.kind = "bad_patch"
                out.append(doc)
        if plan["smear"]:
            first, n = plan["smear"]
            r = adversary.rng(self.seed, "smear", p.index)
            for j in range(n):
                when = first + dt.timedelta(seconds=r.randrange(adversary.SMEAR_SPAN_DAYS * 86400))
                doc = self._complaint(r, p, when, nick=self.smear_nick(p.index, j), amount=None, good=False)
                reply_at = min(
                    when + dt.timedelta(hours=r.randint(2, 30)), self.today - dt.timedelta(hours=1)
                )
                reply = (reply_at, r.choice(("full", "relative")), p.brand, r.choice(adversary.SMEAR_REPLIES))
                doc.timeline = [*doc.timeline[:2], reply]
                doc.status = 3
                doc.kind = "smear"
                out.append(doc)
        return out

    def complaint_by_sn(self, sn: str) -> ComplaintDoc | None:
        if not sn.isdigit():
            return None
        i, k = divmod(int(sn) - 17_300_000_000, 100)
        if not 0 <= i < self.n:
            return None
        docs = self.complaints(i)
        return docs[k] if 0 <= k < len(docs) else None

    # ------------------------------------------------------------------ forum
    def n_questions(self) -> int:
        return self.n + self.n_general_questions

    def question_mentions(self, q: int) -> list[int]:
        """Provider indexes a question's answers may name (its own provider first)."""
        if q < self.n:
            return [q] + [(q - d) % self.n for d in (1, 2) if self.n > d]
        g = q - self.n
        return list(dict.fromkeys((3 * g + j) % self.n for j in range(4)))

    def questions_mentioning(self, i: int) -> list[int]:
        qs = {i, *((i + d) % self.n for d in (1, 2))}
        for j in range(4):
            for x in (i - j, i - j + self.n):
                if x >= 0 and x % 3 == 0 and x // 3 < self.n_general_questions:
                    qs.add(self.n + x // 3)
        return sorted(q for q in qs if i in self.question_mentions(q))

    def qid(self, q: int) -> str:
        return str(410_000_000 + q)

    def question_index(self, qid: str) -> int | None:
        if not qid.isdigit():
            return None
        q = int(qid) - 410_000_000
        return q if 0 <= q < self.n_questions() else None

    @functools.lru_cache(maxsize=1024)  # noqa: B019
    def question(self, q: int) -> Question:
        rng = _rng(self.seed, "question", q)
        mentions = self.question_mentions(q)
        if q < self.n:
            title = forum_text.question_title(rng, self.provider(q).name_forms)
        else:
            title = rng.choice(forum_text.GENERAL_QUESTIONS).format(
                city=self.provider(mentions[0]).city, cat=rng.choice(names.CATEGORIES)
            )
        question = Question(self.qid(q), title)
        drafts: list[Answer] = []
        for _ in range(self._n_plain_answers(q)):
            chosen = [mentions[0]] if q < self.n else rng.sample(mentions, rng.randint(1, len(mentions)))
            if q < self.n and len(mentions) > 1 and rng.random() < 0.3:
                chosen.append(rng.choice(mentions[1:]))
            pairs = [
                (self.provider(m).name_forms, self.provider(m).quality + rng.gauss(0, 0.18)) for m in chosen
            ]
            city = self.provider(chosen[0]).city
            paras = forum_text.answer_paragraphs(rng, pairs, rng.choice(names.CATEGORIES), city)
            paras = debris.roughen(paras, rng, traditional=rng.random() < 0.1, heavy=rng.random() < 0.25)
            author = rng.choice(
                (names.nickname(self.seed, rng.randrange(self.nick_pool)), names.person_name(rng))
            )
            created = _moment(rng, dt.datetime(2019, 1, 1), self.today - dt.timedelta(hours=1))
            drafts.append(
                Answer(
                    "",
                    question.qid,
                    author,
                    f"u{rng.getrandbits(40):x}",
                    paras,
                    int(rng.paretovariate(1.2)) - 1,
                    created,
                )
            )
        if q < self.n:
            for cc in self.cases(q):
                if cc.channel == "answer":
                    trng = _rng(self.seed, "testimonial", q, cc.slot)
                    text = case_text.testimonial(trng, _client_view(cc), self.provider(q).name_forms, True)
                    drafts.append(
                        Answer(
                            "",
                            question.qid,
                            cc.client,
                            f"u{trng.getrandbits(40):x}",
                            [text],
                            trng.randint(0, 80),
                            cc.evidence_at,
                        )
                    )
        if self.hard and q < self.n:
            drafts.extend(self._puppet_answers(q, question.qid))
        drafts.sort(key=lambda a: a.created)
        for k, a in enumerate(drafts):
            a.id = str(900_000_000 + q * 100 + k)
        question.answers = drafts
        return question

    def answer_by_id(self, aid: str) -> Answer | None:
        if not aid.isdigit():
            return None
        q, k = divmod(int(aid) - 900_000_000, 100)
        if not 0 <= q < self.n_questions():
            return None
        answers = self.question(q).answers
        return answers[k] if k < len(answers) else None

    # ------------------------------------------------------------------ articles
    def article_mentions(self, a: int) -> list[int]:
        m = 1 + key_mod(self.seed, "article-m", a, 3)
        return list(dict.fromkeys((2 * a + j) % self.n for j in range(m)))

    def articles_mentioning(self, i: int) -> list[int]:
        found = set()
        for j in range(3):
            for x in (i - j, i - j + self.n):
                if x >= 0 and x % 2 == 0 and x // 2 < self.n_articles:
                    found.add(x // 2)
        return sorted(a for a in found if i in self.article_mentions(a))

    def article_ids(self, a: int) -> tuple[str, str]:
        return str(600_000_000 + a), str(100_000 + key_mod(self.seed, "media", a, len(PUBLISHERS)))

    def article_index(self, article_id: str) -> int | None:
        if not article_id.isdigit():
            return None
        a = int(article_id) - 600_000_000
        return a if 0 <= a < self.n_articles else None

    @functools.lru_cache(maxsize=512)  # noqa: B019
    def article(self, a: int) -> ArticleDoc:
        rng = _rng(self.seed, "article", a)
        mentioned = [self.provider(m) for m in self.article_mentions(a)]
        views = [(p.name_forms, p.quality + rng.gauss(0, 0.12)) for p in mentioned]
        title = article_text.article_title(rng, [f for f, _ in views], views[0][1])
        paras = article_text.article_paragraphs(rng, views, mentioned[0].city)
        feature = rng.random() < 0.15  # a long feature: every background paragraph and a full guide
        n_fillers = 6 if feature else rng.choice((0, 1, 2, 3, 5))
        for filler in rng.sample(article_text.FILLER_PARAGRAPHS, n_fillers):
            paras.insert(rng.randint(1, len(paras)), filler)
        if feature or rng.random() < 0.1:
            paras[1:1] = article_text.merchant_story(rng, mentioned[0].city, rng.choice(names.CATEGORIES))
        if feature or rng.random() < 0.3:  # a numbered guide, like the long reposted seeds
            paras[-1:-1] = article_text.guide_section(rng, full=feature)
        traditional = rng.random() < 0.25
        paras = debris.roughen(paras, rng, traditional=traditional, heavy=rng.random() < 0.4)
        encoding = rng.choices(("utf-8", "gbk-meta", "gbk-header"), weights=(0.7, 0.15, 0.15))[0]
        if encoding != "utf-8":  # GBK has no U+FFFD: a GBK page's transcoding debris is its own text
            paras = [x.replace("\ufffd", "") for x in paras]
        if traditional:
            title = debris.to_traditional(title)
        article_id, media_id = self.article_ids(a)
        published = _moment(rng, dt.datetime(2019, 1, 1), self.today - dt.timedelta(hours=2))
        if rng.random() < 0.1:
            published = self.today - dt.timedelta(days=rng.randint(0, 20), hours=rng.randint(1, 10))
        return ArticleDoc(
            article_id,
            media_id,
            title,
            PUBLISHERS[int(media_id) - 100_000],
            paras,
            published,
            rng.choice(dates.FORMATS),
            encoding,
            self._n_comments(a),
        )

    def comments(self, a: int) -> list[CommentDoc]:
        art = self.article(a)
        rng = _rng(self.seed, "comments", a)
        mentioned = [self.provider(m) for m in self.article_mentions(a)]
        out = []
        for k in range(art.n_comments):
            p = rng.choice(mentioned)
            text = phrases.comment_text(
                rng, p.name_forms, p.quality + rng.gauss(0, 0.15), rng.choice(names.CATEGORIES)
            )
            if rng.random() < 0.06:
                text = debris.contact_spam(rng)
            created = min(
                _moment(rng, art.published, art.published + dt.timedelta(days=20)),
                self.today - dt.timedelta(minutes=5),
            )
            out.append(
                CommentDoc(
                    str(700_000_000 + a * 1000 + k),
                    art.article_id,
                    names.nickname(self.seed, rng.randrange(self.nick_pool)),
                    text,
                    created,
                    rng.choice(PROVINCES),
                )
            )
        out.sort(key=lambda x: (x.created, x.comment_id))
        return out

    # ------------------------------------------------------------------ truth
    def truth(self) -> dict:
        """The hidden ground truth. Only evaluation code reads it; no page carries any of it."""
        providers, claims, bought, hard_complaints = [], {}, {}, {}
        for p in self.providers():
            providers.append(
                {
                    "name": p.brand,
                    "legal_name": p.legal_name,
                    "brand": p.brand,
                    "aliases": list(p.aliases),
                    "quality": p.quality,
                    "archetype": p.archetype,
                }
            )
            if self.hard:
                providers[-1]["honest"] = p.archetype == "honest"
                if self.former_name(p.index):
                    providers[-1]["former_names"] = [self.former_name(p.index)]
                for d in self.complaints(p.index):
                    if d.kind:
                        hard_complaints[d.sn] = {"provider": p.legal_name, "kind": d.kind, "author": d.author}
            for cc in self.cases(p.index):
                if self.timeline.exists(cc.published):
                    claims[self.case_path(p.index, cc.slot)] = self._claim_truth(p, cc)
            for lst in self.listings(p.index):
                for r in self.reviews(p.index, lst.slot):
                    if r.bought_signals and self.timeline.exists(r.created):
                        bought[r.id] = {
                            "provider": p.legal_name,
                            "service_code": lst.service_code,
                            "signals": list(r.bought_signals),
                        }
                        if r.bought_signals == ("review_farm",):
                            bought[r.id]["kind"] = "paraphrased"
        out = {
            "seed": self.seed,
            "n_providers": self.n,
            "today": dates.iso(self.today),
            "providers": providers,
            "claims": claims,
            "bought_reviews": bought,
        }
        if self.hard:
            out["hard"] = True
            out["adversary_shares"] = adversary.SHARES
            out["complaints"] = hard_complaints
        if self.as_of is not None:
            out["as_of"] = dates.iso(self.as_of)
            out["events"] = self.timeline.events()
            out["history_shares"] = history.SHARES
        return out

    def _claim_truth(self, p: Provider, cc: CaseCore) -> dict:
        out = {
            "verdict": cc.verdict,
            "basis": cc.basis,
            "provider": p.legal_name,
            "client": cc.client,
            "category": cc.category,
            "metric": cc.metric,
            "before_cny": cc.before * 10_000.0,
            "after_cny": cc.after * 10_000.0,
            "period_days": cc.period_days,
            "start": cc.start.date().isoformat(),
            "image_only": cc.image_only,
            "evidence": [],
        }
        if cc.channel == "review":
            out["evidence"] = [
                f"market:{r.id}"
                for r in self.reviews(p.index, 0)
                if r.nick == cc.client and r.created == cc.evidence_at
            ]
        elif cc.channel == "answer":
            out["evidence"] = [
                f"forum:{a.id}"
                for a in self.question(p.index).answers
                if a.author == cc.client and a.created == cc.evidence_at
            ]
        elif cc.channel == "complaint":
            out["evidence"] = [
                f"complaints:{d.sn}"
                for d in self.complaints(p.index)
                if d.author == cc.client and d.created == cc.evidence_at
            ]
        elif cc.basis in ("predates", "staff"):
            out["evidence"] = [f"registry:{p.company_id}"]
        if cc.late_complaint_at is not None:
            out["later_complaints"] = [
                f"complaints:{d.sn}"
                for d in self.complaints(p.index)
                if d.author == cc.client and d.created == cc.late_complaint_at
            ]
        if cc.original is not None:
            out["original"] = self.case_path(*cc.original)
            out["evidence"] = [
                f"cases:{self.provider(cc.original[0]).site}/{self.case_core(*cc.original).case_id}"
            ]
        if self.hard:
            out["archetype"] = cc.archetype or "plain"
            if cc.disguise is not None:
                out["disguise"] = cc.disguise
            if cc.client_after is not None:
                out["client_after_cny"] = cc.client_after * 10_000.0
            if cc.channel == "complaint":
                shop, _, forms = self._client_disguise(p, cc, cc.client, "")
                hidden = ["unnamed_case"] * (shop is None) + ["former_name"] * (forms is not None)
                if hidden:
                    out["complaint_disguise"] = hidden
            if cc.puppet_posts:
                puppets = [self.puppet_nick(p.index, cc.slot, j) for j in range(len(cc.puppet_posts))]
                out["sock_puppets"] = puppets
                out["puppet_posts"] = [
                    f"forum:{a.id}" for a in self.question(p.index).answers if a.author in puppets
                ]
        return out

    # ------------------------------------------------------------------ counts and items
    def count_documents(self) -> dict[str, int]:
        counts = dict.fromkeys(c.ITEM_TYPES, 0)
        for p in self.providers():
            channels = collections.Counter(cc.channel for cc in self.cases(p.index))
            counts["registry_record"] += 1
            counts["market_listing"] += p.n_listings
            counts["market_review"] += sum(self.listing(p.index, k).n_reviews for k in range(p.n_listings))
            counts["case_page"] += p.n_cases
            late = sum(cc.late_complaint_at is not None for cc in self.cases(p.index))
            if self.hard:
                late += sum(x[1] for x in self.hard_complaint_plan(p.index).values() if x)
            counts["complaint"] += self._n_plain_complaints(p.index) + channels["complaint"] + late
            counts["forum_answer"] += channels["answer"]
            counts["forum_answer"] += sum(sum(cc.puppet_posts) for cc in self.cases(p.index))
        for q in range(self.n_questions()):
            counts["forum_answer"] += self._n_plain_answers(q)
        for a in range(self.n_articles):
            counts["article"] += 1
            counts["comment"] += self._n_comments(a)
        from sandbox.sites import SITES  # the sites import this module

        for site in SITES:
            if hasattr(site, "count_documents"):  # a site serving documents of its own
                for kind, n in site.count_documents(self).items():
                    counts[kind] += n
        return counts

    # Counts come from their own random streams, so counting a world generates no text.
    def _n_plain_complaints(self, i: int) -> int:
        mean = COMPLAINT_MEAN[self.provider(i).archetype]
        return min(90, _poisson(_rng(self.seed, "complaint-count", i), mean))

    def _n_plain_answers(self, q: int) -> int:
        return _rng(self.seed, "answer-count", q).randint(1, 10)

    def _n_comments(self, a: int) -> int:
        return min(200, int(_rng(self.seed, "comment-count", a).expovariate(1 / 8)))

    def expected_items(self) -> Iterator[c.BaseItem]:
        """Every document as the contract item a perfect spider would yield from the pages."""
        from sandbox import expected

        yield from expected.items(self)


def _client_view(cc: CaseCore) -> CaseCore:
    """The case as its client tells it: the true final figure when the page inflated it."""
    return cc if cc.client_after is None else dataclasses.replace(cc, after=cc.client_after)


def _client_variant(shop: str, rng: random.Random) -> str:
    """How a copied case may write the same client: the suffix changed or dropped, half the time."""
    if rng.random() < 0.5:
        return shop
    core = names.shop_core(shop)
    options = [v for v in (core + "官方旗舰店", core + "旗舰店", core + "品牌", core) if v != shop]
    return rng.choice(options)


def key_mod(seed: int, kind: str, index: int, mod: int) -> int:
    return names.key_of(seed, kind, index) % mod
