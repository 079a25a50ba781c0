"""Suspicious-review flags: converging evidence is flagged, a single innocent signal is not."""

from __future__ import annotations

import pandas as pd

from incremental_build.mart_state import _DOC_FP_COLS, fingerprints
from reputation.review_flags import FLAGGED_WEIGHT, flag_reviews, review_context, signals

_N = 0


def review(
    provider="p1",
    text="服务一般，沟通还可以，效果慢慢看吧",
    rating=4.0,
    day="2025-03-01",
    author=None,
    cluster=None,
):
    global _N
    _N += 1
    return {
        "doc_id": f"market:r{_N}",
        "source": "market",
        "native_id": f"r{_N}",
        "kind": "market_review",
        "provider_id": provider,
        "author": author or f"buyer{_N}",
        "text": text,
        "text_chars": len(text),
        "rating": rating,
        "created_at": pd.Timestamp(day, tz="UTC"),
        "dup_cluster": cluster if cluster is not None else _N,
    }


def honest_history(provider="p1", days=60):
    # A couple of reviews every few days, each its own author writing twice: the provider's baseline.
    rows = []
    for d in range(0, days, 3):
        day = (pd.Timestamp("2025-01-01") + pd.Timedelta(days=d)).strftime("%Y-%m-%d")
        rows.append(
            review(
                provider,
                f"第{d}天的评价，运营团队回复及时，店铺流量有所提升，推荐合作",
                4.0,
                day,
                author=f"regular{d % 7}",
            )
        )
    return rows


def test_incentive_wording_alone_is_flagged():
    rows = [
        *honest_history(),
        review(text="好评返现五元，服务还行，店铺的数据也还可以吧", rating=5.0, author="regular1"),
    ]
    flags = flag_reviews(pd.DataFrame(rows))
    assert list(flags["native_id"]) == [rows[-1]["native_id"]]
    assert "incentive_wording" in flags.loc[0, "flags"]
    assert flags.loc[0, "weight"] == FLAGGED_WEIGHT
    assert 0.9 <= flags.loc[0, "confidence"] < 1.0


def test_praise_that_disowns_cash_back_is_not_incentive_wording():
    rows = [
        *honest_history(),
        review(text="续约第二年了，不用返现求好评，效果自己会说话，推荐", rating=5.0, author="regular1"),
        review(text="没搞什么好评返现那一套，靠的是实打实的数据", rating=5.0, author="regular2"),
    ]
    assert flag_reviews(pd.DataFrame(rows)).empty
    paid = review(text="效果不错，五星好评返现十元，已经截图给客服了", rating=5.0, author="regular3")
    assert list(flag_reviews(pd.DataFrame([*rows, paid]))["native_id"]) == [paid["native_id"]]


def test_near_duplicates_in_a_burst_are_flagged_and_honest_history_is_not():
    text = "这家代运营公司非常专业，店铺销量翻了好几倍，强烈推荐大家合作！"
    burst = [
        review(text=text + "!" * (i % 2), rating=5.0, day="2025-02-20", cluster=9999, author="regular1")
        for i in range(12)
    ]
    rows = honest_history() + burst
    flags = flag_reviews(pd.DataFrame(rows))
    assert set(flags["native_id"]) == {r["native_id"] for r in burst}
    assert all({"near_duplicate", "burst"} <= set(f) for f in flags["flags"])
    # Twelve reviews in a day where the provider gets one every few days: no chance at all.
    assert (flags["confidence"] > 0.999).all()


def test_a_busy_day_of_distinct_honest_reviews_is_not_flagged():
    texts = [
        "双十一前签的约，活动报名和会场资源都是他们对接的，当天成交翻了一倍多",
        "客服外包给他们以后差评少了很多，响应时间从十分钟降到一分钟以内",
        "直通车关键词重新梳理过，花费降了三成，点击率反而上去了",
        "详情页改版后转化率从百分之一点二涨到二点一，设计师很耐心",
        "我们是做宠物用品的，他们帮忙找了几个达人带货，效果超出预期",
        "每周一份数据周报，哪里花了钱哪里有产出写得清清楚楚",
        "大促备货建议很准，没有压库存，这点比上一家强太多",
        "刚开始沟通有点慢，换了对接人之后顺畅多了，整体满意",
        "店铺评分从四点六升到四点八，售后流程是他们帮忙定的",
        "价格不算便宜，但是团队专业，钱花得值，准备续约一年",
        "新品上架节奏安排得好，三个爆款都是他们选的款",
        "内容种草做得不错，小红书那边也同步带来了一些搜索流量",
    ]
    busy = [review(text=t, day="2025-02-20", author=f"regular{i % 7}") for i, t in enumerate(texts)]
    rows = honest_history() + busy
    sig = signals(pd.DataFrame(rows))
    assert sig["burst"].sum() == 12  # the day is a burst ...
    assert flag_reviews(pd.DataFrame(rows)).empty  # ... but a burst alone is not enough


