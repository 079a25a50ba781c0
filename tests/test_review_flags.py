"""Suspicious-review flags: converging evidence is flagged, a single innocent signal is not."""

from __future__ import annotations

import pandas as pd

from reputation.review_flags import FLAGGED_WEIGHT, flag_reviews, signals

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
    assert list(out.columns) == ["source", "native_id", "provider_id", "flags", "weight"]


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
