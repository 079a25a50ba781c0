"""Stance toward the agency on our own sentences, one group per form a real page takes: a judgement
against the agency, a client leaving it, a warning about agencies in general, bad financial health, the
agency's own sales copy, a press release or buy rating, and factual prose. Every group holds at least one
text whose words alone mislead (the review-trained mood reader kaopu used before got it wrong), so these
tests fail with a reader of the mood of the words and pass with a reader of the stance."""

from __future__ import annotations

import pytest

from pipelines import sentiment
from pipelines.text import normalize

# (form, stance, text): written for this test; the forms are those of the real corpus
# (../shared/realtext), none of its text.
EXAMPLES = [
    (
        "judgement",
        -1,
        "区法院近日审结一起网店托管合同纠纷。某网络科技公司签约时承诺半年内把店铺月销售额提升到八十万元，实际服务期间销量不升反降。法院判决该公司退还商家服务费四万二千元。",
    ),
    (
        "judgement",
        -1,
        "市场监管部门查明，一家电商服务公司在替客户打理店铺期间组织人员虚构交易、编造好评，共计六百余单，依法对其作出行政处罚，没收违法所得并处罚款。",
    ),
    (
        "judgement",
        -1,
        "两名被告人以提供店铺推广、流量扶持为名，先后与三十多位网店店主签约收取费用，收款后并未提供任何服务，法院以诈骗罪分别判处有期徒刑四年和三年。",
    ),
    (
        "client_leaving",
        -1,
        "合作满两年后，这家女装品牌决定不再续约，把天猫旗舰店收回自己运营。品牌负责人说，代运营团队一年里换了三拨人，大促备货的数据都对不上。",
    ),
    (
        "client_leaving",
        -1,
        "去年我把店交给一家托管公司，第三个月就提出解约。他们每周发一份漂亮的周报，可店铺访客一直在往下掉，最后只退回了一半的服务费。",
    ),
    (
        "scam_warning",
        -1,
        "提醒各位店主：最近有人自称平台官方合作服务商，打电话说能把店铺做上首页，先收三千元押金。钱一到账人就失联了，遇到这类电话请直接挂断。",
    ),
    (
        "scam_warning",
        -1,
        "所谓包上首页、保证月销十万的代运营，多半是先收一笔年费再慢慢拖着，店主想退钱时才发现合同里写着概不退还，这种套路大家一定要提防。",
    ),
    (
        "scam_warning",
        -1,
        "那些自称官方认证、承诺三个月销量翻倍、包你回本的代运营，话术一个比一个专业，签约时热情周到，收完年费就换人对接，店铺再也没人管。",
    ),
    (
        "decline",
        -1,
        "这家电商服务商刚发布的半年报显示，营收同比下滑百分之二十一，净利润由盈转亏。管理层称会继续聚焦优质品牌，但已有三个头部客户在合同到期后离开。",
    ),
    (
        "self_promotion",
        1,
        "很多老板找过几家代运营，钱花了店却没起色。我们的专业团队深耕天猫八年，一对一诊断店铺，签约前先给方案，效果看得见。",
    ),
    (
        "self_promotion",
        1,
        "本公司专注抖音小店运营，服务过两百多家品牌，帮助客户把直播间的转化率稳步提升。现在预约即可免费获得一份店铺体检报告，咨询电话见页面底部。",
    ),
    (
        "press_release",
        1,
        "公司今日公布第三季度未经审计的财务业绩：总营收同比增长百分之十二，经营亏损大幅收窄。董事长表示，品牌管理业务的转型已经初见成效。",
    ),
    (
        "press_release",
        1,
        "多家券商本月给予这家电商服务企业买入评级，认为其新签品牌数量创新高，直播业务增长强劲。",
    ),
    (
        "distress",
        -1,
        "这家代运营上市公司曾是资本市场的宠儿，品牌客户一度排起长队。如今增长明显放缓，已连续三年亏损，至今未能扭亏，第四次冲刺上市前景难言。",
    ),
    (
        "distress",
        -1,
        "财报显示，这家电商服务商的交易额仍在增长，但营收与净利润双双下滑，毛利率逐年走低，商誉减值吞掉了大半年的利润。",
    ),
    (
        "english_complaint",
        -1,
        "We hired a Tmall partner agency last year and it was a total disaster. They missed every sales "
        "target, stopped answering our emails and refused to return the service fee.",
    ),
    (
        "english_press_release",
        1,
        "The Shanghai-based e-commerce partner announced today that it has been named a five-star Tmall "
        "partner for the third year running, and its brand clients posted excellent sales during Double 11.",
    ),
    (
        "factual",
        0,
        "代运营公司的收费通常由固定服务费和销售提成两部分组成，合同期限多为一年，具体比例由双方协商确定。",
    ),
    (
        "factual",
        0,
        "某上市电商服务公司宣布，将以现金方式收购一家杭州的内容营销机构，交易对价为一亿二千万元，预计明年一季度完成交割。",
    ),
]
FORMS = sorted({form for form, _, _ in EXAMPLES})


@pytest.mark.parametrize(
    ("form", "stance", "text"), EXAMPLES, ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(EXAMPLES)]
)
def test_label_reads_the_stance_toward_the_agency(form, stance, text):
    assert sentiment.label([text]) == [stance]


