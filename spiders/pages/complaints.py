"""黑猫投诉 (complaint platform): company list and search APIs, the signed complaints API, complaint pages.

companies  /api/company/main_search?sort_col&sort_ord&page_size&page   result.data.lists[]{uid,title}, pager
search     /api/company/search?keywords=K                             result.data.lists[]{uid,title}
complaints /api/company/received_complaints?ts&rs&signature&couid&type&page_size&page
           → result.data.complaints[].main{sn,title,cotitle,summary,appeal,cost,timestamp,url,status},
             .author{title}, result.data.pager{current,next,page_amount}
detail     /complaint/view/{sn}/   h1.article, span.u-name, span.u-date (发布于 …), ul.ts-q-list li
           (full-width colons), timeline div.ts-d-item → span.u-name/.u-status/.u-date, div.ts-d-cont
Every API answer carries result.status{code,msg}: 0 ok, 10005 login needed, 10017 past page 50.
Evidence: public crawlers of tousu.sina.com.cn found with the search tool (nghuyong-style spiders;
see spiders/signing/tousu.py), DESIGN.md's source table; fixtures' meta.json name theirs.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from pipelines.contracts import Complaint
from spiders.pages import blocks
from spiders.pages.fields import (
    PageError,
    complete_html,
    dig,
    int_in,
    iso_date,
    json_of,
    money_cny,
    now_iso,
    text_of,
)

STATUS = {2: "处理中", 3: "已回复", 4: "已完成"}


@dataclass(frozen=True)
class Company:
    uid: str
    name: str


@dataclass(frozen=True)
class CompaniesPage:
    companies: list[Company]
    current: int
    page_amount: int


def companies_page(response) -> CompaniesPage:
    """A main_search or search answer: the companies (keyed on `uid`) and where the pager stands."""
    data, lists = _api_rows(response, "lists")
    companies = [
        Company(str(row["uid"]), str(row.get("title") or "").strip())
        for row in lists
        if isinstance(row, dict) and row.get("uid") not in (None, "")
    ]
    return CompaniesPage(companies, *_pager(data))


def _api_rows(response, key: str) -> tuple[dict, list]:
    """An API answer checked for its status code, and its `result.data.<key>` list."""
    data = json_of(response, what=key)
    _check_status(data, response)
    rows = dig(data, "result", "data", key)
    if not isinstance(rows, list):
        raise PageError("unexpected_shape", f"no result.data.{key}[]")
    return data, rows


def _pager(data) -> tuple[int, int]:
    """(current page, last page) from `result.data.pager`; one page when the pager is missing."""
    current = int_in(dig(data, "result", "data", "pager", "current")) or 1
    amount = int_in(dig(data, "result", "data", "pager", "page_amount"))
    return current, amount if amount is not None else current


@dataclass(frozen=True)
class ComplaintsPage:
    complaints: list[Complaint]  # from the list API; the detail page adds text and timeline
    detail_urls: list[str | None]
    current: int
    page_amount: int


def complaints_page(response) -> ComplaintsPage:
    data, rows = _api_rows(response, "complaints")
    fetched = now_iso()
    items, urls = [], []
    for row in rows:
        main = dig(row, "main") or {}
        if not isinstance(main, dict):
            continue
        sn = str(main.get("sn") or "").strip()
        status = main.get("status")
        summary = (main.get("summary") or "").strip()
        url = main.get("url")
        items.append(
            Complaint(
                native_id=sn,
                source_url=response.urljoin(url) if url else response.url,
                fetched_at=fetched,
                sn=sn,
                title=(main.get("title") or "").strip(),
                target=(main.get("cotitle") or "").strip(),
                author=(dig(row, "author", "title") or None),
                summary=summary,
                appeal=(main.get("appeal") or None),
                amount_cny=money_cny(main.get("cost")),
                status=STATUS.get(int_in(status) or -1, str(status) if status not in (None, "") else None),
                created_at=iso_date(main.get("timestamp")),
                text=summary,
            )
        )
        urls.append(response.urljoin(url) if url else None)
    return ComplaintsPage(items, urls, *_pager(data))


_FIELD_NAMES = {
    "投诉编号": "sn",
    "投诉对象": "target",
    "投诉问题": "problem",
    "投诉要求": "appeal",
    "涉诉金额": "amount",
    "投诉进度": "status",
}


# What 黑猫投诉 shows in place of a complaint its author withdrew or the platform removed.
_GONE_WORDS = ("已撤销", "已被撤销", "已撤回", "已删除", "已被删除", "不存在")


def gone_notice(response) -> str | None:
    """The notice of a complaint page that no longer shows its complaint (no facts list, no timeline,
    a short text saying it was withdrawn or deleted), or None for a page that still shows it."""
    if response.css("ul.ts-q-list") or response.css("div.ts-d-item"):
        return None
    for node in response.css(".ts-d-revoke, .ts-d-question p, h1, title"):
        text = text_of(node)
        if text and any(w in text for w in _GONE_WORDS):
            return text[:80]
    return None


def complaint_detail(response, listed: Complaint, today=None) -> Complaint:
    """The listed complaint completed by its page: the full text, the facts list, the timeline.

    A page can hold several question blocks (a follow-up complaint quotes the first): the facts come
    from the block whose 投诉编号 is the requested `sn`, never from whichever block comes last, and a
    page about another complaint altogether is refused."""
    complete_html(response)
    blocks_facts = [_facts(ul) for ul in response.css("ul.ts-q-list")]
    facts = next((f for f in blocks_facts if f.get("sn") == listed.sn), None)
    if facts is None and any(f.get("sn") for f in blocks_facts):
        numbers = ", ".join(f["sn"] for f in blocks_facts if f.get("sn"))
        raise PageError("wrong_complaint", f"asked for {listed.sn}, page shows {numbers}")
    facts = facts if facts is not None else (blocks_facts[0] if blocks_facts else {})
    timeline = []
    for step in response.css("div.ts-d-item"):
        timeline.append(
            {
                "at": iso_date(text_of(step.css("span.u-date")), today),
                "actor": text_of(step.css("span.u-name")) or None,
                "text": "\n".join(t for t in (text_of(p) for p in step.css("div.ts-d-cont p")) if t)
                or text_of(step.css("div.ts-d-cont")),
            }
        )
    if not facts and not timeline:
        raise PageError("malformed_html", "no ts-q-list and no ts-d-item")
    body = timeline[0]["text"] if timeline and timeline[0]["text"] else listed.summary
    # Title, complainant and date are on the page too; the API's values win where it gave them.
    posted = text_of(response.css("div.ts-d-user span.u-date")) or None
    changes = {
        "timeline": timeline,
        "text": body or listed.text,
        "source_url": response.url,
        "target": facts.get("target") or listed.target,
        "appeal": facts.get("appeal") or listed.appeal,
        "title": listed.title or text_of(response.css("h1.article")),
        "author": listed.author or text_of(response.css("div.ts-d-user span.u-name")) or None,
        "created_at": listed.created_at or iso_date(posted, today),
    }
    if facts.get("amount"):
        changes["amount_cny"] = money_cny(facts["amount"])
    if facts.get("status"):
        changes["status"] = facts["status"]
    return dataclasses.replace(listed, **changes)


def _facts(ul) -> dict[str, str]:
    """One question block's `label：value` list; the first value of a label wins."""
    facts: dict[str, str] = {}
    for li in ul.css("li"):
        label = text_of(li.css("label, .label, span:first-child")) or ""
        whole = text_of(li)
        for cn, key in _FIELD_NAMES.items():
            if key not in facts and (cn in label or whole.startswith(cn)):
                facts[key] = re.sub(rf"^{cn}\s*[:：]?\s*", "", whole).strip()
    return facts


# Codes public crawlers of the API report meeting (nghuyong-style crawlers of tousu.sina.com.cn):
# 10005 asks for a login; 10017 answers past the 50th page an anonymous session may read.
_LOGIN_CODE = 10005
_PAGE_CAP_CODE = 10017


def _check_status(data, response=None) -> None:
    code = dig(data, "result", "status", "code")
    if code is None:
        raise PageError("unexpected_shape", "no result.status.code")
    number = int_in(code)
    if number == 0:
        return
    msg = dig(data, "result", "status", "msg") or ""
    if number == _LOGIN_CODE:
        raise blocks.login_wall(response, f"code {code} {msg}")
    if number == _PAGE_CAP_CODE:
        raise PageError("page_cap", f"code {code} {msg}")
    reason = "bad_signature" if "签名" in str(msg) else "api_error"
    raise PageError(reason, f"code {code} {msg}")
