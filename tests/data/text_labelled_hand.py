def c(kind, metric, before=None, after=None, period=None, growth=None, client=None):
    d = {"kind": kind, "metric": metric, "before": before, "after": after, "period_days": period}
    if growth is not None:
        d["growth_pct"] = growth
    if client is not None:
        d["client"] = client
    return d


HAND = [
    # --- buyer reviews -------------------------------------------------------------------------
    {"source": "market_review", "text": "很好", "claims": []},
    {"source": "market_review", "text": "不错，运营小姐姐很耐心。", "claims": []},
    {"source": "market_review", "text": "服务态度好，就是效果慢了点，第二个月才开始有起色。", "claims": []},
    {
        "source": "market_review",
        "text": "第三次续费了，火蝠的团队值得信赖。",
        "providers": ["huofu"],
        "claims": [],
    },
    {
        "source": "market_review",
        "text": "合作两个月，店铺日均访客从300涨到了1500，转化率也提高了，给五星。",
        "claims": [c("actual_outcome", "访客", 300, 1500, 60, 400.0)],
    },
    {"source": "market_review", "text": "好评返现5元，所以给个好评吧。", "claims": []},
    {
        "source": "market_review",
        "text": "蓝鲸电商做直通车很有一套，ROI从1.8做到了3.2，推荐！",
        "providers": ["lanjing"],
        "mentions": ["蓝鲸电商"],
        "claims": [c("actual_outcome", "ROI", 1.8, 3.2)],
    },
    {
        "source": "market_review",
        "text": "花了3万块，一点效果都没有，差评。",
        "claims": [c("actual_outcome", "费用", None, 30000.0)],
    },
    {
        "source": "market_review",
        "text": "青橙代運營的客服回覆很及時，美工做的主圖點擊率明顯提升。",
        "providers": ["qingcheng"],
        "mentions": ["青橙代运营"],
        "claims": [],
    },
    {"source": "market_review", "text": "垃圾服务商，收了钱就不管了，退款也不给。", "claims": []},
    {
        "source": "market_review",
        "text": "找木棉电商做了一个季度，销量翻了一番，满意。",
        "providers": ["mumian"],
        "mentions": ["木棉电商"],
        "claims": [c("actual_outcome", "销量", None, None, 90, 100.0)],
    },
    {"source": "market_review", "text": "运营思路清晰，每周一次复盘会，数据透明。", "claims": []},
    {"source": "market_review", "text": "老板人不错，但执行层的运营经常换人，交接一塌糊涂。", "claims": []},
    {
        "source": "market_review",
        "text": "星禾的小伙伴很拼，双十一当天我们店GMV破了500万，感谢！",
        "providers": ["xinghe"],
        "claims": [c("actual_outcome", "GMV", None, 5e6)],
    },
    {"source": "market_review", "text": "不推荐，效果和承诺的差太远。", "claims": []},
    # --- complaints ----------------------------------------------------------------------------
    {
        "source": "complaint",
        "text": "投诉对象：苏州启航电子商务有限公司。2023年3月签约，交了2.8万服务费，对方承诺三个月内月销售额做到50万，"
        "结果三个月下来每月不到5万。要求退还全部服务费。",
        "providers": ["qihang"],
        "mentions": ["苏州启航电子商务有限公司"],
        "claims": [c("actual_outcome", "服务费", None, 28000.0, 90), c("promise", "销售额", None, 5e5, 90)],
    },
    {
        "source": "complaint",
        "text": "鼎盛电商以代运营为名收取保证金1万元，合同到期后拒不退还，客服电话13812345678一直关机。",
        "providers": ["dingsheng"],
        "mentions": ["鼎盛电商"],
        "claims": [c("actual_outcome", "保证金", None, 10000.0)],
    },
    {
        "source": "complaint",
        "text": "我在淘宝服务市场购买了麦田电商的全店托管服务，月服务费6800元，合作半年店铺销售额不升反降，从每月20万降到了12万。",
        "providers": ["maitian"],
        "mentions": ["麦田电商"],
        "claims": [
            c("actual_outcome", "服务费", None, 6800.0, 182),
            c("actual_outcome", "销售额", 2e5, 1.2e5, 182, -40.0),
        ],
    },
    {
        "source": "complaint",
        "text": "锦程代运营业务员口头保证一个月回本，签约后换了三个运营，店铺权重被刷单搞降了，现在要求赔偿损失5万元。",
        "providers": ["jincheng"],
        "mentions": ["锦程代运营"],
        "claims": [c("actual_outcome", "损失", None, 50000.0)],
    },
    {
        "source": "complaint",
        "text": "合同写的是年费12万，分四期付款，第一期付了3万后发现他们根本没有专门的运营团队。",
        "claims": [c("actual_outcome", "服务费", None, 120000.0), c("actual_outcome", "费用", None, 30000.0)],
    },
    {
        "source": "complaint",
        "text": "诉求：退款19800元。问题：云帆电商承诺的直播代播服务一次都没有执行。",
        "providers": ["yunfan"],
        "mentions": ["云帆电商"],
        "claims": [c("actual_outcome", "退款", None, 19800.0)],
    },
    {
        "source": "complaint",
        "text": "商家反映，该公司以“包上首页”为诱饵收取推广费8000元，之后便失去联系。",
        "claims": [c("actual_outcome", "推广费", None, 8000.0)],
    },
    {
        "source": "complaint",
        "text": "本人于2022年11月与广州云帆信息技术有限公司签订代运营合同，至今未见任何效果，已向平台投诉。",
        "providers": ["yunfan"],
        "mentions": ["广州云帆信息技术有限公司"],
        "claims": [],
    },
    # --- forum answers -------------------------------------------------------------------------
    {
        "source": "forum_answer",
        "text": "说说我的经历吧。去年找了火蝠电商做天猫店，前三个月基本没变化，第四个月开始起量，到年底月销售额从15万做到了60万。"
        "总体来说还是靠谱的，但前期要有耐心。",
        "providers": ["huofu"],
        "mentions": ["火蝠电商"],
        "claims": [c("actual_outcome", "销售额", 1.5e5, 6e5, None, 300.0)],
    },
    {
        "source": "forum_answer",
        "text": "代运营这行水很深。我前后换过两家，第一家是青橙代运营，第二家是蓝鲸电商，都没做起来。",
        "providers": ["qingcheng", "lanjing"],
        "mentions": ["青橙代运营", "蓝鲸电商"],
        "claims": [],
    },
    {
        "source": "forum_answer",
        "text": "不要相信什么保底，我们当时签的是保底月销30万，结果他们自己刷单刷到30万，扣完推广费我们是亏的。",
        "claims": [c("promise", "销售额", None, 3e5)],
    },
    {
        "source": "forum_answer",
        "text": "作为过来人建议：先看案例，再看团队，最后看价格。价格太低的一般都是新手练手。",
        "claims": [],
    },
    {
        "source": "forum_answer",
        "text": "星禾代运营和启航代运营我都接触过，星禾偏内容种草，启航偏搜索和直通车，看你的类目适合哪种。",
        "providers": ["xinghe", "qihang"],
        "mentions": ["星禾代运营", "启航代运营"],
        "claims": [],
    },
    {
        "source": "forum_answer",
        "text": "我家是做茶叶的，交给木棉电商一年，粉丝从2000涨到8万，复购率从12%提升到了25%。",
        "providers": ["mumian"],
        "mentions": ["木棉电商"],
        "claims": [c("actual_outcome", "粉丝", 2000, 80000, 365, 3900.0), c("actual_outcome", "复购率", 12.0, 25.0, 365)],
    },
    {
        "source": "forum_answer",
        "text": "楼上说的那家我知道，杭州星禾电子商务有限公司，参保人数只有3个人，却说自己服务过几百个品牌，你信吗？",
        "providers": ["xinghe"],
        "mentions": ["杭州星禾电子商务有限公司"],
        "claims": [],
    },
    {
        "source": "forum_answer",
        "text": "我们店之前日均访客只有两百多，找代运营后三个月做到了日均三千，但是转化率很低，算下来ROI不到1。",
        "claims": [c("actual_outcome", "访客", None, 3000, 90)],
    },
    {
        "source": "forum_answer",
        "text": "服务费一般在每月3000到8000元之间，好一点的还要收3%到5%的销售提成。",
        "claims": [],  # a price quoted, not a claim: the marts read fees in reputation.scores
    },
    # --- articles ------------------------------------------------------------------------------
    {
        "source": "article",
        "text": "近年来，随着电商行业的发展，越来越多的传统品牌选择把天猫店交给专业的代运营公司。",
        "claims": [],
    },
    {
        "source": "article",
        "text": "据天眼查数据显示，目前名称中含有“电子商务”的存续企业超过百万家。",
        "claims": [],
    },
    {
        "source": "article",
        "text": "业内人士指出，一家正规的代运营公司至少需要运营、美工、客服、推广四个岗位。",
        "claims": [],
    },
    {
        "source": "article",
        "text": "以宁波蓝鲸网络科技有限公司为例，该公司成立于2016年，主营家居类目的天猫代运营。",
        "providers": ["lanjing"],
        "mentions": ["宁波蓝鲸网络科技有限公司"],
        "claims": [],
    },
    {
        "source": "article",
        "text": "文章來源：搜狐號 電商觀察\n天貓代運營行業的集中度正在提高，頭部服務商的市場份額逐年上升。",
        "claims": [],
    },
    {
        "source": "article",
        "text": "2023年1月29日，某平台发布了服务商星级评定规则，TP服务商需满足年服务GMV不低于5000万元等条件。",
        "claims": [],
    },
    # --- case pages ----------------------------------------------------------------------------
    {
        "source": "case_page",
        "text": "【成功案例】初见女装旗舰店\n类目：女装\n合作时间：2022年5月至今\n"
        "接手时店铺月销售额不足10万，经过我们团队6个月的精细化运营，月销售额突破200万，增长近20倍。",
        "claims": [c("success_case", "销售额", 1e5, 2e6, 180, None, "初见女装旗舰店")],
    },
    {
        "source": "case_page",
        "text": "山川户外专营店：合作一年，GMV同比增长320%，搜索流量占比提升至45%。",
        "claims": [c("success_case", "GMV", None, None, 365, 320.0, "山川户外专营店")],
    },
    {
        "source": "case_page",
        "text": "助力小鹿母婴旗舰店双十一单日成交额破千万，位列类目前十。",
        "claims": [c("success_case", "GMV", None, 1e7, None, None, "小鹿母婴旗舰店")],
    },
    {
        "source": "case_page",
        "text": "服务品牌：禾木家居\n服务周期：一年\n成果：年销售额由1200万提升至6,000万，ROI稳定在4以上。",
        "claims": [
            c("success_case", "销售额", 1.2e7, 6e7, 365, 400.0),
            c("success_case", "ROI", None, 4.0, 365),
        ],
    },
    {"source": "case_page", "text": "案例详情见下图（数据截图）", "claims": []},
    {
        "source": "case_page",
        "text": "我們為織夢童裝旗艦店提供全店託管服務，三個月內訪客數從每天800提升到每天5000，轉化率從0.9%提升到2.1%。",
        "claims": [
            c("success_case", "访客", 800, 5000, 90, 525.0, "织梦童装旗舰店"),
            c("success_case", "转化率", 0.9, 2.1, 90, None, "织梦童装旗舰店"),
        ],
    },
    {
        "source": "case_page",
        "text": "朗星数码专营店合作前月GMV约30万，合作后第四个月达到150万。",
        "claims": [c("success_case", "GMV", 3e5, 1.5e6, None, 400.0, "朗星数码专营店")],
    },
    {
        "source": "case_page",
        "text": "案例：米粒宠物旗舰店。半年时间，店铺粉丝从5000增长到12万，月营收突破300万。",
        "claims": [
            c("success_case", "粉丝", 5000, 1.2e5, 182, 2300.0, "米粒宠物旗舰店"),
            c("success_case", "营收", None, 3e6, 182, None, "米粒宠物旗舰店"),
        ],
    },
    # --- garbled by hand -----------------------------------------------------------------------
    {
        "source": "article",
        "text": "天貓(māo)代運(yùn)營(yíng)找火蝠電(diàn)商(shāng)靠譜嗎?&amp;ldquo;看案例&amp;rdquo;是第一步。",
        "providers": ["huofu"],
        "mentions": ["火蝠电商"],
        "claims": [],
    },
    {
        "source": "forum_answer",
        "text": "我们店交给云■帆电商半年，销售额从8万做到了40万。\n如需代运营请加微信：yf_dianshang 免费诊断",
        "providers": ["yunfan"],
        "mentions": ["云帆电商"],
        "claims": [c("actual_outcome", "销售额", 8e4, 4e5, 182, 400.0)],
    },
    {
        "source": "case_page",
        "text": "客戶(hù)案例：悅姿女裝旗艦店，合作三(sān)個(gè)月，GMV從(cóng)50萬(wàn)提升到(dào)300萬(wàn)。",
        "claims": [c("success_case", "GMV", 5e5, 3e6, 90, 500.0, "悦姿女装旗舰店")],
    },
    {
        "source": "complaint",
        "text": "鼎盛電商收了我兩萬塊服務費，承諾的直通車優化根本沒做。&amp;amp;quot;退款&amp;amp;quot;申請被拒。",
        "providers": ["dingsheng"],
        "mentions": ["鼎盛电商"],
        "claims": [c("actual_outcome", "服务费", None, 20000.0)],
    },
    {
        "source": "article",
        "text": "本站部分文章來自互聯網，版權歸原作者所有。\n選擇代運營(GMV導向)還是品牌導向，要看商家自己的階段(2023年)。",
        "claims": [],
    },
    {
        "source": "market_review",
        "text": "锦■程■代■运■营，效果很差，別找他們。",
        "providers": ["jincheng"],
        "mentions": ["锦程代运营"],
        "claims": [],
    },
    # --- negatives that look like claims -------------------------------------------------------
    {"source": "article", "text": "千万别轻信业务员的口头承诺，一切以合同为准。", "claims": []},
    {"source": "article", "text": "行业平均的转化率大约在1%到3%之间。", "claims": []},
    {"source": "article", "text": "2022年全年，天猫平台GMV同比增长约8%。", "claims": []},
    {"source": "forum_answer", "text": "十分感谢大家的建议，我再考虑考虑。", "claims": []},
    {"source": "market_review", "text": "订单号1234567890123456789，服务已完成，评价一下。", "claims": []},
]


