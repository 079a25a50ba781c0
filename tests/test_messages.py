"""Golden sentences: every reason and risk-flag code, in Chinese and English, from the same arguments."""

from __future__ import annotations

import json

import pytest

from pipelines.messages import (
    FIELDS_ZH,
    REASONS,
    RISK_FLAGS,
    UI,
    Message,
    check_lang,
    field_label,
    flag_sentences,
    render,
    say,
    uncoded,
)

GOLDEN = [
    # (code, args, zh, en)
    (
        "client_reported_lower",
        {"client": "青柚家居旗舰店", "metric": "月销售额", "reported": 180000.0, "claimed": 1000000.0},
        "客户青柚家居旗舰店本人说实际月销售额为180,000，低于案例宣称的1,000,000。",
        "The client 青柚家居旗舰店 itself reports 月销售额 of 180,000, below the 1,000,000 this case claims.",
    ),
    (
        "promise_broken",
        {"metric": "销售额", "promised": 500000.0, "reported": 120000.0},
        "承诺未兑现：承诺销售额达到500,000，客户说实际只有120,000。",
        "A broken promise: 销售额 of 500,000 was promised, and 120,000 is what the client reports.",
    ),
    (
        "promise_unchecked",
        {},
        "没有关于实际结果的说法，无法判断这一承诺是否兑现。",
        "No account of what actually happened says whether this promise was kept.",
    ),
    (
        "client_complained",
        {"client": "青柚家居旗舰店"},
        "客户青柚家居旗舰店在宣称的服务期内投诉过该服务商。",
        "The client 青柚家居旗舰店 filed a complaint against this provider during the claimed period.",
    ),
    (
        "copied_from_other",
        {"other": "mingjing-dianshang"},
        "同一案例此前已由另一家服务商（mingjing-dianshang）发布。",
        "The same case was published earlier by another provider (mingjing-dianshang).",
    ),
    (
        "before_registration",
        {"start": "2019-10", "established": "2021-03-08"},
        "案例始于2019-10，但该公司2021-03-08才注册成立。",
        "The case starts in 2019-10, but the company was only registered on 2021-03-08.",
    ),
    (
        "team_too_small",
        {"staff": 2, "categories": 31},
        "该公司参保人数仅2人，却宣称服务31个类目。",
        "The company has 2 insured employees but claims to serve 31 categories.",
    ),
    (
        "client_same_figures",
        {"client": "北岸茶铺"},
        "客户北岸茶铺本人给出了与案例相同的数据。",
        "The client 北岸茶铺 itself reported the same figures with this provider.",
    ),
    (
        "growth_beyond_period",
        {"growth_pct": 12500.0, "days": 60, "ceiling_pct": 300.0},
        "60天内增长12,500%，超出店铺可能达到的水平（最多约300%）。",
        "A growth of 12,500% in 60 days is beyond what a shop can reach (at most about 300%).",
    ),
    (
        "client_confirmed",
        {"client": "小满童装"},
        "客户小满童装本人确认了与该服务商合作的效果。",
        "The client 小满童装 itself confirmed the results with this provider.",
    ),
    (
        "client_spoke_undecided",
        {"client": "悦家旗舰店"},
        "客户悦家旗舰店写过关于该服务商的内容，但没有给出可与案例对照的数据，也没有与案例矛盾的信息。",
        "The client 悦家旗舰店 has written about this provider, but gives no figures to set against the "
        "case and nothing that contradicts it.",
    ),
    (
        "no_independent_evidence",
        {},
        "未找到独立证据：客户没有写过关于该服务商的内容，也没有与案例矛盾的信息。",
        "No independent evidence found: the client has not written about this provider and nothing "
        "contradicts the case.",
    ),
    ("cases_refuted", {"n": 2, "total": 5}, "5个成功案例中2个被证伪", "2 of 5 success cases refuted"),
    (
        "cases_duplicated",
        {"n": 1, "total": 3},
        "3个成功案例中1个抄袭自其他服务商",
        "1 of 3 success cases copied from another provider",
    ),
    (
        "cases_implausible",
        {"n": 1, "total": 1},
        "1个成功案例中1个增长不合常理",
        "1 of 1 success cases implausible",
    ),
    ("abnormal_operations", {}, "有经营异常记录", "经营异常 on record"),
    ("registration_status", {"status": "注销"}, "登记状态：注销", "registration status 注销"),
    ("lawsuits", {"n": 1}, "有1起诉讼记录", "1 lawsuit on record"),
    ("lawsuits", {"n": 4}, "有4起诉讼记录", "4 lawsuits on record"),
    ("complaints", {"n": 1}, "1条投诉", "1 complaint"),
    ("complaints", {"n": 6}, "6条投诉", "6 complaints"),
    ("complaints_completed", {"n": 8, "share": 0.25}, "8条投诉，25%已完成", "8 complaints, 25% completed"),
    ("complaints_completed", {"n": 1, "share": 1.0}, "1条投诉，100%已完成", "1 complaint, 100% completed"),
    (
        "slow_replies",
        {"days": 12.0},
        "投诉回复慢：中位数12天",
        "replies to complaints after 12 days (median)",
    ),
    ("bought_reviews", {"share": 0.18}, "18%的评价疑似刷单", "18% of reviews look bought"),
    ("small_team", {"staff": 3}, "参保人数仅3人", "only 3 insured staff"),
    ("no_tp", {}, "无TP服务商认证", "no TP certification"),
    ("no_evidence", {}, "未找到独立证据", "no independent evidence found"),
    (
        "complaints_withdrawn",
        {"n": 3, "share": 0.3, "market": 0.08},
        "3条投诉后被撤销（占30%，市场平均8%），可能私下和解",
        "3 complaints later withdrawn (30%; market 8%): possibly settled privately",
    ),
    (
        "reviews_removed",
        {"n": 1, "share": 0.2, "market": 0.05},
        "1条评价后被删除或改为好评（占20%，市场平均5%）",
        "1 review later deleted or raised (20%; market 5%)",
    ),
    (
        "case_figures_changed",
        {"n": 2},
        "2个成功案例发布后修改过数据",
        "2 success cases changed their figures after publication",
    ),
]


