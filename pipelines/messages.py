"""Every sentence a merchant reads about a verdict or a risk, in Chinese and English, from one source.

The marts store a code and its arguments (`claim_checks.reason_code` / `reason_args`,
`provider_reputation.risk_flag_codes`); sentences are rendered at the edge — in the marts' text columns
(`reason`, `risk_flags`, Chinese by default, for pandas users), in the CLI and in the report — so both
languages come from the same facts and a wording fix needs no rebuild of the evidence.

A template is a `str.format` string over the code's arguments. English has an `en_one` form where the
count `n` decides the plural. Arguments are plain JSON values (numbers, strings) so they survive parquet
and JSON-LD unchanged.
"""

from __future__ import annotations

import json
import math
from typing import NamedTuple

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"


class Message(NamedTuple):
    """A code with its arguments: what the marts store instead of a sentence."""

    code: str
    args: dict

    def render(self, lang: str = DEFAULT_LANG) -> str:
        return render(self.code, self.args, lang)

    def args_json(self) -> str:
        return json.dumps(self.args, ensure_ascii=False, sort_keys=True)


# Why a claimed case got its verdict (reputation/claim_checks.py, in the order its rules fire).
REASONS: dict[str, dict[str, str]] = {
    "client_complained": {
        "zh": "客户{client}在宣称的服务期内投诉过该服务商。",
        "en": "The client {client} filed a complaint against this provider during the claimed period.",
    },
    "client_reported_lower": {
        "zh": "客户{client}本人说实际{metric}为{reported:,.0f}，低于案例宣称的{claimed:,.0f}。",
        "en": "The client {client} itself reports {metric} of {reported:,.0f}, below the {claimed:,.0f} "
        "this case claims.",
    },
    "copied_from_other": {
        "zh": "同一案例此前已由另一家服务商（{other}）发布。",
        "en": "The same case was published earlier by another provider ({other}).",
    },
    "before_registration": {
        "zh": "案例始于{start}，但该公司{established}才注册成立。",
        "en": "The case starts in {start}, but the company was only registered on {established}.",
    },
    "team_too_small": {
        "zh": "该公司参保人数仅{staff}人，却宣称服务{categories}个类目。",
        "en": "The company has {staff} insured employees but claims to serve {categories} categories.",
    },
    "client_same_figures": {
        "zh": "客户{client}本人给出了与案例相同的数据。",
        "en": "The client {client} itself reported the same figures with this provider.",
    },
    "growth_beyond_period": {
        "zh": "{days}天内增长{growth_pct:,.0f}%，超出店铺可能达到的水平（最多约{ceiling_pct:,.0f}%）。",
        "en": "A growth of {growth_pct:,.0f}% in {days} days is beyond what a shop can reach "
        "(at most about {ceiling_pct:,.0f}%).",
    },
    "client_confirmed": {
        "zh": "客户{client}本人确认了与该服务商合作的效果。",
        "en": "The client {client} itself confirmed the results with this provider.",
    },
    "promise_broken": {
        "zh": "承诺未兑现：承诺{metric}达到{promised:,.0f}，客户说实际只有{reported:,.0f}。",
        "en": "A broken promise: {metric} of {promised:,.0f} was promised, and {reported:,.0f} is what "
        "the client reports.",
    },
    "promise_unchecked": {
        "zh": "没有关于实际结果的说法，无法判断这一承诺是否兑现。",
        "en": "No account of what actually happened says whether this promise was kept.",
    },
    "client_spoke_undecided": {
        "zh": "客户{client}写过关于该服务商的内容，但没有给出可与案例对照的数据，也没有与案例矛盾的信息。",
        "en": "The client {client} has written about this provider, but gives no figures to set against "
        "the case and nothing that contradicts it.",
    },
    "no_independent_evidence": {
        "zh": "未找到独立证据：客户没有写过关于该服务商的内容，也没有与案例矛盾的信息。",
        "en": "No independent evidence found: the client has not written about this provider "
        "and nothing contradicts the case.",
    },
}