def test_short_generic_reviews_are_not_near_duplicates():
    rows = [*honest_history(), *(review(text="很好", cluster=4242, author="regular2") for _ in range(5))]
    sig = signals(pd.DataFrame(rows))
    assert not sig["near_duplicate"].any()


def test_no_reviews_gives_an_empty_table_with_the_columns():
    out = flag_reviews(
        pd.DataFrame(
            [
                {
                    "doc_id": "forum:1",
                    "kind": "forum_answer",
                    "source": "forum",
                    "native_id": "1",
                    "provider_id": "p",
                    "text": "x",
                    "text_chars": 1,
                    "author": "a",
                    "rating": None,
                    "created_at": None,
                    "dup_cluster": 0,
                }
            ]
        )
    )
    assert out.empty
    assert list(out.columns) == ["source", "native_id", "provider_id", "flags", "weight", "confidence"]


def test_top_marks_for_a_service_just_begun_from_a_one_review_account_is_flagged():
    paid = review(text="第一次合作！运营小哥很负责，每周都有数据周报，好评。", rating=5.0, author="throwaway")
    rows = [*honest_history(), paid]
    flags = flag_reviews(pd.DataFrame(rows))
    assert list(flags["native_id"]) == [paid["native_id"]]
    assert {"untested_praise", "one_hit_author"} <= set(flags.loc[0, "flags"])


def test_a_newcomer_who_is_measured_or_writes_again_is_not_flagged():
    rows = [
        *honest_history(),
        # Four stars on day one is a first impression, not a paid verdict.
        review(text="第一次合作，沟通顺畅，效果还要再看看", rating=4.0, author="newcomer"),
        # An account with a history is not a throwaway account.
        review(text="第一次合作，方案很清楚，五星", rating=5.0, author="regular2"),
        # Top marks after months of results are what honest praise looks like.
        review(text="合作半年了，店铺销量稳步上涨，五星推荐", rating=5.0, author="longtime"),
    ]
    assert flag_reviews(pd.DataFrame(rows)).empty


_AGENCIES = ("p1", "p2", "p3", "p4", "p5")


def _mixed_market(providers=_AGENCIES, per_provider=20):
    """Agencies whose buyers give 1–5 stars, as a middling agency's do; each buyer writes once."""
    rows = []
    for p in providers:
        for i in range(per_provider):
            day = (pd.Timestamp("2025-01-01") + pd.Timedelta(days=9 * i)).strftime("%Y-%m-%d")
            rows.append(review(p, f"{p}第{i}条评价，效果一般般，沟通还算顺畅", float(1 + i % 5), day))
    return rows


def _farm_everywhere():
    return [review(p, f"{p}的团队非常用心，推荐", 5.0, author="farmhand") for p in _AGENCIES]


def test_a_review_farm_account_is_flagged_on_every_agency_it_praises():
    # Paraphrased texts at ordinary moments weeks apart: no burst, no copy, no incentive wording. Only
    # the account's history gives it away: five stars every time where other buyers mostly give less.
    texts = ["运营团队很专业，店铺数据稳步上涨", "合作三个月，转化率提升明显", "客服响应快，方案落地扎实"]
    farm = [
        review(p, texts[i % 3], 5.0, f"2025-0{i + 2}-1{i}", author="farmhand")
        for i, p in enumerate(_AGENCIES)
    ]
    rows = _mixed_market() + farm
    flags = flag_reviews(pd.DataFrame(rows))
    assert set(flags["native_id"]) == {r["native_id"] for r in farm}
    assert all("farm_account" in f for f in flags["flags"])
    # Five five-star reviews where a quarter of buyers give five: an innocent chance under 1 in 100.
    assert (flags["confidence"] >= 0.99).all()


def test_loyal_or_discerning_buyers_with_several_reviews_are_not_farm_accounts():
    rows = _mixed_market()
    # Five stars at agencies where five stars are the norm: a loyal buyer of good agencies.
    for p in ("good1", "good2", "good3", "good4"):
        rows += [review(p, f"{p}的服务很好，第{i}次好评", 5.0, author=f"{p}-buyer{i}") for i in range(12)]
        rows.append(review(p, f"{p}一直合作，效果稳定，服务到位", 5.0, author="loyal"))
    # Five stars at middling agencies, but one honest three: not "always five".
    rows += [
        review(p, f"在{p}合作了一段时间，整体满意度{s}分", s, author="discerning")
        for p, s in (("p1", 5.0), ("p2", 5.0), ("p3", 5.0), ("p4", 3.0))
    ]
    # Two five-star reviews are too few to tell a farm from a lucky buyer.
    rows += [review(p, f"{p}很给力，店铺起色明显", 5.0, author="twice") for p in ("p1", "p2")]
    assert flag_reviews(pd.DataFrame(rows)).empty


def test_a_farm_account_is_seen_from_its_reviews_of_other_agencies():
    # A build that recomputes only p1 passes the context of every review: p1 alone holds a single
    # review of the account, which looks like any buyer's.
    farm = _farm_everywhere()
    docs = pd.DataFrame(_mixed_market() + farm)
    only_p1 = docs[docs["provider_id"] == "p1"]
    assert flag_reviews(only_p1).empty
    flags = flag_reviews(only_p1, context=review_context(docs))
    assert list(flags["native_id"]) == [farm[0]["native_id"]]