@pytest.mark.parametrize(
    ("code", "args", "zh", "en"), GOLDEN, ids=[f"{g[0]}-{i}" for i, g in enumerate(GOLDEN)]
)
def test_golden_sentence_in_both_languages(code, args, zh, en):
    assert render(code, args, "zh") == zh
    assert render(code, args, "en") == en
    # The marts store the arguments as JSON: the same sentence comes back from the stored form.
    assert Message(code, args).render("en") == render(code, Message(code, args).args_json(), "en")


def test_every_code_has_a_golden_sentence():
    assert {g[0] for g in GOLDEN} == set(REASONS) | set(RISK_FLAGS)


def test_chinese_is_the_default():
    assert render("no_tp", {}) == "无TP服务商认证"


def test_a_missing_client_reads_as_unknown_not_none():
    assert render("client_confirmed", {"client": None}, "zh") == "客户未知本人确认了与该服务商合作的效果。"
    assert "None" not in render("client_complained", json.dumps({"client": None}), "en")


def test_a_sentence_without_a_code_is_kept_verbatim():
    m = uncoded("Some rule's own explanation.")
    assert m.render("zh") == m.render("en") == "Some rule's own explanation."


def test_unknown_language_and_code_are_clear_errors():
    with pytest.raises(ValueError, match="unknown language"):
        render("no_tp", {}, "fr")
    with pytest.raises(KeyError, match="no sentence"):
        render("made_up_code", {}, "zh")


