"""黑猫投诉 (complaint platform): company lists, the signed received-complaints API, complaint pages.

companies  /companies?page=N                      a.company[data-couid]; a.next while more
search     /api/search?keyword=K                  result.data.lists[]{couid,title}
complaints /api/company/received_complaints?…     result.data.complaints[].main{…}, .author, pager
detail     /complaint/view/{sn}/                  ul.ts-q-list li; div.ts-d-steplist div.ts-d-item
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from pipelines.contracts import Complaint
from spiders.pages.fields import (
    PageError,
    body_text,
    complete_html,
    dig,
    int_in,
    iso_date,
    load_json,
    money_cny,
    now_iso,
    text_of,
)

STATUS = {2: "处理中", 3: "已回复", 4: "已完成"}


@dataclass(frozen=True)
class Company:
    couid: str
    name: str


def companies_page(response) -> tuple[list[Company], str | None]:
    companies = [
        Company(a.attrib.get("data-couid", "").strip(), text_of(a))
        for a in response.css("a.company")
        if a.attrib.get("data-couid", "").strip()
    ]
    nxt = response.css("a.next::attr(href)").get()
    return companies, response.urljoin(nxt) if nxt else None


def search_results(response) -> list[Company]:
    data = load_json(body_text(response), what="search")
    _check_status(data)
    lists = dig(data, "result", "data", "lists") or []
    return [
        Company(str(row["couid"]), str(row.get("title") or ""))
        for row in lists
        if isinstance(row, dict) and row.get("couid") not in (None, "")
    ]


@dataclass(frozen=True)
class ComplaintsPage:
    complaints: list[Complaint]  # from the list API; the detail page adds text and timeline
    detail_urls: list[str | None]
    current: int
    page_amount: int


def complaints_page(response) -> ComplaintsPage:
    data = load_json(body_text(response), what="received_complaints")
    _check_status(data)
    rows = dig(data, "result", "data", "complaints")
    if not isinstance(rows, list):
        raise PageError("unexpected_shape", "no result.data.complaints[]")
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
    current = int_in(dig(data, "result", "data", "pager", "current")) or 1
    amount = int_in(dig(data, "result", "data", "pager", "page_amount"))
    return ComplaintsPage(items, urls, current, amount if amount is not None else current)


_FIELD_NAMES = {
    "投诉编号": "sn",
    "投诉对象": "target",
    "投诉问题": "problem",
    "投诉要求": "appeal",
    "涉诉金额": "amount",
    "投诉进度": "status",
}


def complaint_detail(response, listed: Complaint, today=None) -> Complaint:
    """The listed complaint completed by its page: the full text, the facts list, the timeline."""
    complete_html(response)
    facts: dict[str, str] = {}
    for li in response.css("ul.ts-q-list li"):
        label = text_of(li.css("label, .label, span:first-child")) or ""
        whole = text_of(li)
        for cn, key in _FIELD_NAMES.items():
            if cn in label or whole.startswith(cn):
                facts[key] = re.sub(rf"^{cn}\s*[:：]?\s*", "", whole).strip()
    timeline = []
    for step in response.css("div.ts-d-steplist div.ts-d-item"):
        timeline.append(
            {
                "at": iso_date(text_of(step.css(".ts-d-time")), today),
                "actor": text_of(step.css(".ts-d-user")) or None,
                "text": "\n".join(t for t in (text_of(p) for p in step.css(".ts-d-cont p")) if t)
                or text_of(step.css(".ts-d-cont")),
            }
        )
    if not facts and not timeline:
        raise PageError("malformed_html", "no ts-q-list and no ts-d-steplist")
    body = timeline[0]["text"] if timeline and timeline[0]["text"] else listed.summary
    changes = {
        "timeline": timeline,
        "text": body or listed.text,
        "source_url": response.url,
        "target": facts.get("target") or listed.target,
        "appeal": facts.get("appeal") or listed.appeal,
    }
    if facts.get("amount"):
        changes["amount_cny"] = money_cny(facts["amount"])
    if facts.get("status"):
        changes["status"] = facts["status"]
    return dataclasses.replace(listed, **changes)


def _check_status(data) -> None:
    code = dig(data, "result", "status", "code")
    if code is None:
        raise PageError("unexpected_shape", "no result.status.code")
    if int_in(code) != 0:
        msg = dig(data, "result", "status", "msg") or ""
        reason = "bad_signature" if "签名" in str(msg) else "api_error"
        raise PageError(reason, f"code {code} {msg}")
