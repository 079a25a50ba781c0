"""The sandbox over HTTP: deterministic bytes, the real sites' shapes, no truth on any page."""

from __future__ import annotations

import hashlib
import html
import http.client
import json
import re
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from parsel import Selector
from protego import Protego
from scrapy.http import HtmlResponse

from sandbox import pages
from sandbox.expected import article_item, case_item, complaint_item, registry_item
from sandbox.server import FaultPlan, fault_key, start
from sandbox.sites import market as market_site
from sandbox.world import World

SEED = 5
N = 40


@pytest.fixture(scope="module")
def sb():
    with start(SEED, n_providers=N) as handle:
        yield handle


@pytest.fixture(scope="module")
def world():
    return World(SEED, N)


def fetch(base: str, path: str) -> tuple[int, dict[str, str], bytes]:
    url = base + quote(path, safe="/?=&_%.:$")
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def get_json(base: str, path: str):
    status, _, body = fetch(base, path)
    assert status == 200, path
    return json.loads(body)


ANSWERS_QUERY = "include=data%5B%2A%5D.content&limit=20&offset=0&sort_by=default"


def crawl_paths(w: World) -> list[str]:
    """A crawl's worth of URLs: every entry page, every provider's documents, the APIs."""
    paths = [
        "/",
        "/market/ser/list.htm?current_page=1",
        "/complaints/api/company/main_search?sort_col=4&sort_ord=2&page_size=10&page=1",
        "/cases/",
    ]
    for i in range(w.n):
        p = w.provider(i)
        paths += [
            f"/registry/company/{p.company_id}",
            f"/cases/{p.site}/",
            f"/cases/{p.site}/cases?page=1",
            f"/complaints/company/view/{p.couid}",
            f"/complaints/api/company/search?keywords={p.brand}",
            f"/market/ser/list.htm?keyword={p.brand}",
            f"/forum/api/v4/search_v3?q={p.brand}",
            f"/articles/search?keyword={p.core}",
        ]
        for k in range(p.n_cases):
            paths.append(w.case_path(i, k))
        for lst in w.listings(i):
            paths += [
                f"/market/ser/detail.htm?service_code={lst.service_code}",
                f"/market/score/query_suggest.do?service_code={lst.service_code}&currentPage=1&callback=cb",
            ]
        paths += [f"/complaints/complaint/view/{d.sn}/" for d in w.complaints(i)]
    for q in range(w.n_questions()):
        qid = w.qid(q)
        paths += [f"/forum/question/{qid}", f"/forum/api/v4/questions/{qid}/answers?{ANSWERS_QUERY}"]
    for a in range(w.n_articles):
        art = w.article(a)
        paths += [
            f"/articles/a/{art.article_id}_{art.media_id}",
            f"/articles/api/topic/load?page_size=30&topic_source_id=mp_{art.article_id}&page_no=1"
            f"&media_id={art.media_id}&source_id=mp_{art.article_id}",
        ]
    return paths


def test_same_seed_gives_byte_identical_answers_and_another_seed_another_world(sb, world):
    paths = crawl_paths(world)[::7][:60]
    with start(SEED, n_providers=N) as twin, start(SEED + 1, n_providers=N) as other:
        for path in paths:
            assert fetch(sb.url, path)[2] == fetch(twin.url, path)[2], path
        listing = "/complaints/api/company/main_search?sort_col=4&sort_ord=2&page_size=10&page=1"
        assert fetch(sb.url, listing)[2] != fetch(other.url, listing)[2]


def test_no_page_carries_a_truth_label(sb, world):
    _assert_no_truth_label(sb, world)


def test_no_page_of_the_hard_world_carries_a_truth_label_or_an_archetype_name():
    hard = World(SEED, N, hard=True)
    assert any(v.get("archetype") not in (None, "plain") for v in hard.truth()["claims"].values())
    with start(SEED, n_providers=N, hard=True) as handle:
        _assert_no_truth_label(
            handle,
            hard,
            {
                *("disguised_copy", "plain_copy", "inflated", "client_figure", "disguise", "adversary"),
                *("sock_puppet", "puppet", "paraphrased", "review_farm", "farm", "bad_patch", "smear"),
                *("unnamed_case", "former_name", "complaint_disguise"),
            },
        )