# The terminal lines a merchant reads (`UI`): every key, both languages, from the same arguments.
UI_GOLDEN = [
    # (key, args, zh, en)
    (
        "reputation.title",
        {"shown": 10, "total": 30},
        "服务商口碑：共30家，前10家",
        "provider_reputation: top 10 of 30",
    ),
    ("reputation.missing", {}, "还没有服务商口碑表", "no provider_reputation table yet"),
    ("col.provider", {}, "服务商", "provider"),
    ("col.score", {}, "靠谱分", "score"),
    ("col.band", {}, "置信度", "conf."),
    ("col.tp", {}, "TP星级", "TP★"),
    ("col.rating", {}, "调整后评分", "rating"),
    ("col.reviews", {}, "评价数", "reviews"),
    ("col.complaints", {}, "投诉数", "compl."),
    ("col.cases", {}, "案例 ✓/✗/⧉", "cases ✓/✗/⧉"),
    (
        "reputation.legend",
        {},
        "案例 ✓/✗/⧉ = 有独立佐证 / 被证伪 / 抄袭其他服务商",
        "cases ✓/✗/⧉ = supported / refuted / copied from another agency",
    ),
    ("reputation.risk_flags", {}, "风险提示：", "risk flags:"),
    ("band.low", {}, "低", "low"),
    ("band.medium", {}, "中", "medium"),
    ("band.high", {}, "高", "high"),
    ("cases.title", {"n": 4}, "宣称的成功案例（4个）", "claimed success cases (4)"),
    ("col.verdict", {}, "结论", "verdict"),
    ("col.client", {}, "客户", "client"),
    ("col.metric", {}, "指标", "metric"),
    ("col.growth", {}, "增长（%）", "growth_pct"),
    ("col.reason", {}, "理由", "reason"),
    ("verdict.supported", {}, "有独立佐证", "supported"),
    ("verdict.refuted", {}, "被证伪", "refuted"),
    ("verdict.duplicated", {}, "抄袭", "duplicated"),
    ("verdict.implausible", {}, "不合常理", "implausible"),
    ("verdict.not_enough_evidence", {}, "证据不足", "not_enough_evidence"),
    ("crawl.title", {}, "抓取", "crawl"),
    ("col.source", {}, "来源", "source"),
    ("col.result", {}, "结果", "result"),
    ("col.pages", {}, "页数", "pages"),
    ("col.raw_items", {}, "原始条目", "raw items"),
    ("col.errors", {}, "错误", "errors"),
    ("col.seconds", {}, "秒", "seconds"),
    ("crawl.ok", {}, "成功", "ok"),
    ("crawl.no_match", {}, "无匹配", "no match"),
    ("crawl.stopped", {}, "已停止", "stopped"),
    ("crawl.failed", {}, "失败", "FAILED"),
    (
        "demo.start",
        {"seed": 7, "providers": 30, "root": "/tmp/d"},
        "kaopu demo：沙盒世界 seed=7，30家服务商 → /tmp/d",
        "kaopu demo: sandbox world seed=7, 30 providers → /tmp/d",
    ),
    (
        "paths.parquet",
        {"marts": "d/marts", "clean": "d/clean"},
        "parquet 文件：d/marts/*.parquet、d/clean/*.parquet 和 d/clean/documents/（按来源分区）",
        "parquet files: d/marts/*.parquet, d/clean/*.parquet and d/clean/documents/ (by source)",
    ),
    (
        "paths.pandas",
        {"code": "pd.read_parquet(p)"},
        "在 pandas 中：  pd.read_parquet(p)",
        "in pandas:     pd.read_parquet(p)",
    ),
    (
        "stale.fetched",
        {"age": "3 d", "when": "2026-06-28"},
        "上面它的数据来自3 d前的抓取（2026-06-28）",
        "data fetched 3 d ago (2026-06-28)",
    ),
    ("stale.nothing", {}, "上面没有它的任何数据", "no data at all"),
    (
        "stale.note",
        {"source": "forum", "when": "x"},
        "注意：forum在本次运行中失败；x",
        "note: forum failed in this run; its rows above come from x",
    ),
    ("report.index", {"path": "r/index.html"}, "报告：r/index.html", "report: r/index.html"),
    (
        "report.page",
        {"name": "p1", "path": "r/p1.html"},
        "p1 的报告页：r/p1.html",
        "report page of p1: r/p1.html",
    ),
    ("report.compare", {"path": "r/c.html"}, "对比页：r/c.html", "comparison: r/c.html"),
    (
        "build.clean_nothing_new",
        {"documents": "1,200"},
        "清洗：没有新的原始文件；文档仍为1,200份",
        "clean: no new raw files; 1,200 documents as before",
    ),
    (
        "build.clean",
        {
            "raw_files": 2,
            "records": 90,
            "quarantined": 1,
            "documents": 80,
            "new_documents": 5,
            "claims": 6,
            "providers": 3,
        },
        "清洗：2个新原始文件，读取90条记录，1条隔离（data/quarantine/） → 80份文档（新增5），"
        "6条宣称的案例，已知3家服务商",
        "clean: 2 new raw files, 90 records read, 1 quarantined (data/quarantine/) → 80 documents (+5), "
        "6 claims, 3 providers known",
    ),
    (
        "build.marts",
        {"rated": 3, "recomputed": 1, "checks": 6, "flags": 4},
        "汇总：3家服务商已评分（重新计算1家），6条案例核查，4条评价标记",
        "marts: 3 providers rated (1 recomputed), 6 claim checks, 4 review flags",
    ),
    (
        "eval.world",
        {"seed": 7, "providers": 30, "faults": 0.1},
        "沙盒世界 seed 7，30家服务商，故障率 0.1",
        "world seed 7, 30 providers, faults 0.1",
    ),
    (
        "eval.claims",
        {"f1": "0.90", "accuracy": "0.92", "n": 40, "covered": 38},
        "案例结论：macro-F1 0.90，准确率 0.92，共40条案例（找到38条）",
        "claim verdicts: macro-F1 0.90, accuracy 0.92 over 40 claims (38 found)",
    ),
    (
        "eval.reviews",
        {"precision": "1.00", "recall": "0.80", "flagged": 8, "bought": 10},
        "可疑评价：精确率 1.00，召回率 0.80（标记8条，刷单10条）",
        "suspicious reviews: precision 1.00, recall 0.80 (8 flagged, 10 bought)",
    ),
    (
        "eval.reputation",
        {"spearman": "0.95", "matched": 29, "providers": 30},
        "口碑分与隐藏质量：Spearman 0.95，覆盖29/30家服务商",
        "reputation vs hidden quality: Spearman 0.95 over 29 of 30 providers",
    ),
    (
        "eval.history",
        {"recall": "1.00", "found": 27, "detectable": 27, "false": 0},
        "历史变化：召回 1.00（27/27个可见事件），误报0个",
        "history: recall 1.00 (27 of 27 detectable events), 0 false changes",
    ),
    ("eval.more", {}, "全部指标：kaopu eval --json FILE", "all figures: kaopu eval --json FILE"),
    (
        "eval.seeds.head",
        {"seeds": "3"},
        "沙盒世界 seed 3：95%置信区间（比例用汇总计数的 Wilson 区间，macro-F1 与 Spearman 按 seed 自助法）",
        "seeds 3: 95% intervals (Wilson on pooled counts; bootstrap over seeds for macro-F1 and Spearman)",
    ),
    (
        "eval.seeds.claims",
        {"f1": "0.60 [0.56, 0.64] (n=4)", "accuracy": "0.67 [0.62, 0.72] (n=327)"},
        "案例结论：macro-F1 0.60 [0.56, 0.64] (n=4)，准确率 0.67 [0.62, 0.72] (n=327)",
        "claims     macro-F1 0.60 [0.56, 0.64] (n=4)  accuracy 0.67 [0.62, 0.72] (n=327)",
    ),
    (
        "eval.seeds.archetype",
        {"name": "inflated", "accuracy": "0.22 [0.09, 0.45] (n=18)"},
        "  inflated：准确率 0.22 [0.09, 0.45] (n=18)",
        "  inflated         accuracy 0.22 [0.09, 0.45] (n=18)",
    ),
    (
        "eval.seeds.reviews",
        {"precision": "0.94 [0.91, 0.95] (n=496)", "recall": "0.52 [0.49, 0.55] (n=889)"},
        "可疑评价：精确率 0.94 [0.91, 0.95] (n=496)，召回率 0.52 [0.49, 0.55] (n=889)",
        "reviews    precision 0.94 [0.91, 0.95] (n=496)  recall 0.52 [0.49, 0.55] (n=889)",
    ),
    (
        "eval.seeds.kind",
        {"name": "burst", "recall": "0.90 [0.86, 0.93] (n=309)"},
        "  burst：召回率 0.90 [0.86, 0.93] (n=309)",
        "  burst            recall 0.90 [0.86, 0.93] (n=309)",
    ),
    (
        "eval.seeds.reputation",
        {"spearman": "0.88 [0.85, 0.91] (n=4)"},
        "口碑分与隐藏质量：Spearman 0.88 [0.85, 0.91] (n=4)",
        "reputation Spearman 0.88 [0.85, 0.91] (n=4)",
    ),
    (
        "eval.seeds.honest",
        {"share": "0.00 [0.00, 0.13] (n=25)"},
        "  诚信服务商落入后20%的比例 0.00 [0.00, 0.13] (n=25)",
        "  honest providers in the bottom quintile 0.00 [0.00, 0.13] (n=25)",
    ),
    (
        "eval.seeds.calibration",
        {"what": "案例结论"},
        "案例结论的置信度与实际准确率（按置信度分组）：",
        "案例结论 confidence against observed accuracy, by confidence bin:",
    ),
    (
        "eval.seeds.calibration.row",
        {"low": 0.9, "high": 0.95, "confidence": 0.93, "accuracy": "0.91 [0.85, 0.95] (n=120)"},
        "  置信度 0.90–0.95：平均 0.93，实际 0.91 [0.85, 0.95] (n=120)",
        "  confidence 0.90-0.95  mean 0.93  observed 0.91 [0.85, 0.95] (n=120)",
    ),
    ("eval.seeds.what.claims", {}, "案例结论", "claim verdicts'"),
    ("eval.seeds.what.flags", {}, "可疑评价标记", "review flags'"),
    (
        "status.running",
        {"what": "build", "run_id": "build-1", "pid": 42, "started": "05:00"},
        "正在运行：build build-1（pid 42，开始于 05:00）",
        "running now: build build-1 (pid 42, started 05:00)",
    ),
    ("status.idle", {}, "正在运行：无", "running now: nothing"),
    ("status.runs", {}, "最近的运行", "last runs"),
    ("status.no_runs", {}, "还没有运行记录", "no runs yet"),
    ("col.run", {}, "运行", "run"),
    ("col.finished", {}, "结束时间", "finished"),
    ("col.provider_or_all", {}, "服务商", "provider"),
    ("status.all", {}, "全部", "all"),
    ("status.interrupted", {"signal": "SIGINT"}, "被中断（SIGINT）", "interrupted (SIGINT)"),
    ("status.failed", {"sources": "forum, qa"}, "失败：forum, qa", "failed: forum, qa"),
    ("status.tables", {}, "数据表", "tables"),
    ("col.table", {}, "表", "table"),
    ("col.rows", {}, "行数", "rows"),
    ("status.not_built", {}, "未生成", "not built"),
    (
        "status.quarantined",
        {"n": 3, "detail": "empty_text 3", "path": "d/quarantine"},
        "隔离：3条（empty_text 3），在 d/quarantine",
        "quarantined: 3 (empty_text 3) in d/quarantine",
    ),
    ("status.none_quarantined", {}, "隔离：0", "quarantined: 0"),
    ("status.sources", {}, "来源", "sources"),
    ("col.raw_files", {}, "原始文件数", "raw files"),
    ("col.newest_fetch", {}, "最近抓取", "newest fetch"),
    ("col.age", {}, "距今", "age"),
    ("status.never", {}, "从未", "never"),
    (
        "fail.no_documents",
        {"name": "'某公司'"},
        "没有任何来源找到 '某公司' 的文档；请检查名称，或在 providers.toml 中添加别名",
        "no source has documents for '某公司'; check the name or add aliases to providers.toml",
    ),
    (
        "fail.not_rated",
        {"name": "'某公司'"},
        "抓取后 '某公司' 仍不在服务商口碑表中",
        "'某公司' is not in provider_reputation after the crawl",
    ),
    (
        "fail.sources",
        {"n": 2, "sources": "forum, qa"},
        "2个来源失败：forum, qa",
        "2 source(s) failed: forum, qa",
    ),
    (
        "fail.sources_rest_built",
        {"n": 1, "sources": "qa"},
        "1个来源失败（其他来源的数据已构建）：qa",
        "1 source(s) failed (the others' data was built): qa",
    ),
    (
        "fail.no_marts",
        {},
        "还没有生成汇总表：请先运行 `kaopu build`（或 demo / run）",
        "no marts/provider_reputation table yet: run `kaopu build` (or demo / run) first",
    ),
]


