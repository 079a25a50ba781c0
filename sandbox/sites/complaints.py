"""黑猫投诉 (complaints): the company list and search APIs, the signed complaints API, complaint pages."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

from sandbox import dates, history
from sandbox.sites.web import (
    LIST_PAGE_CAP,
    Answer,
    Route,
    esc,
    html_answer,
    int_param,
    json_answer,
    not_found,
    page_html,
    paged,
)
from sandbox.world import World

SOURCE = "complaints"
# The root page's link to this site.
ENTRY = ("/complaints/api/company/main_search?page=1", "投诉平台")
DISALLOW = "/complaints/user/"  # robots.txt keeps crawlers out of this path
SIGN_KEY = "$d6eb7ff91ee257475%"
COMPLAINT_PAGE_MAX = 10


def _tousu_ok(data: dict) -> Answer:
    return json_answer({"result": {"status": {"code": 0, "msg": ""}, "data": data}})


def _company_row(w: World, i: int) -> dict:
    p = w.provider(i)
    return {"uid": int(p.couid), "title": p.brand, "url": f"//tousu.sina.com.cn/company/view/{p.couid}"}


def complaint_companies(w: World, q: dict[str, str]) -> Answer:
    """`/api/company/main_search?sort_col&sort_ord&page_size&page`: the companies, most complained
    about first on the real site (here: world order), keyed on `uid`."""
    page = int_param(q, "page", 1, lo=1)
    size = int_param(q, "page_size", 10, lo=1, hi=COMPLAINT_PAGE_MAX)
    span, _ = paged(w.n, page, size, LIST_PAGE_CAP)
    pager = {"current": page, "page_amount": -(-w.n // size), "item_count": w.n}
    return _tousu_ok({"lists": [_company_row(w, i) for i in span], "pager": pager})


def complaint_company(w: World, couid: str) -> Answer:
    i = _couid_index(w, couid)
    if i is None:
        return not_found("企业不存在")
    p = w.provider(i)
    docs = w.timeline.complaints(i)
    body = (
        f'<div class="company-info" data-couid="{p.couid}"><h1>{esc(p.brand)}</h1>'
        f'<span class="count">累计投诉量 {len(docs)}</span></div>'
        '<p class="note">投诉列表由接口加载</p>'
    )
    return html_answer(page_html(p.brand, body))


def _couid_index(w: World, couid: str) -> int | None:
    if not couid.isdigit():
        return None
    i = int(couid) - 5_000_000
    return i if 0 <= i < w.n else None


def complaint_search(w: World, q: dict[str, str]) -> Answer:
    """`/api/company/search?keywords=K`: companies whose name matches, keyed on `uid`."""
    found = w.find_providers(q.get("keywords", ""))[:50]
    return _tousu_ok(
        {"lists": [_company_row(w, i) for i in found], "pager": {"current": 1, "page_amount": 1}}
    )


def sign(ts: str, rs: str, couid: str, type_: str, page_size: str, page: str) -> str:
    """The complaints API signature, as the real site computes it."""
    return hashlib.sha256(
        "".join(sorted([ts, rs, SIGN_KEY, couid, type_, page_size, page])).encode()
    ).hexdigest()


def received_complaints(w: World, q: dict[str, str]) -> Answer:
    need = ("ts", "rs", "signature", "couid", "type", "page_size", "page")
    args = {k: q.get(k, "") for k in need}
    if not all(args[k] for k in need) or args["signature"] != sign(
        args["ts"], args["rs"], args["couid"], args["type"], args["page_size"], args["page"]
    ):
        return json_answer({"result": {"status": {"code": -1, "msg": "签名错误"}, "data": {}}})
    page = int_param(q, "page", 1, lo=1)
    size = int_param(q, "page_size", COMPLAINT_PAGE_MAX, lo=1, hi=COMPLAINT_PAGE_MAX)
    i = _couid_index(w, args["couid"])
    docs = w.timeline.complaints(i) if i is not None else []
    newest = list(reversed(docs))
    chunk = newest[(page - 1) * size : page * size]
    complaints = [
        {
            "main": {
                "sn": d.sn,
                "title": d.title,
                "cotitle": d.cotitle,
                "summary": d.summary,
                "appeal": d.appeal,
                "cost": d.cost_text,
                "timestamp": str(dates.epoch_s(d.created)),
                # The real API's url carries an `sld` query the detail page may need.
                "url": f"/complaints/complaint/view/{d.sn}/?sld={_sld(d.sn)}",
                "status": d.status,
            },
            "author": {"title": d.author},
        }
        for d in chunk
    ]
    pager = {"current": page, "page_amount": -(-len(docs) // size), "item_count": len(docs)}
    return json_answer(
        {"result": {"status": {"code": 0, "msg": ""}, "data": {"complaints": complaints, "pager": pager}}}
    )


def _sld(sn: str) -> str:
    return hashlib.md5(sn.encode()).hexdigest()[:16]


def complaint_view(w: World, sn: str) -> Answer:
    d = w.complaint_by_sn(sn)
    if d is None or not w.timeline.exists(d.created):
        return not_found("投诉不存在")
    if w.timeline.withdrawn(d):
        # As the real site shows a complaint its author took back: the notice, none of the complaint.
        notice = f'<div class="ts-d-question"><p class="ts-d-revoke">{history.WITHDRAWN_NOTICE}</p></div>'
        return html_answer(page_html(history.WITHDRAWN_NOTICE, notice))
    status = {2: "处理中", 3: "已回复", 4: "已完成"}[d.status]
    facts = [
        ("投诉编号", d.sn),
        ("投诉对象", d.cotitle),
        ("投诉问题", d.title),
        ("投诉要求", d.appeal),
        ("涉诉金额", d.cost_text or "未填写"),
        ("投诉进度", status),
    ]
    lis = "".join(f"<li><label>{k}：</label><span>{esc(v)}</span></li>" for k, v in facts)
    steps = []
    for n, (moment, form, actor, text) in enumerate(d.timeline):
        shown, _ = dates.printed(moment, form)
        status = "投诉已发布" if n == 0 else "处理进度"
        steps.append(
            f'<div class="ts-d-item"><div class="ts-d-top"><span class="u-name">{esc(actor)}</span>'
            f'<span class="u-status">{status}</span><span class="u-date">{esc(shown)}</span></div>'
            f'<div class="ts-d-cont">{esc(text)}</div></div>'
        )
    first = d.timeline[0][0] if d.timeline else d.created
    posted = f"发布于 {first.year}年{first.month}月{first.day}日 {first.hour:02d}:{first.minute:02d}"
    body = (
        f'<div class="ts-d-question"><h1 class="article">{esc(d.title)}</h1>'
        f'<div class="ts-d-user"><a class="user" href="/complaints/user/{quote(d.author)}">'
        f'<span class="u-name">{esc(d.author)}</span></a><span class="u-date">{posted}</span></div>'
        f'<ul class="ts-q-list">{lis}</ul></div><div class="ts-d-steplist">{"".join(steps)}</div>'
    )
    return html_answer(page_html(d.title, body))


ROUTES = [
    Route(re.compile(r"/complaints/api/company/main_search"), complaint_companies, True),
    Route(re.compile(r"/complaints/company/view/([^/]+)"), complaint_company, False),
    Route(re.compile(r"/complaints/api/company/search"), complaint_search, True),
    Route(re.compile(r"/complaints/api/company/received_complaints"), received_complaints, True),
    Route(re.compile(r"/complaints/complaint/view/([^/]+)/?"), complaint_view, False),
]