# Held out: written after the rules were tuned, and not tuned on (reported separately).
HELD_OUT = [
    {
        "source": "market_review",
        "text": "做了快一年了，蓝鲸的运营换了三任，每一任思路都不一样，店铺一直在原地踏步。",
        "providers": ["lanjing"],
        "claims": [],
    },
    {
        "source": "market_review",
        "text": "五星！星禾代运营帮我们把月GMV从40万拉到了120万，只用了4个月。",
        "providers": ["xinghe"],
        "mentions": ["星禾代运营"],
        "claims": [c("actual_outcome", "GMV", 4e5, 1.2e6, 120, 200.0)],
    },
    {
        "source": "market_review",
        "text": "基础服务费每月五千，效果还可以，客服响应慢。",
        "claims": [],  # a price quoted, not a claim: the marts read fees in reputation.scores
    },
    {
        "source": "market_review",
        "text": "續費第二年了，青橙代運營的團隊很穩定，推薦給做食品類目的朋友。",
        "providers": ["qingcheng"],
        "mentions": ["青橙代运营"],
        "claims": [],
    },
    {"source": "market_review", "text": "一般吧，没什么亮点。", "claims": []},
    {
        "source": "complaint",
        "text": "2023年6月与鼎盛电商签订合同，支付服务费38000元，对方承诺90天内店铺日销破万，实际日销不足500元。",
        "providers": ["dingsheng"],
        "mentions": ["鼎盛电商"],
        "claims": [c("actual_outcome", "服务费", None, 38000.0, 90), c("promise", "销售额", None, 10000.0, 90)],
    },
    {
        "source": "complaint",
        "text": "被麦田电商骗了4.5万，所谓的运营团队就是两个实习生。",
        "providers": ["maitian"],
        "mentions": ["麦田电商"],
        "claims": [c("actual_outcome", "损失", None, 45000.0)],
    },
    {
        "source": "complaint",
        "text": "投诉要求：退还剩余服务费15000元并赔偿推广费损失。",
        "claims": [c("actual_outcome", "服务费", None, 15000.0)],
    },
    {
        "source": "complaint",
        "text": "杭州火蝠电子商务有限公司收取我方定金5000元后，迟迟不安排运营人员对接。",
        "providers": ["huofu"],
        "mentions": ["杭州火蝠电子商务有限公司"],
        "claims": [c("actual_outcome", "保证金", None, 5000.0)],
    },
    {
        "source": "complaint",
        "text": "合作期间店铺销量从每月3000单跌到800单，对方却说是大盘不好。",
        "claims": [c("actual_outcome", "销量", 3000.0, 800.0, None, -73.3333)],
    },
    {
        "source": "forum_answer",
        "text": "我是做女装的，前年找过云帆，签了一年，结果半年就解约了，营业额基本没变。",
        "providers": ["yunfan"],
        "claims": [],
    },
    {
        "source": "forum_answer",
        "text": "分享一下数据：合作前店铺月销售额大约25万，合作六个月后稳定在70万左右，投产比从1:2提升到1:4。",
        "claims": [c("actual_outcome", "销售额", 2.5e5, 7e5, 180, 180.0), c("actual_outcome", "ROI", 2.0, 4.0, 180, 100.0)],
    },
    {
        "source": "forum_answer",
        "text": "别信那些案例，启航代运营给我看的案例，后来我去问了那个店主，人家根本没和他们合作过。",
        "providers": ["qihang"],
        "mentions": ["启航代运营"],
        "claims": [],
    },
    {
        "source": "forum_answer",
        "text": "我们家的天猫店交给锦程代运营三个月，访客数翻了三倍，但是转化率从2.5%掉到了1.1%。",
        "providers": ["jincheng"],
        "mentions": ["锦程代运营"],
        "claims": [c("actual_outcome", "访客", None, None, 90, 300.0), c("actual_outcome", "转化率", 2.5, 1.1, 90)],
    },
    {
        "source": "forum_answer",
        "text": "收费这块，木棉电商是按季度收，一个季度两万五，外加销售额的百分之三。",
        "providers": ["mumian"],
        "mentions": ["木棉电商"],
        "claims": [],  # a price quoted, not a claim: the marts read fees in reputation.scores
    },
    {
        "source": "forum_answer",
        "text": "代运营能不能做起来，七分靠产品，三分靠运营，别指望运营公司点石成金。",
        "claims": [],
    },
    {
        "source": "article",
        "text": "广州云帆信息技术有限公司近日宣布完成A轮融资，融资金额未披露。",
        "providers": ["yunfan"],
        "mentions": ["广州云帆信息技术有限公司"],
        "claims": [],
    },
    {
        "source": "article",
        "text": "在抖音电商快速崛起的背景下，不少天猫代运营公司开始布局直播业务。",
        "claims": [],
    },
    {
        "source": "article",
        "text": "据黑猫投诉平台统计，2023年涉及代运营的投诉超过一万条，其中退款纠纷占比最高。",
        "claims": [],
    },
    {
        "source": "article",
        "text": "業內人士表示，選擇服務商時要重點考察團隊穩定性，而不是只看報價高低。",
        "claims": [],
    },
    {
        "source": "case_page",
        "text": "客户：暖阳家居旗舰店。挑战：新店无基础销量。成果：上线60天，店铺日均UV从0增长到2.3万，月成交额突破180万。",
        "claims": [
            c("success_case", "访客", 0.0, 23000.0, 60, None, "暖阳家居旗舰店"),
            c("success_case", "GMV", None, 1.8e6, 60, None, "暖阳家居旗舰店"),
        ],
    },
    {
        "source": "case_page",
        "text": "我们帮助青柠食品旗舰店在一年内实现营收增长260%，复购率提升至38%。",
        "claims": [
            c("success_case", "营收", None, None, 365, 260.0, "青柠食品旗舰店"),
            c("success_case", "复购率", None, 38.0, 365, None, "青柠食品旗舰店"),
        ],
    },
    {
        "source": "case_page",
        "text": "轻语美妆专营店｜接手第一个月，直通车ROI由1.5优化到3.8。",
        "claims": [c("success_case", "ROI", 1.5, 3.8, None, None, "轻语美妆专营店")],
    },
    {
        "source": "case_page",
        "text": "服务案例：橙意童装旗舰店，双十一全店销售额3200万，同比增长156%。",
        "claims": [c("success_case", "销售额", None, 3.2e7, None, 156.0, "橙意童装旗舰店")],
    },
    {
        "source": "case_page",
        "text": "案例說明：山川茶葉旗艦店合作半年，粉絲數由1.2萬增長到15萬。",
        "claims": [c("success_case", "粉丝", 1.2e4, 1.5e5, 182, 1150.0, "山川茶叶旗舰店")],
    },
    {"source": "case_page", "text": "成功打造多个千万级店铺，欢迎咨询。", "claims": []},
    {
        "source": "forum_answer",
        "text": "火蝠電商的報價我問過，全托管每月8000到15000元，另外抽成百分之五。",
        "providers": ["huofu"],
        "mentions": ["火蝠电商"],
        "claims": [],  # a price quoted, not a claim: the marts read fees in reputation.scores
    },
    {
        "source": "complaint",
        "text": "商家称交了三万元押金，合同到期后青橙代运营以“违约”为由扣除全部押金。",
        "providers": ["qingcheng"],
        "mentions": ["青橙代运营"],
        "claims": [c("actual_outcome", "保证金", None, 30000.0)],
    },
    {"source": "market_review", "text": "联系电话0571-88886666，服务还行。", "claims": []},
    {
        "source": "forum_answer",
        "text": "说个真实数据，交给星禾之前我们日均订单80单左右，现在日均300多单，这半年算是没白花钱。",
        "providers": ["xinghe"],
        "claims": [c("actual_outcome", "订单", 80.0, 300.0, 182, 275.0)],
    },
]
