"""Names of the sandbox world: agencies, client shops, people and nicknames.

Names are built from an index through a seeded permutation of a character bank, not drawn at
random, so two providers never share a core name however large the world (up to 100,000) and a
name can be computed from its index alone, without a table held in memory.
"""

from __future__ import annotations

import hashlib

# Characters agencies put in their names, each with its pinyin (the cases site slug is built from it).
_PROVIDER_BANK = (
    "星xing 辰chen 云yun 海hai 峰feng 创chuang 联lian 博bo 优you 卓zhuo 睿rui 鼎ding 华hua 盛sheng "
    "泰tai 恒heng 达da 瑞rui 丰feng 宏hong 嘉jia 鸿hong 凯kai 腾teng 翔xiang 锐rui 智zhi 慧hui "
    "晨chen 阳yang 光guang 明ming 天tian 宇yu 金jin 火huo 蝠fu 麦mai 思si 淘tao 乐le 美mei 佳jia "
    "捷jie 迅xun 飞fei 鹰ying 龙long 蜂feng 蚁yi 鲸jing 橙cheng 柚you 禾he 木mu 林lin 森sen 竹zhu "
    "松song 青qing 蓝lan 紫zi 墨mo 朗lang 逸yi 途tu 道dao 远yuan 致zhi 新xin 力li 动dong 点dian "
    "方fang 正zheng 和he 众zhong 品pin 尚shang 雅ya 诚cheng 信xin 德de 启qi 航hang 帆fan 舟zhou "
    "桥qiao 川chuan 江jiang 泉quan 溪xi 澜lan 涛tao 潮chao 汇hui 聚ju 集ji 数shu 码ma 易yi "
    "享xiang 悦yue 欣xin 喜xi 福fu 安an 康kang 宁ning 昌chang 兴xing 旺wang 隆long 荣rong 耀yao "
    "辉hui 灿can 晶jing 钻zuan 玉yu 珠zhu 璞pu 琪qi 琳lin 瑶yao 君jun 仕shi 杰jie 俊jun 豪hao "
    "英ying 峻jun 岳yue 山shan 岭ling 极ji 精jing 准zhun 匠jiang 艺yi 巧qiao 妙miao 奇qi 酷ku "
    "炫xuan 萌meng 趣qu 味wei 香xiang 甜tian 蜜mi 米mi 豆dou 芽ya 苗miao 叶ye 枝zhi 根gen 本ben "
    "源yuan 元yuan 初chu 九jiu 百bai 千qian 壹yi 鑫xin 淼miao 焱yan 垚yao 驰chi 骏jun 牛niu 鹿lu "
    "猫mao 熊xiong 鲤li 凤feng 鹤he 雀que 燕yan 鸥ou 鹏peng 赢ying 胜sheng 拓tuo 展zhan 开kai "
    "造zao 筑zhu 建jian 立li 标biao 领ling 先xian 首shou 冠guan 锋feng 芒mang 劲jin 帮bang 友you "
    "伴ban 家jia 园yuan 谷gu 田tian 野ye 原yuan 界jie 际ji 域yu 维wei 度du 量liang 微wei 观guan "
    "视shi 限xian 心xin 意yi 梦meng 奥ao 库ku 仓cang 诺nuo 沃wo 汉han 唐tang 宋song 秦qin 楚chu "
    "越yue 吴wu 蜀shu 燊shen 壹yi 晟sheng 昊hao 旭xu 曜yao 熙xi 琦qi 璟jing 珑long 赫he 翼yi"
)
PROVIDER_CHARS: tuple[tuple[str, str], ...] = tuple(
    dict.fromkeys((tok[0], tok[1:]) for tok in _PROVIDER_BANK.split())
)

# Consumer-brand characters for client shops: a different bank, so a client is never confused
# with an agency by its name alone.
CLIENT_CHARS = tuple(
    dict.fromkeys(
        "茵柔芙蕾妮娅诗黛兰芝韵婷倩萱菲蔻雪薇樱桃莓柠檬椰奶酪可颂拾贰叁肆伍陆柒捌玖佰仟"
        "贝婴童萌宠喵汪趣野途驿栈坊铺阁轩居舍堂斋庐苑亭榭台楼"
        "纯净素白暖绒棉麻丝绸锦绣织衣裳履靴袜帽巾"
        "茶酒醇酿窖粮谷麦香辣鲜脆酥糯甜咸卤烤焙"
        "钛铂锂芯屏声光电键鼠机"
    )
)

CITIES = (
    "杭州",
    "上海",
    "广州",
    "深圳",
    "北京",
    "南京",
    "苏州",
    "宁波",
    "温州",
    "义乌",
    "金华",
    "厦门",
    "泉州",
    "福州",
    "成都",
    "重庆",
    "武汉",
    "长沙",
    "郑州",
    "合肥",
    "济南",
    "青岛",
    "天津",
    "西安",
    "东莞",
    "佛山",
    "中山",
    "汕头",
    "南昌",
    "昆明",
)
LEGAL_SUFFIXES = (
    "电子商务有限公司",
    "网络科技有限公司",
    "信息技术有限公司",
    "品牌管理有限公司",
    "数字科技有限公司",
    "文化传媒有限公司",
    "电子商务股份有限公司",
    "网络技术有限公司",
    "科技有限公司",
    "贸易有限公司",
)
BRAND_SUFFIXES = ("电商", "代运营", "网络", "科技", "电子商务", "数字", "传媒", "运营")
SHOP_SUFFIXES = ("旗舰店", "官方旗舰店", "专营店", "专卖店", "企业店", "旗舰店", "官方店")