def test_a_farm_review_elsewhere_changes_the_agency_fingerprint():
    # Incremental builds keep a provider's rows unless its fingerprint changes: the account's new
    # review of another agency must change the fingerprint of the agencies it reviewed before.
    farm = _farm_everywhere()
    empty = pd.DataFrame(columns=["provider_id"])

    def fp(rows):
        docs = pd.DataFrame(rows)
        for col in _DOC_FP_COLS:
            if col not in docs:
                docs[col] = None
        return fingerprints(empty, docs, review_context(docs), empty, empty, empty)

    before, after = fp(_mixed_market() + farm[:2]), fp(_mixed_market() + farm)
    assert before["p1"] != after["p1"]


def test_praise_written_to_order_from_a_one_review_account_is_flagged():
    asked = review(text="老板让评价一下，对接群里响应很快，五星。", rating=5.0, author="throwaway2")
    begun = review(text="签约没几天，投放思路很清楚！靠谱。", rating=5.0, author="throwaway3")
    rows = [*honest_history(), asked, begun]
    flags = flag_reviews(pd.DataFrame(rows)).set_index("native_id")
    assert set(flags.index) == {asked["native_id"], begun["native_id"]}
    assert "solicited_praise" in flags.loc[asked["native_id"], "flags"]
    assert "untested_praise" in flags.loc[begun["native_id"], "flags"]
    # A buyer with a history who mentions being asked is not a throwaway account.
    regular = review(text="老板让评价一下，合作两年，效果稳定。", rating=5.0, author="regular3")
    assert flag_reviews(pd.DataFrame([*honest_history(), regular])).empty


def test_near_copies_from_new_accounts_within_hours_are_flagged_even_at_a_busy_pace():
    # A provider with a dozen reviews a day: two near-copies on one day are no burst by the pace alone.
    busy = [
        review(
            text=f"第{i}条，服务细致，报表清楚，沟通顺畅，值得长期合作{i}",
            rating=4.0,
            day=f"2025-02-{1 + i % 20:02d}",
        )
        for i in range(240)
    ]
    text = "运营小哥很负责，每周都有数据周报，店铺流量稳步上涨，值得推荐"
    copies = [
        review(text=text + "！", rating=5.0, day="2025-02-10 09:00", author="new1", cluster=9_999),
        review(text=text + "。", rating=5.0, day="2025-02-10 15:00", author="new2", cluster=9_999),
    ]
    flags = flag_reviews(pd.DataFrame([*busy, *copies]))
    assert set(flags["native_id"]) == {c["native_id"] for c in copies}
    assert (flags["confidence"] >= 0.9).all()
    # The same words from buyers with a history are left alone.
    again = [{**c, "author": f"regular{i}"} for i, c in enumerate(copies)]
    extra = [review(text="另一条评价，效果不错，服务周到", author=f"regular{i}") for i in range(2)]
    assert flag_reviews(pd.DataFrame([*busy, *again, *extra])).empty


def test_top_marks_from_a_fresh_one_review_account_are_flagged_and_say_so_first():
    # A 小号 with no buyer credit (author_level 0) whose only review is five stars of unremarkable praise.
    paid = {**review(text="合作愉快，运营很用心，值得推荐", rating=5.0, author="fresh1"), "author_level": 0}
    rows = [{**r, "author_level": 7} for r in honest_history()] + [paid]
    flags = flag_reviews(pd.DataFrame(rows)).set_index("native_id")
    assert list(flags.index) == [paid["native_id"]]
    assert flags.loc[paid["native_id"], "flags"][0] == "fresh_account"  # the deciding evidence first
    assert "one_hit_author" in flags.loc[paid["native_id"], "flags"]
    assert 0.5 < flags.loc[paid["native_id"], "confidence"] < 0.95  # one signal with no model: not certain
    # switched off, nothing else catches it
    assert flag_reviews(pd.DataFrame(rows), off=frozenset({"fresh_account_praise"})).empty


def test_fresh_accounts_that_are_measured_write_again_or_show_no_credit_are_not_flagged():
    base = [{**r, "author_level": 7} for r in honest_history()]
    text = "合作愉快，运营很用心，值得推荐"
    measured = {**review(text=text, rating=4.0, author="fresh2"), "author_level": 0}
    again = [
        {**review(text=t, rating=5.0, author="fresh3", provider=p), "author_level": 0}
        for t, p in (("合作愉快，运营很用心，值得推荐", "p1"), ("效果还可以，团队沟通顺畅，续约了", "p2"))
    ]
    unknown = review(text="合作愉快，运营很用心，值得推荐", rating=5.0, author="nolevel")  # no credit shown
    aged = {**review(text="合作愉快，运营很用心，值得推荐", rating=5.0, author="aged"), "author_level": 6}
    assert flag_reviews(pd.DataFrame([*base, measured, *again, unknown, aged])).empty