def _mood_label(text: str) -> int:
    model = sentiment.load_model()
    s = model.mood_score(normalize(text))
    return 0 if abs(s - 0.5) <= model.neutral_band else (1 if s > 0.5 else -1)


@pytest.mark.parametrize("form", FORMS)
def test_each_form_has_an_example_the_mood_of_the_words_gets_wrong(form):
    """Guards the examples themselves: a form the mood reader already reads right tests nothing."""
    assert any(_mood_label(text) != stance for f, stance, text in EXAMPLES if f == form)


def test_a_promised_result_is_not_praise():
    promised = "这家代运营签约时承诺三个月销量翻倍、稳定增长。"
    achieved = "这家代运营接手后三个月销量翻倍、稳定增长。"
    promised_score, achieved_score = sentiment.score([promised, achieved])
    assert promised_score < achieved_score
    assert sentiment.label([achieved]) == [1]


def test_cues_in_sentences_about_the_agency_weigh_more_than_elsewhere():
    about_agency = "这家代运营公司业绩下滑。"
    about_market = "今年的大盘业绩下滑。"
    agency, market = (sentiment.stance_evidence(normalize(t)) for t in (about_agency, about_market))
    assert agency < market < 0


def test_a_negated_or_reversed_good_word_counts_against():
    def evidence(text: str) -> float:
        return sentiment.stance_evidence(normalize(text))

    assert evidence("这家代运营公司今年实现盈利。") > 0
    assert evidence("这家代运营公司今年未能实现盈利。") < 0
    assert evidence("这家代运营公司的营收增长放缓。") < 0
    # 不断 and 不少 are not negations
    assert evidence("这家代运营公司的营收不断增长。") > 0


def test_the_clause_after_a_turn_outweighs_the_one_before():
    good_then_bad = sentiment.stance_evidence(normalize("这家代运营公司营收大增，但利润下滑。"))
    bad_then_good = sentiment.stance_evidence(normalize("这家代运营公司利润下滑，但营收大增。"))
    assert good_then_bad < 0 < bad_then_good


def test_an_english_cue_inside_a_longer_word_does_not_count():
    assert sentiment.stance_evidence(normalize("店铺名 suedbt 与一份 refined 的方案。")) == 0.0
    assert sentiment.stance_evidence(normalize("The agency was sued by its client.")) < 0


def test_english_is_read_by_its_own_mood_reader():
    assert sentiment.is_english("The agency missed its targets.")
    assert not sentiment.is_english("这家代运营公司的 ROI 达到 1:8。")
    assert (
        sentiment.english_mood_logit("A terrible, dishonest agency.")
        < 0
        < sentiment.english_mood_logit("A wonderful, trustworthy agency.")
    )


def test_repeating_one_cue_saturates():
    once = sentiment.stance_evidence("代运营公司亏损。")
    many = sentiment.stance_evidence("代运营公司亏损。" * 50)
    assert many < once < 0
    assert many >= 2 * once  # at most twice the weight of one occurrence


def test_scores_stay_inside_the_unit_interval_and_neutral_without_evidence():
    hostile = "法院判决被告退还服务费，被告人以诈骗罪获刑。" * 20
    (s,) = sentiment.score([hostile])
    assert 0.0 <= s < 0.05
    assert sentiment.score(["今天下午三点开会。"]) == pytest.approx([0.5], abs=0.15)


def test_a_burden_that_grows_counts_against():
    def evidence(text: str) -> float:
        return sentiment.stance_evidence(normalize(text))

    assert evidence("这家代运营公司的营收激增。") > 0
    assert evidence("这家代运营公司的负债激增。") < 0
    assert evidence("这家代运营公司的销售费用大增。") < 0
    # a burden that narrows is good news, and a burden far back in the clause is not the subject
    assert evidence("这家代运营公司的亏损收窄。") > evidence("这家代运营公司的亏损激增。")
    assert evidence("这家代运营公司压缩了费用，新签品牌带动营收激增。") > 0


def test_the_headline_outweighs_the_body():
    body = "公司介绍了行业背景，市场规模持续扩大，平台流量强劲，新入局者很多。" * 3
    titled = "某代运营公司递表港交所，收入连续两年下滑\n" + body
    assert sentiment.headline(titled) == "某代运营公司递表港交所，收入连续两年下滑"
    assert sentiment.label([body]) != [-1]
    assert sentiment.label([titled]) == [-1]
    # a short site label or a prose first line is not a headline
    assert sentiment.headline("Workflow\n" + body) == ""
    assert sentiment.headline(body) == ""


def test_financial_distress_vocabulary_reads_against():
    def evidence(text: str) -> float:
        return sentiment.stance_evidence(normalize(text))

    assert evidence("这家代运营公司的销售费用率高企，净利率远低于同行。") < 0
    assert evidence("这家代运营公司账上现金已难覆短债。") < 0
    # a sharp rise is good news for revenue and bad news for a cost
    assert evidence("这家代运营公司的营收暴涨。") > 0
    assert evidence("这家代运营公司的获客成本飙升。") < 0


def test_a_firms_editor_voice_is_self_promotion():
    text = "托管店铺后要注意什么？下面由小编为大家整理几个常见问题：店铺流量下降怎么办，推广费用怎么算。"
    assert sentiment.stance_evidence(normalize(text)) > sentiment.stance_evidence(
        normalize(text.replace("小编", "记者"))
    )