def agency_mention(rng, forms: dict, unnamed: tuple[str, ...] = (), masked: float = 0.0) -> str:
    """How a text names an agency: its brand most often, else an alias, its legal name, a masked
    legal name as court news writes it (`杭州某某网络科技有限公司`), or one of `unnamed` (`他们`)."""
    if masked and rng.random() < masked:
        legal, core = forms["legal"], forms["core"]
        return legal.replace(core, rng.choice(("某某", "某", core[0] + "某")), 1)
    options = [forms["brand"], forms["brand"], forms["brand"], rng.choice(forms["aliases"]), forms["legal"]]
    options += list(unnamed)
    return rng.choice(options)


def shop_core(shop: str) -> str:
    """悦家官方旗舰店 → 悦家: the brand inside a shop name (the name itself when it has no shop suffix)."""
    for suffix in sorted(SHOP_SUFFIXES, key=len, reverse=True):
        if shop.endswith(suffix) and len(shop) > len(suffix):
            return shop[: -len(suffix)]
    return shop


CATEGORIES = (
    "女装",
    "男装",
    "美妆",
    "个护清洁",
    "食品",
    "零食",
    "茶叶",
    "酒水",
    "母婴",
    "童装",
    "家居",
    "家纺",
    "家电",
    "3C数码",
    "手机配件",
    "运动户外",
    "鞋靴",
    "箱包",
    "珠宝饰品",
    "宠物用品",
    "保健品",
    "汽车用品",
    "文具",
    "玩具",
    "内衣",
    "生鲜",
    "厨具",
    "灯具",
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏飞鑫波宁浩婷雪琳晨宇轩怡欣佳"

# No head is a prefix of another and tails carry no digits, so a nickname can be read back into
# (head, two bank characters, tail, number): distinct indexes always give distinct nicknames, and
# a "one-review buyer" in the truth really is the only account with that name.
_NICK_HEADS = (
    "小",
    "阿",
    "老",
    "大",
    "掌柜",
    "店主",
    "淘宝",
    "tb",
    "jd",
    "天猫",
    "开心",
    "快乐",
    "阳光",
    "追梦",
    "努力的",
    "奋斗的",
    "佛系",
    "认真",
    "路过的",
    "吃瓜",
)
_NICK_TAILS = (
    "店长",
    "掌柜",
    "老板",
    "运营",
    "卖家",
    "小二",
    "同学",
    "君",
    "酱",
    "哥",
    "姐",
    "妹",
    "er",
    "_shop",
    "的店",
    "小铺",
    "",
)


def _permute(index: int, size: int, key: int) -> int:
    """A bijection on range(size): an affine map whose multiplier is coprime with size."""
    mult = 1 + 2 * (key % 977)
    while _gcd(mult, size) != 1:
        mult += 2
    return (mult * index + key) % size


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


def key_of(*parts: object) -> int:
    """A stable 64-bit integer from any parts (Python's hash() is salted per process)."""
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _core(index: int, bank_size: int, key: int) -> list[int]:
    """Index → 2 bank positions while pairs last, then 3: every index gets a distinct core."""
    pairs = bank_size * bank_size
    if index < pairs:
        j = _permute(index, pairs, key)
        return [j // bank_size, j % bank_size]
    j = _permute(index - pairs, pairs * bank_size, key)
    return [j // pairs, (j // bank_size) % bank_size, j % bank_size]


def provider_core(seed: int, index: int) -> tuple[str, str]:
    """The distinctive part of an agency's name and its pinyin, unique per index."""
    pos = _core(index, len(PROVIDER_CHARS), key_of(seed, "provider-core"))
    return "".join(PROVIDER_CHARS[p][0] for p in pos), "".join(PROVIDER_CHARS[p][1] for p in pos)


def client_core(seed: int, index: int) -> str:
    pos = _core(index, len(CLIENT_CHARS), key_of(seed, "client-core"))
    return "".join(CLIENT_CHARS[p] for p in pos)


def person_name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def nickname(seed: int, index: int) -> str:
    """Buyer-style nickname; injective in `index` (see _NICK_HEADS) and stable per seed."""
    k = key_of(seed, "nick", index)
    n_client, n_provider = len(CLIENT_CHARS), len(PROVIDER_CHARS)
    mid = CLIENT_CHARS[index % n_client] + PROVIDER_CHARS[(index // n_client) % n_provider][0]
    q = index // (n_client * n_provider)
    number = str(q) if q else ""
    if k % 4 == 0:  # masked, as some sites show buyers: "棉**星3"
        return f"{mid[0]}**{mid[1]}{number}"
    head = _NICK_HEADS[(k >> 8) % len(_NICK_HEADS)] if k % 4 != 3 else ""
    tail = _NICK_TAILS[(k >> 16) % len(_NICK_TAILS)]
    return f"{head}{mid}{tail}{number}"