def _assert_no_truth_label(sb, world, extra: frozenset[str] | set[str] = frozenset()):
    truth = world.truth()
    words = {
        "archetype",
        "quality",
        "verdict",
        "supported",
        "refuted",
        "duplicated",
        "implausible",
        "not_enough_evidence",
        "bought",
        "honest",
        "fraudulent",
        "signals",
        "near_duplicate",
        "one_review_buyer",
        "incentive_wording",
        "basis",
        "evidence",
        *extra,
    }
    paths = crawl_paths(world)
    assert len(paths) > 300
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda p: fetch(sb.url, p), paths))
    qualities = {f"{p['quality']}" for p in truth["providers"]}
    for path, (status, headers, body) in zip(paths, answers, strict=True):
        assert status == 200, path
        text = body.decode(_charset(headers, body), "replace").lower()
        found = {w for w in words if re.search(rf"\b{w}\b", text)}
        assert not found, (path, found)
        assert not any(q in text for q in qualities), path
    assert sb.errors == []


def _charset(headers: dict[str, str], body: bytes) -> str:
    m = re.search(r"charset=([\w-]+)", headers.get("Content-Type", "")) or re.search(
        rb"charset=([\w-]+)", body[:400]
    )
    value = m.group(1)
    return value.decode() if isinstance(value, bytes) else value


def test_complaints_api_accepts_the_real_signature_and_rejects_a_wrong_one(sb, world):
    i = next(i for i in range(world.n) if world.complaints(i))
    couid = world.provider(i).couid
    params = {
        "ts": str(int(time.time() * 1000)),
        "rs": "aB3dE5fG7hJ9kL1m",
        "couid": couid,
        "type": "1",
        "page_size": "10",
        "page": "1",
    }
    signature = hashlib.sha256(
        "".join(sorted([*params.values(), "$d6eb7ff91ee257475%"])).encode()
    ).hexdigest()
    good = get_json(
        sb.url, "/complaints/api/company/received_complaints?" + urlencode({**params, "signature": signature})
    )
    assert good["result"]["status"]["code"] == 0
    listed = good["result"]["data"]["complaints"]
    assert {c["main"]["sn"] for c in listed} <= {d.sn for d in world.complaints(i)} and listed
    assert good["result"]["data"]["pager"]["item_count"] == len(world.complaints(i))
    bad = get_json(
        sb.url, "/complaints/api/company/received_complaints?" + urlencode({**params, "signature": "0" * 64})
    )
    assert bad == {"result": {"status": {"code": -1, "msg": "签名错误"}, "data": {}}}
    missing = get_json(sb.url, "/complaints/api/company/received_complaints?" + urlencode(params))
    assert missing["result"]["status"]["code"] == -1