@pytest.mark.parametrize(("key", "args", "zh", "en"), UI_GOLDEN, ids=[g[0] for g in UI_GOLDEN])
def test_golden_terminal_line_in_both_languages(key, args, zh, en):
    assert say(key, "zh", **args) == zh
    assert say(key, "en", **args) == en


def test_every_terminal_key_has_a_golden_line_and_chinese_is_the_default():
    assert [g[0] for g in UI_GOLDEN] == list(UI)
    assert say("verdict.refuted") == "被证伪"


def test_every_verdict_and_band_a_merchant_can_meet_has_words():
    from pipelines.contracts import VERDICTS

    assert {f"verdict.{v}" for v in VERDICTS} <= set(UI)
    assert {"band.low", "band.medium", "band.high"} <= set(UI)


def test_terminal_lines_refuse_unknown_language_and_key():
    with pytest.raises(ValueError, match="unknown language"):
        say("crawl.ok", "fr")
    with pytest.raises(KeyError, match="no UI line"):
        say("no.such.key", "zh")
    # a UI key is not a reason or flag code: it can never be rendered from a mart
    with pytest.raises(KeyError):
        render("crawl.ok", {}, "zh")


def test_risk_flags_are_worded_from_codes_else_kept_as_stored():
    codes = [{"code": "lawsuits", "args": '{"n": 2}'}, {"code": "no_tp", "args": "{}"}]
    assert flag_sentences(codes, ["旧的句子"], "en") == ["2 lawsuits on record", "no TP certification"]
    assert flag_sentences(codes, None, "zh") == ["有2起诉讼记录", "无TP服务商认证"]
    assert flag_sentences([], ["旧的句子"], "en") == ["旧的句子"]
    assert flag_sentences(None, None, "en") == []