# Risk flags on a provider (reputation/scores.py), worst first in the order scores.risk_flags emits them.
RISK_FLAGS: dict[str, dict[str, str]] = {
    "cases_refuted": {
        "zh": "{total}个成功案例中{n}个被证伪",
        "en": "{n} of {total} success cases refuted",
    },
    "cases_duplicated": {
        "zh": "{total}个成功案例中{n}个抄袭自其他服务商",
        "en": "{n} of {total} success cases copied from another provider",
    },
    "cases_implausible": {
        "zh": "{total}个成功案例中{n}个增长不合常理",
        "en": "{n} of {total} success cases implausible",
    },
    "abnormal_operations": {"zh": "有经营异常记录", "en": "经营异常 on record"},
    "registration_status": {"zh": "登记状态：{status}", "en": "registration status {status}"},
    "lawsuits": {"zh": "有{n}起诉讼记录", "en": "{n} lawsuits on record", "en_one": "1 lawsuit on record"},
    "complaints": {"zh": "{n}条投诉", "en": "{n} complaints", "en_one": "1 complaint"},
    "complaints_completed": {
        "zh": "{n}条投诉，{share:.0%}已完成",
        "en": "{n} complaints, {share:.0%} completed",
        "en_one": "1 complaint, {share:.0%} completed",
    },
    "slow_replies": {
        "zh": "投诉回复慢：中位数{days:.0f}天",
        "en": "replies to complaints after {days:.0f} days (median)",
    },
    "bought_reviews": {"zh": "{share:.0%}的评价疑似刷单", "en": "{share:.0%} of reviews look bought"},
    "small_team": {"zh": "参保人数仅{staff}人", "en": "only {staff} insured staff"},
    "no_tp": {"zh": "无TP服务商认证", "en": "no TP certification"},
    "no_evidence": {"zh": "未找到独立证据", "en": "no independent evidence found"},
    # History (reputation/scores.py history_flags): far above the market's share of the same.
    "complaints_withdrawn": {
        "zh": "{n}条投诉后被撤销（占{share:.0%}，市场平均{market:.0%}），可能私下和解",
        "en": "{n} complaints later withdrawn ({share:.0%}; market {market:.0%}): possibly settled privately",
        "en_one": "1 complaint later withdrawn ({share:.0%}; market {market:.0%}): "
        "possibly settled privately",
    },
    "reviews_removed": {
        "zh": "{n}条评价后被删除或改为好评（占{share:.0%}，市场平均{market:.0%}）",
        "en": "{n} reviews later deleted or raised ({share:.0%}; market {market:.0%})",
        "en_one": "1 review later deleted or raised ({share:.0%}; market {market:.0%})",
    },
    "case_figures_changed": {
        "zh": "{n}个成功案例发布后修改过数据",
        "en": "{n} success cases changed their figures after publication",
        "en_one": "1 success case changed its figures after publication",
    },
}

# Why a review looks bought (reputation/review_flags.py FLAG_ORDER): the signals a merchant sees beside
# each flagged review in the report, the one that decided the flag first.
REVIEW_SIGNALS: dict[str, dict[str, str]] = {
    "incentive_wording": {"zh": "提到好评返现", "en": "mentions a reward for the review"},
    "untested_praise": {"zh": "未体验先好评", "en": "praise before any result"},
    "solicited_praise": {"zh": "受人所托写的好评", "en": "praise written because someone asked"},
    "near_duplicate_in_burst": {"zh": "集中出现的雷同评价", "en": "near-copy within a burst"},
    "near_duplicate": {"zh": "与其他评价雷同", "en": "near-copy of another review"},
    "burst": {"zh": "短时间内集中出现", "en": "part of a burst"},
    "farm_account": {"zh": "账号对多家服务商一律五星", "en": "account gives every agency five stars"},
    "fresh_account": {"zh": "新注册小号（无买家信誉）", "en": "fresh account with no buyer credit"},
    "one_hit_author": {"zh": "账号只发过这一条", "en": "the account's only review"},
    "rating_deviation": {"zh": "评分明显偏离其他评价", "en": "rating far from the others'"},
}


def signal_names(codes: object, lang: str = DEFAULT_LANG) -> list[str]:
    """The review signals as words in `lang`; an unknown code stays as it is rather than vanish."""
    return [REVIEW_SIGNALS.get(str(c), {}).get(lang) or str(c) for c in (codes if codes is not None else [])]


# A reason written as a plain sentence by a rule that has no code yet: kept verbatim in both languages
# rather than dropped, so a new rule never loses its explanation (give it a code in REASONS).
UNCODED = "uncoded"

