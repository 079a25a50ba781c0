"""One comparison form of names for provider ids, claim clients, crawl targets and the evaluation."""

from __future__ import annotations

from pipelines import providers
from pipelines.names import name_key
from spiders.targets import Target


def test_script_width_spaces_punctuation_and_case_do_not_matter():
    assert name_key("火蝠電商") == name_key("火蝠电商") == "火蝠电商"
    assert name_key("ＡＢＣ 旗舰店") == name_key("abc·旗舰店") == "abc旗舰店"
    assert name_key("火蝠（杭州）电子商务有限公司") == "火蝠杭州电子商务有限公司"
    assert name_key(None) == name_key(float("nan")) == ""
    # Different names stay different.
    assert name_key("火蝠电商") != name_key("火蝠星电商")


def test_long_texts_get_the_same_form_as_names():
    text = "我们和火蝠電商合作了半年，" * 10
    assert "火蝠电商" in name_key(text)


def test_provider_ids_and_crawl_targets_use_the_same_form():
    assert providers.key("火蝠 電商") == name_key("火蝠 電商")
    target = Target(query="火蝠电商", names=("火蝠电商",))
    assert target.is_named("火蝠·電商") and not target.is_named("火蝠星")
    assert target.is_mentioned("听说火蝠電商不错")