def test_check_lang_accepts_either_case_and_refuses_others():
    assert check_lang(" EN ") == "en"
    with pytest.raises(ValueError, match="expected one of zh, en"):
        check_lang("zh-TW")


def test_every_column_of_the_provider_row_has_a_chinese_name_and_english_keeps_the_column():
    from pipelines.contracts import TABLES

    shown = [f.name for f in TABLES["marts/provider_reputation"] if f.name != "risk_flag_codes"]
    assert set(FIELDS_ZH) == set(shown)
    assert len(set(FIELDS_ZH.values())) == len(FIELDS_ZH)  # no two rows read the same
    assert field_label("reputation_score") == "靠谱分"
    assert field_label("claims_refuted", "zh") == "被证伪的案例"
    assert field_label("reputation_score", "en") == "reputation_score"
    assert field_label("a_new_column", "zh") == "a_new_column"


def test_every_review_signal_has_words_in_both_languages():
    from pipelines.messages import REVIEW_SIGNALS, signal_names
    from reputation.review_flags import FLAG_ORDER

    assert set(REVIEW_SIGNALS) == set(FLAG_ORDER)
    for code in FLAG_ORDER:
        assert REVIEW_SIGNALS[code]["zh"] and REVIEW_SIGNALS[code]["en"]
        assert not any(c.isascii() and c.isalpha() for c in REVIEW_SIGNALS[code]["zh"])
    assert signal_names(["burst", "farm_account"], "zh") == ["短时间内集中出现", "账号对多家服务商一律五星"]
    assert signal_names(["a_new_signal"], "zh") == ["a_new_signal"]  # kept, not dropped
