"""The items a perfect spider would yield from the sandbox, built from the same entities the pages
are rendered from. Coverage tests compare a crawl against this; builders use it as a fast way to
get a whole world's documents without a crawl.

Conventions (documented in sandbox/README.md, "Expected items"): native ids are the ids the pages
show; text fields are the visible text with paragraphs joined by "\\n"; dates are what the printed
form still tells (a date-only form gives midnight Beijing time, `3天前` midnight of that day).
"""

from __future__ import annotations

from collections.abc import Iterator

from pipelines import contracts as c
from sandbox import dates
from sandbox.sites import SITES
from sandbox.world import FETCHED_AT, HOST, World

REVIEW_PAGE = 20
ANSWER_PAGE = 20
COMMENT_PAGE = 30


def listing_item(w: World, i: int, k: int) -> c.MarketListing:
    p, lst = w.provider(i), w.listing(i, k)
    return c.MarketListing(
        native_id=lst.service_code,
        source_url=f"{HOST}/market/ser/detail.htm?service_code={lst.service_code}",
        fetched_at=FETCHED_AT,
        service_code=lst.service_code,
        title=lst.title,
        provider_name=p.legal_name,
        brand=p.brand,
        tp_star=p.tp_star,
        price_text=lst.price_text,
        price_min_cny=float(lst.price_min),
        price_max_cny=float(lst.price_max),
        user_count=lst.user_count,
        scores=dict(lst.scores),
        review_count=lst.n_reviews,
    )


def review_items(w: World, i: int, k: int) -> Iterator[c.MarketReview]:
    p, lst = w.provider(i), w.listing(i, k)
    newest_first = list(reversed(w.reviews(i, k)))
    for pos, r in enumerate(newest_first):
        yield c.MarketReview(
            native_id=r.id,
            source_url=(
                f"{HOST}/market/score/query_suggest.do?service_code={lst.service_code}"
                f"&currentPage={pos // REVIEW_PAGE + 1}"
            ),
            fetched_at=FETCHED_AT,
            service_code=lst.service_code,
            provider_name=p.legal_name,
            author=r.nick,
            text=r.text,
            rating=float(r.rating),
            created_at=dates.iso(r.created),
            author_level=r.credit,
        )


def complaint_item(w: World, doc) -> c.Complaint:
    timeline = []
    for moment, form, actor, text in doc.timeline:
        _, known = dates.printed(moment, form)
        timeline.append({"at": dates.iso(known), "actor": actor, "text": text})
    return c.Complaint(
        native_id=doc.sn,
        source_url=f"{HOST}/complaints/complaint/view/{doc.sn}/",
        fetched_at=FETCHED_AT,
        sn=doc.sn,
        title=doc.title,
        target=doc.cotitle,
        author=doc.author,
        summary=doc.summary,
        appeal=doc.appeal,
        amount_cny=doc.amount,
        status={2: "处理中", 3: "已回复", 4: "已完成"}[doc.status],
        created_at=dates.iso(doc.created),
        timeline=timeline,
        text=doc.body,
    )


def answer_items(w: World, q: int) -> Iterator[c.ForumAnswer]:
    question = w.question(q)
    for pos, a in enumerate(question.answers):
        yield c.ForumAnswer(
            native_id=a.id,
            source_url=(
                f"{HOST}/forum/api/v4/questions/{question.qid}/answers?limit={ANSWER_PAGE}"
                f"&offset={pos // ANSWER_PAGE * ANSWER_PAGE}"
            ),
            fetched_at=FETCHED_AT,
            question_id=question.qid,
            question_title=question.title,
            author=a.author,
            text=a.text,
            voteup_count=a.voteup,
            created_at=dates.iso(a.created),
        )


def article_item(w: World, a: int) -> c.Article:
    art = w.article(a)
    raw, known = art.date_printed
    return c.Article(
        native_id=art.article_id,
        source_url=f"{HOST}/articles/a/{art.article_id}_{art.media_id}",
        fetched_at=FETCHED_AT,
        title=art.title,
        publisher=art.publisher,
        text=art.text,
        published_at=dates.iso(known),
        date_raw=raw,
    )


def comment_items(w: World, a: int) -> Iterator[c.Comment]:
    for pos, cm in enumerate(w.comments(a)):
        yield c.Comment(
            native_id=f"c{cm.comment_id}",
            source_url=(
                f"{HOST}/articles/api/comment/list?source_id=mp_{cm.article_id}"
                f"&page_no={pos // COMMENT_PAGE + 1}&page_size={COMMENT_PAGE}"
            ),
            fetched_at=FETCHED_AT,
            article_id=cm.article_id,
            author=cm.nick,
            text=cm.text,
            ip_location=cm.ip_location,
            created_at=dates.iso(cm.created),
        )


def registry_item(w: World, i: int) -> c.RegistryRecord:
    p = w.provider(i)
    return c.RegistryRecord(
        native_id=p.company_id,
        source_url=f"{HOST}/registry/company/{p.company_id}",
        fetched_at=FETCHED_AT,
        company_id=p.company_id,
        legal_name=p.legal_name,
        alias=p.brand,
        reg_status=p.reg_status,
        reg_capital_cny=p.capital_wan * 10_000.0,
        reg_capital_text=f"{p.capital_wan}万人民币",
        established=p.established.isoformat(),
        staff_insured=p.staff,
        lawsuit_count=p.lawsuits,
        abnormal_count=p.abnormal,
        business_scope=p.scope,
        legal_person=p.legal_person,
        location=f"{p.city}市",
    )


def case_item(w: World, i: int, k: int) -> c.CasePage:
    p = w.provider(i)
    page = w.case_page(i, k)
    _, known = page.date_printed
    return c.CasePage(
        native_id=f"{p.site}/{page.core.case_id}",
        source_url=f"{HOST}{w.case_path(i, k)}",
        fetched_at=FETCHED_AT,
        site=p.site,
        provider_name=p.legal_name,
        title=page.title,
        client=page.core.client,
        category=page.core.category,
        text=page.text,
        published_at=dates.iso(known),
        image_only=page.core.image_only,
    )


def items(w: World) -> Iterator[c.BaseItem]:
    """Provider by provider (registry, listings, reviews, complaints, cases), then the forum, then
    articles with their comments, then what further site modules declare. Memory stays flat:
    nothing is collected."""
    for i in range(w.n):
        yield registry_item(w, i)
        for k in range(w.provider(i).n_listings):
            yield listing_item(w, i, k)
            yield from review_items(w, i, k)
        for doc in w.complaints(i):
            yield complaint_item(w, doc)
        for k in range(w.provider(i).n_cases):
            yield case_item(w, i, k)
    for q in range(w.n_questions()):
        yield from answer_items(w, q)
    for a in range(w.n_articles):
        yield article_item(w, a)
        yield from comment_items(w, a)
    # A site module may serve documents of its own; it then says what a perfect spider reads there.
    for site in SITES:
        if hasattr(site, "expected_items"):
            yield from site.expected_items(w)