def test_market_reviews_are_jsonp_that_parses_and_matches_the_world(sb, world):
    lst = world.listing(0, 0)
    _status, _headers, body = fetch(
        sb.url,
        f"/market/score/query_suggest.do?service_code={lst.service_code}&currentPage=1&callback=jsonp123",
    )
    text = body.decode()
    m = re.fullmatch(r"jsonp123\((.*)\);", text, re.S)
    assert m, text[:80]
    data = json.loads(m.group(1))
    reviews = world.reviews(0, 0)
    assert data["total"] == len(reviews) == lst.n_reviews
    assert data["totalPage"] == -(-len(reviews) // 20)
    newest = reviews[-1]
    assert data["comments"][0]["id"] == int(newest.id) and data["comments"][0]["comment"] == newest.text
    assert fetch(sb.url, "/market/score/query_suggest.do?service_code=X&callback=alert(1)")[0] == 400


def test_registry_page_embeds_next_data_that_parses(sb, world):
    p = world.provider(3)
    body = fetch(sb.url, f"/registry/company/{p.company_id}")[2].decode()
    blob = Selector(text=body).css("script#__NEXT_DATA__::text").get()
    data = json.loads(blob)["props"]["pageProps"]["dehydratedState"]["queries"][0]["state"]["data"]["data"]
    want = registry_item(world, 3)
    assert data["name"] == want.legal_name and data["alias"] == want.alias
    assert data["socialStaffNum"] == want.staff_insured and data["regCapital"] == want.reg_capital_text
    assert time.strftime("%Y-%m-%d", time.gmtime(data["estiblishTime"] / 1000 + 8 * 3600)) == want.established


@pytest.mark.parametrize("encoding", ["gbk-meta", "gbk-header", "utf-8"])
def test_article_encodings_decode_with_scrapys_own_rules(sb, encoding):
    world = World(SEED, 200)  # enough articles for every encoding
    a = next(a for a in range(world.n_articles) if world.article(a).encoding == encoding)
    art = world.article(a)
    with start(SEED, n_providers=200) as big:
        _status, headers, body = fetch(big.url, f"/articles/a/{art.article_id}_{art.media_id}")
    if encoding == "gbk-meta":
        assert "charset" not in headers["Content-Type"] and b"charset=gbk" in body
    if encoding == "gbk-header":
        assert "GBK" in headers["Content-Type"] and b"charset" not in body
    response = HtmlResponse(
        url="http://sandbox/a", body=body, headers={"Content-Type": headers["Content-Type"]}
    )
    assert response.css("h1::text").get() == art.title
    paras = response.css("article#mp-editor p")
    assert "\n".join("".join(p.css("::text").getall()) for p in paras) == art.text
    assert response.css("span#news-time::text").get() == article_item(world, a).date_raw


def test_pages_show_what_expected_items_say(sb, world):
    # complaint detail: facts and timeline
    d = next(d for i in range(world.n) for d in world.complaints(i) if len(d.timeline) >= 3)
    want = complaint_item(world, d)
    sel = Selector(text=fetch(sb.url, f"/complaints/complaint/view/{d.sn}/")[2].decode())
    steps = sel.css("div.ts-d-steplist div.ts-d-item")
    assert [s.css(".ts-d-cont::text").get() for s in steps] == [t["text"] for t in want.timeline]
    assert steps[0].css(".ts-d-cont::text").get() == want.text
    assert sel.css("ul.ts-q-list li span::text").getall()[0] == want.sn
    # case pages: the paragraphs inside <main>, the client and the legal name
    for i, k in [(0, 0), (1, 0), (2, 0), (5, 0), (7, 0)]:
        item = case_item(world, i, k)
        sel = Selector(text=fetch(sb.url, world.case_path(i, k))[2].decode())
        assert "\n".join("".join(p.css("::text").getall()) for p in sel.css("main p")) == item.text
        assert item.client in sel.css(".client").xpath("string()").get()
        assert sel.css("footer .legal-name::text").get() == item.provider_name
    # forum answers: <p> paragraphs are the text
    answers = get_json(sb.url, f"/forum/api/v4/questions/{world.qid(0)}/answers?{ANSWERS_QUERY}")["data"]
    for got, a in zip(answers, world.question(0).answers, strict=False):
        paras = Selector(text=got["content"]).css("p")
        assert "\n".join(html.unescape("".join(p.css("::text").getall())) for p in paras) == a.text
        assert str(got["id"]) == a.id


def test_market_list_pages_stop_at_the_cap_and_search_finds_traditional_names(world):
    big = World(SEED, 1500)
    assert big.n_listings_total() > market_site.MARKET_PAGE_CAP * market_site.MARKET_PAGE
    cap = pages.render(big, "/market/ser/list.htm", {"current_page": "100"})
    past = pages.render(big, "/market/ser/list.htm", {"current_page": "150"})
    assert cap.body == past.body and b'class="next"' not in cap.body
    assert b'class="next"' in pages.render(big, "/market/ser/list.htm", {"current_page": "99"}).body
    small_last = pages.render(world, "/market/ser/list.htm", {"current_page": "50"})
    assert b"service-item" not in small_last.body
    p = world.provider(4)
    from sandbox.debris import to_traditional

    for key in (p.brand, to_traditional(p.legal_name), p.aliases[-1].lower()):
        found = pages.render(world, "/market/ser/list.htm", {"keyword": key}).body.decode()
        assert p.legal_name in found, key
    assert pages.render(world, "/articles/search", {"keyword": "代运营", "page": "x"}).status == 400


def test_robots_txt_is_well_formed_and_pages_link_into_every_disallowed_prefix(sb, world):
    _status, _headers, body = fetch(sb.url, "/robots.txt")
    rp = Protego.parse(body.decode())
    prefixes = [
        "/market/ser/admin/",
        "/complaints/user/",
        "/forum/people/",
        "/articles/preview/",
        "/registry/export/",
        "/cases/drafts/",
    ]
    for prefix in prefixes:
        assert not rp.can_fetch(f"{sb.url}{prefix}x", "kaopu")
    assert rp.can_fetch(f"{sb.url}/market/ser/list.htm?current_page=1", "kaopu")
    with ThreadPoolExecutor(8) as pool:
        bodies = list(pool.map(lambda path: fetch(sb.url, path)[2], crawl_paths(world)))
    linked = {p for p in prefixes for body in bodies if f'href="{p}'.encode() in body}
    assert linked == set(prefixes)


def test_fault_rates_are_honoured_reproducible_and_never_three_in_a_row():
    keys = [f"/market/ser/detail.htm?service_code=FW_GOODS-{n}" for n in range(4000)]
    a, b = FaultPlan(9, 0.1), FaultPlan(9, 0.1)
    first = [a.next(k) for k in keys]
    assert first == [b.next(k) for k in keys]
    share = sum(f is not None for f in first) / len(keys)
    assert 0.085 < share < 0.115, share
    kinds = {f.kind for f in first if f}
    assert kinds == {"429", "503", "truncated", "slow", "redirect"}
    assert all(f.delay <= 2.0 for f in first if f)
    assert [FaultPlan(10, 0.1).next(k) for k in keys] != first
    always = FaultPlan(9, 1.0)
    for key in keys[:200]:
        run = 0
        for _ in range(12):
            f = always.next(key)
            run = run + 1 if f and f.kind != "slow" else 0
            assert run <= 2
    assert FaultPlan(9, 1.0).next("/robots.txt") is None


def test_faults_over_http_behave_like_the_real_web(tmp_path, world):
    log = tmp_path / "access.log"
    paths = [p for p in crawl_paths(world) if "search" not in p][:300]
    plan = FaultPlan(SEED, 0.12)
    predicted = {}
    for path in paths:
        split = urlsplit(quote(path, safe="/?=&_%.:$"))
        predicted[path] = plan.next(fault_key(split.path, parse_qsl(split.query, keep_blank_values=True)))
    with start(SEED, n_providers=N, faults=0.12, access_log=log) as sb:

        def one(path):
            split = urlsplit(sb.url + quote(path, safe="/?=&_%.:$"))
            conn = http.client.HTTPConnection(split.hostname, split.port, timeout=10)
            conn.request("GET", split.path + ("?" + split.query if split.query else ""))
            resp = conn.getresponse()
            try:
                body = resp.read()
                complete = True
            except http.client.IncompleteRead:
                body, complete = b"", False
            conn.close()
            return resp.status, dict(resp.getheaders()), complete, body

        with ThreadPoolExecutor(16) as pool:
            got = dict(zip(paths, pool.map(one, paths), strict=True))
        assert fetch(sb.url, "/robots.txt")[0] == 200
    failed = 0
    for path, (status, headers, complete, _) in got.items():
        fault = predicted[path]
        kind = fault.kind if fault else None
        failed += kind not in (None, "slow")
        if kind in ("429", "503"):
            assert status == int(kind) and headers["Retry-After"] == "1"
        elif kind == "redirect":
            assert status == 302 and headers["Location"].endswith("_sbx=1")
        elif kind == "truncated":
            assert status == 200 and not complete
        else:
            assert status == 200 and complete
    assert 0.05 < failed / len(paths) < 0.16
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(paths) + 1
    assert re.fullmatch(r"\S+ GET /\S* \d{3} \d+ \S.*", lines[0])


def test_there_is_no_listing_the_real_sites_do_not_have(world):
    # 知乎, 搜狐 and 天眼查 can only be searched; the sandbox must not offer a crawl a shortcut.
    for path in ("/forum/questions", "/articles/list", "/registry/companies"):
        assert pages.render(world, path, {"page": "1"}).status == 404, path
    # Nor does an empty search hand out everything.
    assert json.loads(pages.render(world, "/forum/api/v4/search_v3", {"q": " "}).body)["data"] == []
    assert "article-link" not in pages.render(world, "/articles/search", {"keyword": ""}).body.decode()
    assert "/registry/company/" not in pages.render(world, "/registry/search", {"key": " "}).body.decode()


def test_a_crawler_that_retries_gets_every_page(world):
    path = "/cases/?page=1"
    with start(SEED, n_providers=N, faults=0.9) as sb:
        want = pages.render(world, "/cases/", {"page": "1"}).body
        for _ in range(5):
            for _attempt in range(3):
                status, _, body = fetch(sb.url, path)
                if status == 200 and body == want:
                    break
            else:
                pytest.fail("three attempts did not get the page")


def test_answers_come_without_content_unless_include_asks_for_it(sb, world):
    bare = get_json(sb.url, f"/forum/api/v4/questions/{world.qid(0)}/answers?limit=20&offset=0")["data"]
    full = get_json(sb.url, f"/forum/api/v4/questions/{world.qid(0)}/answers?{ANSWERS_QUERY}")["data"]
    assert bare and all("content" not in a for a in bare)
    assert all(a["content"] for a in full)


def test_companies_are_listed_and_searched_by_uid(sb, world):
    listed = get_json(sb.url, "/complaints/api/company/main_search?sort_col=4&sort_ord=2&page_size=10&page=2")
    rows = listed["result"]["data"]["lists"]
    assert [str(r["uid"]) for r in rows] == [world.provider(i).couid for i in range(10, min(20, world.n))]
    p = world.provider(3)
    found = get_json(sb.url, "/complaints/api/company/search?" + urlencode({"keywords": p.brand}))
    assert p.couid in {str(r["uid"]) for r in found["result"]["data"]["lists"]}


@pytest.mark.parametrize(
    ("prefix", "path", "kind", "status", "marker"),
    [
        ("/complaints", "/complaints/api/company/main_search?page=1", "login_required", 200, b'"code":10005'),
        (
            "/forum",
            f"/forum/api/v4/questions/1/answers?{ANSWERS_QUERY}",
            "cookie_expired",
            401,
            b'"code":100',
        ),
        ("/registry", "/registry/company/3000000001", "blocked", 403, "识别码 403-".encode()),
        ("/market", "/market/ser/list.htm?current_page=1", "captcha", 200, b"geetest"),
        ("/articles", "/articles/a/1_2", "rate_limited", 429, b"Too Many"),
        ("/cases", "/cases/", "login_required", 200, b"mustlogin"),
    ],
)
def test_a_block_plan_serves_the_sites_block_after_the_first_requests(prefix, path, kind, status, marker):
    with start(SEED, n_providers=5, blocks={prefix: (kind, 2)}) as blocked:
        before = [fetch(blocked.url, path)[2] for _ in range(2)]
        got_status, _headers, body = fetch(blocked.url, path)
        assert fetch(blocked.url, "/robots.txt")[0] == 200  # robots.txt is never blocked
    assert not any(marker in b for b in before)
    assert got_status == status and marker in body


def test_a_block_plan_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="block kind"):
        start(SEED, n_providers=5, blocks={"/market": ("banned", 0)})
