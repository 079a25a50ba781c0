"""discover() and ProviderIndex: company mentions found, platforms/media/generic words not; mentions
resolved to canonical ids through aliases, legal vs brand forms, traditional script and typos."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.providers import ProviderIndex, core, discover
from pipelines.storage import slugify
from pipelines.text import normalize

WATCH = [
    {"name": "火蝠电商", "legal_name": "杭州火蝠电子商务有限公司", "aliases": ["火蝠"]},
    {"id": "bz", "name": "宝尊电商", "legal_name": "上海宝尊电子商务有限公司"},
    {"id": "qc", "name": "青橙代运营", "legal_name": "上海青橙网络科技有限公司", "aliases": ["青橙"]},
    {"id": "hb", "name": "火蝙电商"},  # one character away from 火蝠电商: typos between them are ambiguous
]


@pytest.fixture(scope="module")
def index() -> ProviderIndex:
    return ProviderIndex(WATCH)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我找了杭州火蝠电子商务有限公司做天猫代运营，结果被坑了。", ["杭州火蝠电子商务有限公司"]),
        ("火蝠电商和某某代运营哪家好？", ["火蝠电商", "某某代运营"]),
        ("上海凯诘电子商务股份有限公司（凯诘电商）是头部服务商。", ["上海凯诘电子商务股份有限公司"]),
        ("签约的时候蓝鲸电商保证一年让店铺翻倍", ["蓝鲸电商"]),
        ("要求北京麦田信息技术有限公司退还保证金", ["北京麦田信息技术有限公司"]),
        ("壹网壹创网络科技公司的团队还行", ["壹网壹创网络科技"]),
        ("天貓代運營找火蝠電商靠譜嗎", ["火蝠电商"]),
        ("黑猫投诉上有人投诉宝尊电商", ["宝尊电商"]),
        (
            "深圳木棉品牌管理有限公司和广州云帆信息技术有限公司都接过我们的店",
            ["深圳木棉品牌管理有限公司", "广州云帆信息技术有限公司"],
        ),
    ],
)
def test_discover_finds_companies_in_order(text, expected):
    assert discover(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "在淘宝服务市场上搜了一下，这家电商的口碑一般。",
        "代运营公司都这样，电商平台也不管。",
        "跨境电商和直播电商都火，天猫代运营和京东代运营是两回事。",
        "知乎、搜狐号、天眼查、黑猫投诉上都能查到信息。",
        "为某某女装旗舰店提供全店代运营服务",
        "选择服务商要看案例",
        "",
    ],
)
def test_discover_ignores_platforms_media_and_generic_words(text):
    assert discover(text) == []


def test_core_joins_legal_and_brand_forms():
    assert core("杭州火蝠电子商务有限公司") == core("火蝠电商") == core("火蝠") == "火蝠"
    assert core("火蝠（杭州）网络科技有限公司") == "火蝠"
    assert core("上海宝尊电子商务股份有限公司") == "宝尊"


@pytest.mark.parametrize(
    ("mention", "expected"),
    [
        ("火蝠电商", slugify("火蝠电商")),
        ("杭州火蝠电子商务有限公司", slugify("火蝠电商")),
        ("火蝠", slugify("火蝠电商")),
        ("火蝠網絡科技有限公司", slugify("火蝠电商")),  # another legal form, traditional script
        ("杭州火蝠電子商務有限公司", slugify("火蝠电商")),
        ("宝尊", "bz"),
        ("寶尊電商", "bz"),
        ("宝遵电子商务有限公司", "bz"),  # one-character typo on the legal name without its city
        ("青橙 代运营", "qc"),
        ("青橙網絡科技", "qc"),
        ("火幅电商", None),  # one edit from both 火蝠电商 and 火蝙电商: ambiguous, so no answer
        ("未知电商", None),
        ("电商", None),
        ("", None),
    ],
)
def test_resolve(index, mention, expected):
    assert index.resolve(mention) == expected


def test_typo_resolves_when_unambiguous():
    idx = ProviderIndex([{"id": "bz", "name": "宝尊电商"}])
    assert idx.resolve("宝遵电商") == "bz"
    assert idx.resolve("宝遵") is None  # two characters: too short to trust a typo


def test_typos_of_names_added_after_a_typo_lookup_still_resolve():
    # The typo variants are indexed per key length when a typo of that length is first looked up;
    # names added afterwards must join the lengths already indexed.
    idx = ProviderIndex([{"id": "bz", "name": "宝尊电商"}])
    assert idx.resolve("宝遵电商") == "bz"  # indexes lengths 3 to 5
    idx.add("星禾电商", id="xh")
    assert idx.resolve("星和电商") == "xh"
    idx.add("星禾电商", id="xh2")  # the same key for a second id: a typo of it is now ambiguous
    assert idx.resolve("星和电商") is None


def test_find_orders_by_first_mention_and_uses_aliases(index):
    text = "天貓代運營找火蝠電商靠譜嗎？青橙也可以，還有上海寶尊電子商務有限公司。"
    assert index.find(text) == [slugify("火蝠电商"), "qc", "bz"]
    assert index.find("淘宝代运营哪家好") == []


def test_names_and_add(index):
    idx = ProviderIndex(WATCH)
    assert idx.names("bz") == ["宝尊电商", "上海宝尊电子商务有限公司"]
    # A registry record's legal name for a known brand extends that provider.
    assert idx.add("宝尊电商", legal_name="宝尊电子商务（上海）有限公司") == "bz"
    assert "宝尊电子商务（上海）有限公司" in idx.names("bz")
    # A new market listing adds a provider the watch list did not have.
    new_id = idx.add("星禾代运营", legal_name="杭州星禾电子商务有限公司")
    assert idx.resolve("星禾") == new_id
    assert new_id in idx.find("我们用过杭州星禾电子商务有限公司")
    assert idx.names("nope") == []


def test_from_toml(tmp_path):
    path = tmp_path / "providers.toml"
    path.write_text(
        '[[provider]]\nname = "火蝠电商"\nlegal_name = "杭州火蝠电子商务有限公司"\naliases = ["火蝠"]\n\n'
        '[[provider]]\nid = "bz"\nname = "宝尊电商"\n',
        encoding="utf-8",
    )
    idx = ProviderIndex.from_toml(path)
    assert idx.resolve("火蝠") == slugify("火蝠电商")
    assert idx.resolve("宝尊") == "bz"
    bad = tmp_path / "bad.toml"
    bad.write_text('[[provider]]\naliases = ["x"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="provider #1 needs a non-empty name"):
        ProviderIndex.from_toml(bad)


def test_large_index_keeps_near_names_apart():
    # 3,000 two-character brands, many one character apart (bench/text.py measures speed at 20,000).
    simplified = [ch for ch in map(chr, range(0x4E00, 0x6000)) if normalize(ch) == ch]
    names = [f"{simplified[i % 60]}{simplified[1000 + i // 60]}电商" for i in range(3000)]
    entries = [{"id": f"p{i}", "name": n} for i, n in enumerate(names)]
    idx = ProviderIndex(entries)
    name = entries[1234]["name"]
    text = f"我们店找过{name}，效果一般。"
    assert idx.find(text) == ["p1234"]
    assert idx.resolve(name) == "p1234"
    assert idx.resolve(name[0] + "鑫电商") is None  # one edit from 50 providers: ambiguous


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_index_never_raises(text):
    idx = ProviderIndex(WATCH)
    assert isinstance(idx.find(text), list)
    assert idx.resolve(text) is None or idx.resolve(text) in idx
    assert isinstance(discover(text), list)
