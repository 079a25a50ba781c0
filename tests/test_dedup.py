"""Near-duplicate clustering: same story → same label, across scripts, garbling and light rewording."""

from __future__ import annotations

import random

from pipelines.dedup import BANDS, MIN_CHARS, THRESHOLD, NearDuplicateIndex, canonical, cluster

STORY = (
    "杭州某某电商代运营公司帮我们做了三个月，店铺访客从每天"
    "两百涨到两千，客服响应也很及时，整体很满意，推荐给大家。"
)
TRADITIONAL = (
    "杭州某某電商代運營公司幫我們做了三個月，店鋪訪客從每天"
    "兩百漲到兩千，客服響應也很及時，整體很滿意，推薦給大家。"
)
GARBLED = (
    "杭州某某電(diàn)商代運(yùn)營(yíng)公司幫我們做了三個月&amp;ldquo;店鋪訪客從每天兩百漲到兩千■，"
    "客服響應也很及時，整體很滿意，推薦給大家。\n如需咨询请加微信：abc12345"
)
REWORDED = (
    "杭州某某电商代运营公司帮我们做了三个月，店铺访客从每天两"
    "百涨到了两千，客服回复也很及时，整体挺满意的，推荐给大家！"
)
OTHER = "交了两万块服务费，运营两个月一单没出，要求退款一直拖着不处理，大家千万别上当，这家公司就是骗子。"
OTHER_REWORDED = (
    "交了两万块服务费，运营了两个月一单都没出，要求退款一直拖不处理，大家千万不要上当，这家公司是骗子！"
)


def _random_cjk(rng: random.Random, n: int) -> str:
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(n))


def test_same_story_in_any_script_or_garbling_or_rewording_shares_a_label():
    labels = cluster([STORY, OTHER, TRADITIONAL, GARBLED, REWORDED, OTHER_REWORDED])
    assert labels == [0, 1, 0, 0, 0, 1]


def test_labels_are_small_ints_in_first_occurrence_order():
    third = "完全不同的第三个故事，讲的是一家公司如何把直通车做到盈利的过程和方法。"
    labels = cluster([OTHER, STORY, third, STORY])
    assert labels == [0, 1, 2, 1]


def test_short_texts_cluster_only_when_identical():
    # "很好" and "很好！" are identical after normalisation; "不错" is another text, not the same story.
    labels = cluster(["很好", "不错", "很好！", "服务很好很专业", "服务很好很专业。", "服务很专业很好"])
    assert labels == [0, 1, 0, 2, 2, 3]
    assert len(canonical("服务很好很专业，效果也很好，推荐")) < MIN_CHARS  # why these count as short


def test_unrelated_texts_never_merge():
    rng = random.Random(1)
    texts = [_random_cjk(rng, rng.randint(50, 200)) for _ in range(2000)]
    assert cluster(texts) == list(range(2000))


def test_empty_and_degenerate_inputs():
    assert cluster([]) == []
    assert cluster(["", " ", "\ud800", "■"]) == [0, 0, 0, 0]  # all normalise to the empty text
    assert cluster(["a" * 5000, "a" * 5000 + "b"]) == [0, 0]


def test_streaming_index_returns_the_earlier_key():
    index = NearDuplicateIndex()
    assert index.add("market:1", STORY) is None
    assert index.add("market:2", OTHER) is None
    assert index.add("forum:7", GARBLED) == "market:1"
    assert index.add("forum:8", REWORDED) == "market:1"
    assert index.add("articles:3", OTHER_REWORDED) == "market:2"
    assert index.add("market:9", "很好") is None
    assert index.add("market:10", "很好！") == "market:9"
    assert index.add("market:11", "不错") is None


def test_streaming_index_memory_is_bounded_per_item():
    rng = random.Random(2)
    index = NearDuplicateIndex()
    for i in range(500):
        index.add(str(i), _random_cjk(rng, 300))
    assert len(index._buckets) <= 500 * BANDS
    assert len(index._sigs) == 500