_UNKNOWN = {"zh": "未知", "en": "unknown"}


def render(code: str, args: dict | str | None, lang: str = DEFAULT_LANG) -> str:
    """The sentence for a reason or risk-flag code in `lang` ("zh" or "en")."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    a = json.loads(args) if isinstance(args, str) else dict(args or {})
    if code == UNCODED:
        return str(a.get("text", ""))
    forms = REASONS.get(code) or RISK_FLAGS.get(code)
    if forms is None:
        raise KeyError(f"no sentence for code {code!r}")
    template = forms["en_one"] if lang == "en" and a.get("n") == 1 and "en_one" in forms else forms[lang]
    # A missing value (a case without a client name) reads as "unknown", never as "None" or "nan".
    clean = {
        k: _UNKNOWN[lang] if v is None or (isinstance(v, float) and math.isnan(v)) else v
        for k, v in a.items()
    }
    return template.format(**clean)


def uncoded(text: str) -> Message:
    return Message(UNCODED, {"text": text})


# The terminal furniture a merchant reads from `demo`, `run`, `crawl --provider`, `build`, `eval` and
# `report`: headings, column names, verdict and band names, summary lines and the everyday failures.
# Maintainer output (log lines, `doctor`, `verify`, config errors, `eval-text`) stays English only.
UI: dict[str, dict[str, str]] = {
    # top of provider_reputation (cli/render.py print_reputation)
    "reputation.title": {
        "zh": "服务商口碑：共{total}家，前{shown}家",
        "en": "provider_reputation: top {shown} of {total}",
    },
    "reputation.missing": {"zh": "还没有服务商口碑表", "en": "no provider_reputation table yet"},
    "col.provider": {"zh": "服务商", "en": "provider"},
    "col.score": {"zh": "靠谱分", "en": "score"},
    "col.band": {"zh": "置信度", "en": "conf."},
    "col.tp": {"zh": "TP星级", "en": "TP★"},
    "col.rating": {"zh": "调整后评分", "en": "rating"},
    "col.reviews": {"zh": "评价数", "en": "reviews"},
    "col.complaints": {"zh": "投诉数", "en": "compl."},
    "col.cases": {"zh": "案例 ✓/✗/⧉", "en": "cases ✓/✗/⧉"},
    "reputation.legend": {
        "zh": "案例 ✓/✗/⧉ = 有独立佐证 / 被证伪 / 抄袭其他服务商",
        "en": "cases ✓/✗/⧉ = supported / refuted / copied from another agency",
    },
    "reputation.risk_flags": {"zh": "风险提示：", "en": "risk flags:"},
    "band.low": {"zh": "低", "en": "low"},
    "band.medium": {"zh": "中", "en": "medium"},
    "band.high": {"zh": "高", "en": "high"},
    # one provider and its cases (cli/render.py print_provider, `crawl --provider`)
    "cases.title": {"zh": "宣称的成功案例（{n}个）", "en": "claimed success cases ({n})"},
    "col.verdict": {"zh": "结论", "en": "verdict"},
    "col.client": {"zh": "客户", "en": "client"},
    "col.metric": {"zh": "指标", "en": "metric"},
    "col.growth": {"zh": "增长（%）", "en": "growth_pct"},
    "col.reason": {"zh": "理由", "en": "reason"},
    "verdict.supported": {"zh": "有独立佐证", "en": "supported"},
    "verdict.refuted": {"zh": "被证伪", "en": "refuted"},
    "verdict.duplicated": {"zh": "抄袭", "en": "duplicated"},
    "verdict.implausible": {"zh": "不合常理", "en": "implausible"},
    "verdict.not_enough_evidence": {"zh": "证据不足", "en": "not_enough_evidence"},
    # the crawl table of demo / run / crawl
    "crawl.title": {"zh": "抓取", "en": "crawl"},
    "col.source": {"zh": "来源", "en": "source"},
    "col.result": {"zh": "结果", "en": "result"},
    "col.pages": {"zh": "页数", "en": "pages"},
    "col.raw_items": {"zh": "原始条目", "en": "raw items"},
    "col.errors": {"zh": "错误", "en": "errors"},
    "col.seconds": {"zh": "秒", "en": "seconds"},
    "crawl.ok": {"zh": "成功", "en": "ok"},
    "crawl.no_match": {"zh": "无匹配", "en": "no match"},
    "crawl.stopped": {"zh": "已停止", "en": "stopped"},
    "crawl.failed": {"zh": "失败", "en": "FAILED"},
    # the start of demo and where the files are
    "demo.start": {
        "zh": "kaopu demo：沙盒世界 seed={seed}，{providers}家服务商 → {root}",
        "en": "kaopu demo: sandbox world seed={seed}, {providers} providers → {root}",
    },
    "paths.parquet": {
        "zh": "parquet 文件：{marts}/*.parquet、{clean}/*.parquet 和 {clean}/documents/（按来源分区）",
        "en": "parquet files: {marts}/*.parquet, {clean}/*.parquet and {clean}/documents/ (by source)",
    },
    "paths.pandas": {"zh": "在 pandas 中：  {code}", "en": "in pandas:     {code}"},
    # a source that failed in this run left older rows in the tables
    "stale.fetched": {
        "zh": "上面它的数据来自{age}前的抓取（{when}）",
        "en": "data fetched {age} ago ({when})",
    },
    "stale.nothing": {"zh": "上面没有它的任何数据", "en": "no data at all"},
    "stale.note": {
        "zh": "注意：{source}在本次运行中失败；{when}",
        "en": "note: {source} failed in this run; its rows above come from {when}",
    },
    # where the report is (report/cli.py)
    "report.index": {"zh": "报告：{path}", "en": "report: {path}"},
    "report.page": {"zh": "{name} 的报告页：{path}", "en": "report page of {name}: {path}"},
    "report.compare": {"zh": "对比页：{path}", "en": "comparison: {path}"},
    # `kaopu build` and `kaopu eval` summaries (cli/summaries.py)
    "build.clean_nothing_new": {
        "zh": "清洗：没有新的原始文件；文档仍为{documents}份",
        "en": "clean: no new raw files; {documents} documents as before",
    },
    "build.clean": {
        "zh": "清洗：{raw_files}个新原始文件，读取{records}条记录，{quarantined}条隔离（data/quarantine/）"
        " → {documents}份文档（新增{new_documents}），{claims}条宣称的案例，已知{providers}家服务商",
        "en": "clean: {raw_files} new raw files, {records} records read, {quarantined} quarantined "
        "(data/quarantine/) → {documents} documents (+{new_documents}), {claims} claims, "
        "{providers} providers known",
    },
    "build.marts": {
        "zh": "汇总：{rated}家服务商已评分（重新计算{recomputed}家），{checks}条案例核查，{flags}条评价标记",
        "en": "marts: {rated} providers rated ({recomputed} recomputed), {checks} claim checks, "
        "{flags} review flags",
    },
    "eval.world": {
        "zh": "沙盒世界 seed {seed}，{providers}家服务商，故障率 {faults}",
        "en": "world seed {seed}, {providers} providers, faults {faults}",
    },
    "eval.claims": {
        "zh": "案例结论：macro-F1 {f1}，准确率 {accuracy}，共{n}条案例（找到{covered}条）",
        "en": "claim verdicts: macro-F1 {f1}, accuracy {accuracy} over {n} claims ({covered} found)",
    },
    "eval.reviews": {
        "zh": "可疑评价：精确率 {precision}，召回率 {recall}（标记{flagged}条，刷单{bought}条）",
        "en": "suspicious reviews: precision {precision}, recall {recall} "
        "({flagged} flagged, {bought} bought)",
    },
    "eval.reputation": {
        "zh": "口碑分与隐藏质量：Spearman {spearman}，覆盖{matched}/{providers}家服务商",
        "en": "reputation vs hidden quality: Spearman {spearman} over {matched} of {providers} providers",
    },
    "eval.history": {
        "zh": "历史变化：召回 {recall}（{found}/{detectable}个可见事件），误报{false}个",
        "en": "history: recall {recall} ({found} of {detectable} detectable events), {false} false changes",
    },
    "eval.more": {"zh": "全部指标：kaopu eval --json FILE", "en": "all figures: kaopu eval --json FILE"},
    # `kaopu eval --seeds`: every figure is "value [low, high] (n=N)"
    "eval.seeds.head": {
        "zh": "沙盒世界 seed {seeds}：95%置信区间（比例用汇总计数的 Wilson 区间，"
        "macro-F1 与 Spearman 按 seed 自助法）",
        "en": "seeds {seeds}: 95% intervals (Wilson on pooled counts; bootstrap over seeds for macro-F1 "
        "and Spearman)",
    },
    "eval.seeds.claims": {
        "zh": "案例结论：macro-F1 {f1}，准确率 {accuracy}",
        "en": "claims     macro-F1 {f1}  accuracy {accuracy}",
    },
    "eval.seeds.archetype": {"zh": "  {name}：准确率 {accuracy}", "en": "  {name:<16} accuracy {accuracy}"},
    "eval.seeds.reviews": {
        "zh": "可疑评价：精确率 {precision}，召回率 {recall}",
        "en": "reviews    precision {precision}  recall {recall}",
    },
    "eval.seeds.kind": {"zh": "  {name}：召回率 {recall}", "en": "  {name:<16} recall {recall}"},
    "eval.seeds.reputation": {
        "zh": "口碑分与隐藏质量：Spearman {spearman}",
        "en": "reputation Spearman {spearman}",
    },
    "eval.seeds.honest": {
        "zh": "  诚信服务商落入后20%的比例 {share}",
        "en": "  honest providers in the bottom quintile {share}",
    },
    "eval.seeds.calibration": {
        "zh": "{what}的置信度与实际准确率（按置信度分组）：",
        "en": "{what} confidence against observed accuracy, by confidence bin:",
    },
    "eval.seeds.calibration.row": {
        "zh": "  置信度 {low:.2f}–{high:.2f}：平均 {confidence:.2f}，实际 {accuracy}",
        "en": "  confidence {low:.2f}-{high:.2f}  mean {confidence:.2f}  observed {accuracy}",
    },
    "eval.seeds.what.claims": {"zh": "案例结论", "en": "claim verdicts'"},
    "eval.seeds.what.flags": {"zh": "可疑评价标记", "en": "review flags'"},
    # `kaopu status`
    "status.running": {
        "zh": "正在运行：{what} {run_id}（pid {pid}，开始于 {started}）",
        "en": "running now: {what} {run_id} (pid {pid}, started {started})",
    },
    "status.idle": {"zh": "正在运行：无", "en": "running now: nothing"},
    "status.runs": {"zh": "最近的运行", "en": "last runs"},
    "status.no_runs": {"zh": "还没有运行记录", "en": "no runs yet"},
    "col.run": {"zh": "运行", "en": "run"},
    "col.finished": {"zh": "结束时间", "en": "finished"},
    "col.provider_or_all": {"zh": "服务商", "en": "provider"},
    "status.all": {"zh": "全部", "en": "all"},
    "status.interrupted": {"zh": "被中断（{signal}）", "en": "interrupted ({signal})"},
    "status.failed": {"zh": "失败：{sources}", "en": "failed: {sources}"},
    "status.tables": {"zh": "数据表", "en": "tables"},
    "col.table": {"zh": "表", "en": "table"},
    "col.rows": {"zh": "行数", "en": "rows"},
    "status.not_built": {"zh": "未生成", "en": "not built"},
    "status.quarantined": {
        "zh": "隔离：{n}条（{detail}），在 {path}",
        "en": "quarantined: {n} ({detail}) in {path}",
    },
    "status.none_quarantined": {"zh": "隔离：0", "en": "quarantined: 0"},
    "status.sources": {"zh": "来源", "en": "sources"},
    "col.raw_files": {"zh": "原始文件数", "en": "raw files"},
    "col.newest_fetch": {"zh": "最近抓取", "en": "newest fetch"},
    "col.age": {"zh": "距今", "en": "age"},
    "status.never": {"zh": "从未", "en": "never"},
    # the one-line failures a merchant meets most (exit codes in cli/errors.py)
    "fail.no_documents": {
        "zh": "没有任何来源找到 {name} 的文档；请检查名称，或在 providers.toml 中添加别名",
        "en": "no source has documents for {name}; check the name or add aliases to providers.toml",
    },
    "fail.not_rated": {
        "zh": "抓取后 {name} 仍不在服务商口碑表中",
        "en": "{name} is not in provider_reputation after the crawl",
    },
    "fail.sources": {"zh": "{n}个来源失败：{sources}", "en": "{n} source(s) failed: {sources}"},
    "fail.sources_rest_built": {
        "zh": "{n}个来源失败（其他来源的数据已构建）：{sources}",
        "en": "{n} source(s) failed (the others' data was built): {sources}",
    },
    "fail.no_marts": {
        "zh": "还没有生成汇总表：请先运行 `kaopu build`（或 demo / run）",
        "en": "no marts/provider_reputation table yet: run `kaopu build` (or demo / run) first",
    },
}


# The provider row `crawl --provider` prints: each provider_reputation column's name for a merchant. In
# English the column's own name is shown, the one a pandas user types. A column without a label here is
# shown by its name in both languages (tests/test_messages.py keeps this complete).
FIELDS_ZH: dict[str, str] = {
    "provider_id": "服务商编号",
    "provider_name": "服务商",
    "legal_name": "公司名称",
    "aliases": "别名",
    "tp_star": "TP星级",
    "established": "成立日期",
    "staff_insured": "参保人数",
    "registered_capital_cny": "注册资本（元）",
    "lawsuit_count": "诉讼数",
    "abnormal_count": "经营异常数",
    "n_documents": "文档数",
    "n_reviews": "评价数",
    "n_complaints": "投诉数",
    "n_answers": "问答数",
    "n_articles": "文章数",
    "rating_mean": "平均评分",
    "rating_bayes": "贝叶斯平均评分",
    "n_ratings": "评分数",
    "positive_share_wilson_low": "好评率（95%下限）",
    "sentiment_mean": "平均情感（0–1）",
    "suspicious_share": "可疑评价占比",
    "adjusted_rating": "调整后评分",
    "n_kept": "未被标记的评分数",
    "complaints_amount_cny": "投诉涉及金额（元）",
    "complaints_completed_share": "投诉完成率",
    "median_reply_days": "投诉回复天数中位数",
    "complaints_withdrawn": "后被撤销的投诉",
    "reviews_deleted": "后被删除的评价",
    "ratings_raised": "后被改高的评分",
    "ratings_raised_after_complaint": "投诉者改高的评分",
    "case_figures_changed": "改过数据的案例",
    "claims_n": "宣称案例数",
    "claims_supported": "有独立佐证的案例",
    "claims_refuted": "被证伪的案例",
    "claims_duplicated": "抄袭的案例",
    "claims_implausible": "不合常理的案例",
    "claims_not_enough_evidence": "证据不足的案例",
    "authenticity_score": "案例真实性",
    "verdict_doubt": "结论可能有误的比例",
    "reputation_score": "靠谱分",
    "confidence": "置信度",
    "confidence_band": "置信等级",
    "risk_flags": "风险提示",
    "fee_monthly_min_cny": "月服务费下限（元）",
    "fee_monthly_max_cny": "月服务费上限（元）",
    "commission_pct_mentioned": "提及的佣金（%）",
    "first_seen": "最早出现",
    "last_seen": "最近出现",
    "sources": "来源",
    "built_at": "生成时间",
    "schema_version": "表结构版本",
}


def field_label(column: str, lang: str = DEFAULT_LANG) -> str:
    """How the provider row names a provider_reputation column for a reader of `lang`."""
    return FIELDS_ZH.get(column, column) if lang == "zh" else column


def say(key: str, lang: str = DEFAULT_LANG, **args: object) -> str:
    """A line of the terminal furniture (`UI`) in `lang`; kept apart from `render` so a UI key can
    never be stored in a mart as a reason or flag code."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    forms = UI.get(key)
    if forms is None:
        raise KeyError(f"no UI line for key {key!r}")
    return forms[lang].format(**args)


def check_lang(value: str) -> str:
    """The language a person asked for, or ValueError naming the choices."""
    lang = value.strip().lower()
    if lang not in LANGS:
        raise ValueError(f"expected one of {', '.join(LANGS)}")
    return lang


def flag_sentences(codes: object, words: object, lang: str = DEFAULT_LANG) -> list[str]:
    """A provider's risk flags in `lang` from `risk_flag_codes` ({code, args} items); a row written
    before the codes existed keeps its stored `risk_flags` sentences."""
    if codes is not None and len(codes):  # type: ignore[arg-type]
        return [render(f["code"], f["args"], lang) for f in codes]  # type: ignore[attr-defined]
    return [str(w) for w in words] if words is not None else []  # type: ignore[attr-defined]
