"""Items become clean/documents rows as their class declares (contracts.AsDocument), and the kind lists
the reputation logic reads follow from each class's role."""

from __future__ import annotations

import dataclasses

import pytest

from pipelines import contracts as c
from reputation.documents import document_row

FETCHED = "2026-06-30T04:00:00+00:00"


def _row(item: c.BaseItem) -> dict:
    return document_row(item, "raw/x/2026-06-30/run.jsonl.gz")


def test_a_complaint_without_a_body_reads_its_summary_and_its_reply_time():
    complaint = c.Complaint(
        native_id="17",
        source_url="http://sandbox/complaints/complaint/view/17/",
        fetched_at=FETCHED,
        title="退款不给",
        target="某某电子商务有限公司",
        author="李**",
        summary="签约时承诺三个月销量翻倍，实际下降",
        created_at="2026-03-01T10:00:00+08:00",
        timeline=[
            {"at": "2026-03-01T12:00:00+08:00", "actor": "李**", "text": "补充材料"},
            {"at": "2026-03-04T10:00:00+08:00", "actor": "某某电子商务有限公司", "text": "已联系"},
        ],
        text="",
    )
    row = _row(complaint)
    assert row["raw_text"] == "签约时承诺三个月销量翻倍，实际下降"
    assert row["provider_mention"] == "某某电子商务有限公司"
    assert row["title"] == "退款不给" and row["author"] == "李**"
    assert row["reply_days"] == 3.0  # the complainant's own note is not a reply
    assert row["created_at"] == "2026-03-01T10:00:00+08:00"


def test_an_image_only_case_keeps_its_title_as_text_and_names_its_provider():
    case = c.CasePage(
        native_id="site/3",
        source_url="http://sandbox/cases/site/case/3.html",
        fetched_at=FETCHED,
        site="site",
        provider_name="某某传媒",
        title="女装店铺三个月GMV增长300%",
        client="某某旗舰店",
        text="   ",
        image_only=True,
    )
    row = _row(case)
    assert row["raw_text"] == "女装店铺三个月GMV增长300%"
    assert (row["provider_mention"], row["client"], row["_image_only"]) == ("某某传媒", "某某旗舰店", True)
    assert row["reply_days"] is None


def test_free_text_takes_its_author_title_and_date_from_the_fields_its_class_names():
    article = c.Article(
        native_id="5",
        source_url="http://sandbox/articles/a/5_9",
        fetched_at=FETCHED,
        title="代运营避坑指南",
        publisher="电商观察",
        text="正文",
        date_raw="3天前",
    )
    row = _row(article)
    assert (row["author"], row["title"], row["provider_mention"]) == ("电商观察", "代运营避坑指南", None)
    # Read relative to fetched_at (never the clock): midnight in Beijing three days before.
    assert row["created_at"] == "2026-06-26T16:00:00+00:00"
    answer = c.ForumAnswer(
        native_id="8",
        source_url="http://sandbox/forum/api/v4/questions/4/answers",
        fetched_at=FETCHED,
        question_id="4",
        question_title="这家代运营靠谱吗？",
        text="还行",
    )
    assert _row(answer)["title"] == "这家代运营靠谱吗？"


def test_facts_are_not_documents():
    record = c.RegistryRecord(
        native_id="1", source_url="http://x/company/1", fetched_at=FETCHED, legal_name="某某"
    )
    with pytest.raises(ValueError, match="not documents"):
        _row(record)


def test_every_item_class_declares_itself_and_the_kind_lists_follow_the_roles():
    for cls in c.ITEM_CLASSES:
        assert isinstance(cls.role, c.Role), cls
        names = {f.name for f in dataclasses.fields(cls)}
        assert set(cls.names_provider) <= names, cls
        assert set(cls.required) <= names, cls
        if cls.document is not None:
            how = cls.document
            declared = {*how.text, *how.title, *how.author, *how.dated}
            assert declared & names, cls  # a document must read at least its text from a real field
            assert set(how.text) <= names, cls
    # Every document carries a voice; the provider's own never counts as independent evidence about it.
    assert not set(c.CASE_KINDS) & set(c.INDEPENDENT_KINDS)
    assert set(c.INDEPENDENT_KINDS) | set(c.CASE_KINDS) == set(c.TEXT_KINDS)
    assert set(c.ACCOUNT_KINDS) == set(c.COMPLAINT_KINDS) | set(c.ANSWER_KINDS)


def test_validation_follows_the_declarations():
    with pytest.raises(c.InvalidItem, match="missing_field: legal_name"):
        c.validate(c.RegistryRecord(native_id="1", source_url="http://x/1", fetched_at=FETCHED))
    with pytest.raises(c.InvalidItem, match="rating_out_of_range"):
        c.validate(
            c.MarketReview(native_id="1", source_url="http://x/1", fetched_at=FETCHED, text="好", rating=7)
        )
    with pytest.raises(c.InvalidItem, match="empty_text"):
        c.validate(c.Comment(native_id="1", source_url="http://x/1", fetched_at=FETCHED, text=" "))
    image_only = c.CasePage(
        native_id="s/1", source_url="http://x/1", fetched_at=FETCHED, title="案例", image_only=True
    )
    assert c.validate(image_only) is image_only