def test_batch_and_streaming_agree():
    texts = [STORY, OTHER, TRADITIONAL, GARBLED, REWORDED, OTHER_REWORDED, "很好", "很好"]
    labels = cluster(texts)
    index = NearDuplicateIndex()
    first_key_of_label: dict[int, str] = {}
    for i, (text, label) in enumerate(zip(texts, labels, strict=True)):
        earlier = index.add(str(i), text)
        if label in first_key_of_label:
            assert earlier == first_key_of_label[label]
        else:
            assert earlier is None
            first_key_of_label[label] = str(i)


def _near_dup_corpus(rng: random.Random, n: int) -> list[str]:
    """Stories, their copies with one character changed, exact copies and short texts, shuffled."""
    stories = [_random_cjk(rng, rng.randint(25, 60)) for _ in range(n // 8)]
    out = []
    for _ in range(n):
        t = rng.choice(stories)
        r = rng.random()
        if r < 0.4:
            # Up to a fifth of the characters changed: resemblance to the story from near 1 to near the
            # threshold, so which text heads a bucket decides which pairs are accepted.
            for _ in range(rng.randint(1, len(t) // 5)):
                i = rng.randrange(len(t))
                t = t[:i] + _random_cjk(rng, 1) + t[i + 1 :]
        elif r < 0.5:
            t = t[: rng.randint(3, MIN_CHARS - 1)]
        out.append(t)
    return out


def test_updating_labels_with_a_stored_graph_equals_clustering_everything():
    import numpy as np

    from pipelines.dedup import text_state, update_labels

    rng = random.Random(5)
    texts = _near_dup_corpus(rng, 3000)
    keys = list(range(len(texts)))  # a document's sort key: later batches land between earlier ones
    rng.shuffle(keys)
    present: list[int] = []  # keys present, in key order
    prev_graph, prev_keys, prev_state = None, [], None
    for batch in range(5):
        new = keys[batch * 500 : (batch + 1) * 500]
        # A re-crawl: one present document's text changes (its state must be recomputed).
        changed = set(rng.sample(present, 5)) if present else set()
        for k in changed:
            texts[k] = texts[k][::-1]
        present = sorted(present + new)
        where = {k: i for i, k in enumerate(prev_keys)}
        prev_pos = np.array([where.get(k, -1) if k not in changed else -1 for k in present])
        # States are a function of the text, so hashing every text again stands in for the stored ones;
        # what is under test is reusing the graph where prev_pos says a document is unchanged.
        fresh = text_state([texts[k] for k in present])
        labels, prev_graph = update_labels(fresh, prev_pos if prev_state is not None else None, prev_graph)
        assert labels.tolist() == cluster([texts[k] for k in present]), f"batch {batch}"
        prev_keys, prev_state = present, fresh
    assert len(set(labels.tolist())) < len(present) * 0.5, "the corpus must have near-duplicates"


def _edge_set(graph) -> set[tuple[int, ...]]:
    # Pairs by the first copies' positions, so graphs built in different ways compare.
    e = graph.edges.astype("int64")
    return {(b, k, graph.first[h], graph.first[m]) for b, k, h, m in e.tolist()}


def test_updates_with_removals_moved_first_copies_and_big_buckets_equal_a_full_build():
    """Buckets of hundreds of members (a few templates), where most updates only compare new members
    with the head; documents are also removed, and copies of a text inserted before its first copy or
    its first copy removed (the text's pairs were decided from another position)."""
    import numpy as np

    from pipelines.dedup import text_state, update_labels

    rng = random.Random(11)
    templates = [_random_cjk(rng, 40) for _ in range(4)]

    def variant() -> str:
        t = rng.choice(templates)
        for _ in range(rng.randint(0, 9)):
            i = rng.randrange(len(t))
            t = t[:i] + _random_cjk(rng, 1) + t[i + 1 :]
        return t

    docs: dict[float, str] = {}  # sort key → text
    prev_graph, prev_keys = None, []
    for batch in range(6):
        keys = sorted(docs)
        for _ in range(300 if batch == 0 else 60):
            docs[rng.random()] = variant()
        if keys:
            for k in rng.sample(keys, 15):  # removed documents
                docs.pop(k, None)
            for k in rng.sample(sorted(docs), 20):  # an exact copy anywhere, often before the first one
                docs[rng.random()] = docs[k]
            first_of: dict[str, float] = {}
            copied = {t for t in docs.values() if list(docs.values()).count(t) > 1}
            for k in sorted(docs):
                first_of.setdefault(docs[k], k)
            for t in rng.sample(sorted(copied), min(10, len(copied))):  # first copy gone, a later one stays
                docs.pop(first_of[t])
        present = sorted(docs)
        where = {k: i for i, k in enumerate(prev_keys)}
        prev_pos = np.array([where.get(k, -1) for k in present])
        state = text_state([docs[k] for k in present])
        labels, graph = update_labels(state, prev_pos if prev_graph is not None else None, prev_graph)
        full_labels, full_graph = update_labels(state, None, None)
        expected = cluster([docs[k] for k in present])
        assert labels.tolist() == full_labels.tolist() == expected, f"batch {batch}"
        assert _edge_set(graph) == _edge_set(full_graph), f"batch {batch}"
        prev_graph, prev_keys = graph, present
    sizes = np.unique(labels, return_counts=True)[1]
    assert sizes.max() >= 50, "the corpus must have big buckets for the test to mean anything"


# A long story and the ways real reposts carry it: inside another site's menu and footer, or cut short.
LONG_STORY = (
    "去年三月我们把天猫旗舰店交给一家杭州的代运营公司，合同写明半年内月销售额做到八十万，"
    "服务费每月两万加百分之三的提成。头两个月他们换了主图，开了直通车，访客确实多了一些，"
    "可是转化率一直上不去，到了第四个月销售额反而比交接前还低。我们要求看推广账户的明细，"
    "对方拖了三周才发来一份表格，里面的花费和后台对不上。后来我们请了第三方审计，发现有一半"
    "的推广费花在了和我们类目无关的关键词上。协商退款没有结果，最后只好走了诉讼程序，"
    "法院判对方退还部分服务费并承担违约金。"
)
SITE_CHROME = (
    "首页 | 行业资讯 | 商家学堂 | 服务商名录 | 关于我们 | 联系投稿 本站内容来自网友投稿与公开渠道，"
    "仅供参考，不构成任何投资或经营建议，转载请注明出处。"
)
SITE_FOOTER = (
    "相关阅读：店铺托管前必须问清的十个问题；直播代运营的收费方式有哪些；如何看懂服务商的案例。"
    "版权所有 某某电商资讯网 备案号 浙ICP备00000000号 客服邮箱见页面底部 广告合作请留言 "
    "免责声明：文中观点仅代表作者本人，与本站立场无关，如有侵权请联系删除。"
    "上一篇：双十一前店铺该做哪些准备 下一篇：类目排名下滑的五个常见原因 热门标签：淘宝运营 天猫入驻 "
    "抖音小店 直通车 引力魔方 店铺装修 详情页设计 客服外包 分享到微博 分享到朋友圈 打印本页 关闭窗口"
)


def test_a_copy_inside_another_sites_menu_and_footer_joins_its_original():
    from pipelines.dedup import signatures

    wrapped = SITE_CHROME + LONG_STORY + SITE_FOOTER
    a, b = (canonical(t) for t in (LONG_STORY, wrapped))
    grams = [{s[i : i + 3] for i in range(len(s) - 2)} for s in (a, b)]
    assert len(grams[0] & grams[1]) / len(grams[0] | grams[1]) < THRESHOLD  # resemblance alone misses it
    assert cluster([LONG_STORY, OTHER, wrapped]) == [0, 1, 0]
    assert len(signatures([a, b])) == 2


def test_a_snippet_shared_by_many_pages_does_not_chain_them():
    """A page holding only a site's menu and footer is inside every page of that site; it must not
    join them (and through it, join them all) where it is a small part of them: containment counts
    only at a resemblance of CONTAIN_MIN_RESEMBLANCE or more."""
    rng = random.Random(7)
    pages = [SITE_CHROME + _random_cjk(rng, 1500) + SITE_FOOTER for _ in range(5)]
    labels = cluster([SITE_FOOTER + SITE_CHROME, *pages])
    assert len(set(labels)) == 6


def test_streaming_index_knows_a_wrapped_copy():
    index = NearDuplicateIndex()
    assert index.add("articles:1", LONG_STORY) is None
    assert index.add("articles:2", SITE_CHROME + LONG_STORY + SITE_FOOTER) == "articles:1"


def test_incremental_labels_equal_a_full_build_with_wrapped_copies_and_excerpts():
    import numpy as np

    from pipelines.dedup import text_state, update_labels

    rng = random.Random(13)
    stories = [_random_cjk(rng, rng.randint(180, 400)) for _ in range(40)]
    chrome = [_random_cjk(rng, rng.randint(60, 250)) for _ in range(3)]

    def repost() -> str:
        s = rng.choice(stories)
        r = rng.random()
        if r < 0.4:
            c = rng.choice(chrome)
            return c[: len(c) // 2] + s + c[len(c) // 2 :]
        if r < 0.7:
            start = rng.randrange(len(s) // 3)
            return s[start : start + int(len(s) * rng.uniform(0.45, 0.9))]
        return rng.choice(chrome) if r < 0.75 else s

    texts = [repost() for _ in range(1200)]
    keys = list(range(len(texts)))
    rng.shuffle(keys)
    present: list[int] = []
    prev_graph, prev_keys = None, []
    for batch in range(4):
        present = sorted(present + keys[batch * 300 : (batch + 1) * 300])
        where = {k: i for i, k in enumerate(prev_keys)}
        prev_pos = np.array([where.get(k, -1) for k in present])
        state = text_state([texts[k] for k in present])
        labels, prev_graph = update_labels(state, prev_pos if batch else None, prev_graph)
        assert labels.tolist() == cluster([texts[k] for k in present]), f"batch {batch}"
        prev_keys = present
    assert len(set(labels.tolist())) < 60, "reposts must have joined their stories"


def _passage(pid: str, text: str, url: str, group: str | None = None, script: str = "simplified"):
    from evaluation.text.corpus import Passage

    return Passage(pid, url, "article", text, (), (), 0, (), (), group, script, (), "high", "")


def test_eval_counts_split_pairs_and_false_merges_but_not_the_same_page_labelled_twice():
    from evaluation.text import dedup as dedup_eval

    passages = [
        _passage("a1", LONG_STORY, "https://one.example/1", "story"),
        _passage("a2", SITE_CHROME + LONG_STORY + SITE_FOOTER, "https://two.example/9", "story"),
        _passage("a3", OTHER + "完全改写过的同一件事，没有一句话相同。", "https://three.example/3", "story"),
        # The same page again, labelled in another part of the corpus without the slug.
        _passage("b1", LONG_STORY, "https://one.example/1"),
        # A different story that is an exact copy of another one: a false merge.
        _passage("c1", OTHER_REWORDED, "https://four.example/4"),
        _passage("c2", OTHER_REWORDED, "https://five.example/5"),
    ]
    result = dedup_eval.evaluate(passages)
    assert result.figures["pair_recall"].n == 3
    assert result.figures["pair_recall"].value == 1 / 3  # a1~a2 joined; a3 is not a copy of either
    # b1 is linked to the group through a1's URL: its pairs are counted apart, never as "other".
    assert result.figures["same_page_pairs_joined"].value == 2 / 3  # with a1 and a2, not a3
    assert result.figures["false_merge_pairs"].value == 1.0
    assert result.errors[0].startswith("false merge: c1 ~ c2")


# Two write-ups of one (invented) results announcement in different words, and a third story about
# the same company that quotes two of its headline figures.
RESULTS = (
    "青禾电商昨晚发布半年报：上半年营业收入12.46亿元，同比下降18.35%；归母净利润亏损3127万元，"
    "去年同期盈利846.2万元。毛利率为23.71%，经营现金流净额为-5634万元，存货账面价值升至4.128亿元。"
    "公司解释称，主要品牌客户收回代理权，服务费收入减少。"
)
RESULTS_SPUN = (
    "代运营行业寒意未消。据青禾电商披露的半年度报告，公司期内实现营收12.46亿元，较上年同期减少18.35%，"
    "由盈转亏，归属于股东的净利润为-3127万元（上年同期为846.2万元）；毛利率降至23.71%，"
    "存货高达4.128亿元，经营活动现金流净额-5634万元。多家品牌到期后未再续约。"
)
RESULTS_LATER = (
    "青禾电商三季报显示，前三季度营业收入18.02亿元，同比下降15.26%，净亏损4410万元；此前半年报中"
    "营业收入12.46亿元、净利润亏损3127万元。三季度单季营收5.56亿元，毛利率回升至25.13%，"
    "公司称新签约品牌9个，直播代运营收入增长31.84%。"
)


def test_a_rewrite_with_the_same_figures_is_the_same_story_but_a_later_report_is_not():
    assert cluster([RESULTS, RESULTS_SPUN, RESULTS_LATER]) == [0, 0, 1]


def test_the_figures_of_a_text_are_read_in_base_units():
    from pipelines.dedup import facts

    # 12.46亿 and 1,246 million are one figure; the year is none.
    assert (
        len(facts("2024年营收12.46亿元，利润3127万元，毛利率23.71%，存货4.128亿元，现金流5634万元，846.2万"))
        == 6
    )
    same = facts(
        "Revenue RMB1,246 million, profit RMB31.27 million, 23.71%, "
        "RMB412.8 million, 56.34 million, 8.462 million"
    )
    assert set(same) == set(
        facts("营收12.46亿元，利润3127万元，毛利率23.71%，存货4.128亿元，现金流5634万元，846.2万")
    )


def test_a_repost_under_another_byline_joins_but_a_story_sharing_one_paragraph_does_not():
    """A repost differs from its original in the page furniture around it (byline, source line, read
    counter, image credit): that goes before shingling, so the two join; two stories that quote one
    paragraph stay apart. (A repost under a lead paragraph of its own does not join: two looser rules
    for it merged different stories on the held-out real passages, see pipelines/dedup.py.)"""
    rng = random.Random(11)
    lead_a, lead_b, tail = (_random_cjk(rng, 240) for _ in range(3))
    original = f"{lead_a}\n{LONG_STORY}\n（文/王某 编辑/李某）\n2024-03-05 10:21:07 阅读(1203) 评论(4)"
    repost = f"来源：某某财经网\n{lead_a}\n{LONG_STORY}\n图片来自网络"
    own_lead = f"{lead_b}\n{LONG_STORY}"
    quoting = f"{_random_cjk(rng, 700)}\n{LONG_STORY[:60]}\n{tail}"
    assert canonical(original) == canonical(f"{lead_a}\n{LONG_STORY}")  # furniture lines dropped
    buttons = "分享 | 收藏 | 打印 | 关闭窗口\n【打印】【关闭】\n字号：大 中 小"
    assert canonical(f"{LONG_STORY}\n{buttons}") == canonical(LONG_STORY)
    complaint = "举报这家代运营公司，交了三万服务费一单没出"  # a line that starts like a button is content
    assert canonical(complaint) == canonical(f"{complaint}\n{buttons}")
    assert "举报" in canonical(complaint)
    assert cluster([original, OTHER, repost, quoting]) == [0, 1, 0, 2]
    assert cluster([original, own_lead]) == [0, 1]
    index = NearDuplicateIndex()
    assert index.add("a", original) is None
    assert index.add("b", repost) == "a"


# A paragraph about an (invented) agency, as a site's template or a spun repost carries it.
AGENCY_STORY = (
    "{agency}成立于二〇一六年，总部设在{city}，主要为食品和家居品牌打理天猫、京东和抖音店铺。"
    "公司负责人在接受采访时表示，过去一年团队把重心从代运营服务费转向按销售额分成，"
    "新签的品牌里有一半选择了只收提成的方案。"
    "{agency}同时收缩了自营商品的规模，把仓储外包给两家第三方物流，运营人员从三百多人减少到两百人左右。"
    "业内人士认为，这种转型能降低商家的前期投入，但服务商自身的现金流压力会明显上升，"
    "一旦合作品牌的销售不及预期，分成收入就会大幅波动。"
)
HECHUAN, YUANFAN = "杭州禾川电子商务有限公司", "宁波远帆网络科技有限公司"


def _spun_and_template_pages() -> tuple[str, str, str]:
    """An article about 禾川; a repost of it under another lead and ending, with words swapped; and a
    page of the same template about another agency, 远帆."""
    rng = random.Random(5)
    story = AGENCY_STORY.format(agency=HECHUAN, city="杭州")
    swaps = {"表示": "透露", "打理": "运营", "明显上升": "显著增加", "大幅波动": "剧烈起伏"}
    spun = story
    for old, new in swaps.items():
        spun = spun.replace(old, new)
    original = f"{_random_cjk(rng, 130)}\n{story}\n{_random_cjk(rng, 130)}"
    repost = f"{_random_cjk(rng, 130)}\n{spun}\n{_random_cjk(rng, 130)}"
    template = AGENCY_STORY.format(agency=YUANFAN, city="宁波")
    other = f"{_random_cjk(rng, 130)}\n{template}\n{_random_cjk(rng, 130)}"
    return original, repost, other


def test_a_template_page_about_another_agency_stays_apart_from_a_page_it_shares_a_paragraph_with():
    """Template pages (the sandbox's case pages and articles, real report digests, SEO posts) share a
    few hundred shingles at a resemblance of 0.2-0.35 with pages of the same template about other
    agencies, as a spun or re-led repost does with its original: no bar on those figures may join
    them. (Two such bars were tried on the real passages, one with a common agency required as
    well: both merged different stories in the held-out third; see pipelines/dedup.py.)"""
    from pipelines.dedup import CONTAINMENT

    original, repost, other = _spun_and_template_pages()
    grams = [{s[i : i + 3] for i in range(len(s) - 2)} for s in map(canonical, (original, repost, other))]
    for x, y in ((0, 1), (0, 2)):
        shared = len(grams[x] & grams[y])
        assert shared >= 150
        assert 0.2 <= shared / len(grams[x] | grams[y]) < THRESHOLD
        assert shared / min(len(grams[x]), len(grams[y])) < CONTAINMENT
    assert cluster([original, other]) == [0, 1]
    assert cluster([repost, other]) == [0, 1]
    index = NearDuplicateIndex()
    assert index.add("a", original) is None
    assert index.add("c", other) is None


def test_english_is_shingled_by_words_so_two_english_texts_do_not_look_alike_by_letters():
    first = (
        "The company reported that total revenue for the fourth quarter increased to a record level, "
        "driven by strong demand from brand partners and by the growth of its store operations, "
        "while the management remained cautious about the outlook for the coming year."
    )
    second = (
        "Our team visited the warehouse in the morning and then interviewed several merchants about "
        "their experience with outsourced store operations, which they described as expensive, slow "
        "and difficult to monitor during the busy promotion season."
    )
    assert len(canonical(first)) < 50  # one symbol per word
    assert cluster([first, second, first.replace("record", "new record")]) == [0, 1, 0]


def _stable(ids: list[str], texts: list[str], seen: list[int] | None = None) -> dict[str, int]:
    import numpy as np

    from pipelines.dedup import stable_labels

    first_seen = None if seen is None else np.array(seen, dtype=np.int64)
    return dict(zip(ids, stable_labels(cluster(texts), ids, first_seen).tolist(), strict=True))


def test_a_build_label_names_the_cluster_by_its_first_member_whatever_else_is_there():
    """The build's labels (`stable_labels`): a cluster is named by its member first seen, then by the
    smallest id; adding documents seen later relabels no cluster they join, and the order of the
    documents changes nothing."""
    from pipelines.dedup import LABEL_BITS

    short = "服务很好很专业，推荐"
    docs = {"d:10": STORY, "d:20": OTHER, "d:30": REWORDED, "d:40": short, "d:50": OTHER_REWORDED}
    before = _stable(list(docs), list(docs.values()))
    assert before["d:10"] == before["d:30"] != before["d:20"] == before["d:50"] != before["d:40"]
    assert all(0 <= v < 1 << LABEL_BITS for v in before.values())
    assert _stable(list(docs), list(docs.values()), [0] * 5) == before, "seen together: by smallest id"

    unrelated = "一个无关的新故事，和前面说的都不一样的内容。"
    grown = {**docs, "d:05": OTHER, "d:35": TRADITIONAL, "d:60": unrelated}
    ids = sorted(grown)
    seen = [1 if i in {"d:05", "d:35", "d:60"} else 0 for i in ids]  # the new ones, a crawl later
    after = _stable(ids, [grown[i] for i in ids], seen)
    assert after["d:10"] == after["d:30"] == after["d:35"] == before["d:10"]
    assert after["d:40"] == before["d:40"], "a cluster no new document joined keeps its label"
    assert after["d:20"] == after["d:05"] == before["d:20"], "joined by a smaller id seen later: same name"
    assert after["d:60"] not in {after[i] for i in ids if i != "d:60"}
    # Seen at once (a rebuild from scratch of raw that has no dates): the smallest id names it.
    assert _stable(ids, [grown[i] for i in ids])["d:20"] != before["d:20"]

    shuffled = random.Random(5).sample(ids, len(ids))
    again = _stable(shuffled, [grown[i] for i in shuffled], [seen[ids.index(i)] for i in shuffled])
    assert again == after
    assert _stable(["d:40"], [docs["d:40"]]) == {"d:40": before["d:40"]}, "alone, the same label"


def test_two_clusters_whose_hashes_meet_still_get_two_labels(monkeypatch):
    from pipelines import dedup

    # Four bits of label for 16 unrelated texts: they collide and are probed apart.
    monkeypatch.setattr(dedup, "LABEL_BITS", 4)
    monkeypatch.setattr(dedup, "_LABEL_MASK", 15)
    rng = random.Random(9)
    ids = [f"x:{i:02d}" for i in range(16)]
    texts = [_random_cjk(rng, 40) for _ in ids]
    labels = dedup.stable_labels(cluster(texts), ids)
    assert sorted(labels.tolist()) == list(range(16))
    # The smallest id keeps its hash; others move only when an earlier one took their value.
    alone = {i: int(dedup.stable_labels([0], [i])[0]) for i in ids}
    assert labels[0] == alone[ids[0]]
    assert sum(labels[k] == alone[i] for k, i in enumerate(ids)) >= 6


def test_fact_columns_and_shingle_counts_given_once_decide_as_per_pair():
    # The labelling sets the fact columns of texts with few figures in one step and passes each
    # text's estimated shingle count instead of recomputing it per pair: the same signatures and
    # the same decisions as the row-by-row definitions.
    import numpy as np

    from pipelines.dedup import (
        FACTS_MIN,
        TEXT_PERM,
        _fact_columns,
        estimated_sizes,
        facts,
        near_duplicate,
        signatures,
    )

    figures = "营收17.28亿，净利润4250万，毛利率37.44%，客单价129元，访客3,780人，复购率12.5%，转化率3.62%。"
    texts = [STORY, TRADITIONAL, REWORDED, OTHER, OTHER_REWORDED, figures, figures + STORY]
    canon = [canonical(t) for t in texts]
    keys = [facts(t) for t in texts]
    assert sum(len(k) >= FACTS_MIN for k in keys) >= 2  # both paths are taken
    sig = signatures(canon, keys)
    for row, k in zip(sig, keys, strict=True):
        assert np.array_equal(row[TEXT_PERM:], _fact_columns(row[:TEXT_PERM], k))
    plain = signatures(canon)
    for row in plain:
        assert np.array_equal(row[TEXT_PERM:], _fact_columns(row[:TEXT_PERM], np.empty(0, dtype=np.uint64)))
    rng = np.random.default_rng(5)
    a, b = rng.integers(0, len(texts), 200), rng.integers(0, len(texts), 200)
    sizes = estimated_sizes(sig)
    assert np.array_equal(
        near_duplicate(sig[a], sig[b]), near_duplicate(sig[a], sig[b], sizes=(sizes[a], sizes[b]))
    )
    assert near_duplicate(sig[a], sig[b]).any() and not near_duplicate(sig[a], sig[b]).all()
