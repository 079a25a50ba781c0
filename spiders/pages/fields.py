"""Field readers every page object uses: money, counts, dates, HTML text, JSON and JSONP bodies."""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

from pipelines.dates import parse_date


class PageError(ValueError):
    """A page that cannot be read at all (`reason` is a stats slug: malformed_json, truncated, …)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def iso_date(value: Any, today: dt.date | None = None) -> str | None:
    """Any printed date or epoch number → ISO 8601 UTC, or None when it is not a date. `today`
    anchors relative forms (`3天前`); None means now, which is right for a page fetched now."""
    if value is None or value == "":
        return None
    when = parse_date(value, today)
    return when.isoformat() if when is not None else None


_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_UNIT = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8, "千": 10**3, "百": 10**2}
_FEN = Decimal("0.01")


def money_cny(text: Any) -> float | None:
    """'3000', '3000元', '¥3,000', '1000万人民币', '50.5万元' → yuan as float; None when no number.

    The arithmetic is decimal and the result is rounded to the fen, so '391438.1782万人民币' is
    3914381782.0 exactly, not the 3914381782.0000005 binary floating point would make of it.
    Foreign currency is not converted (a registry capital of '100万美元' stays None rather than
    a wrong number in yuan)."""
    if text is None:
        return None
    if isinstance(text, int | float) and not isinstance(text, bool):
        return float(text)
    s = str(text).strip().replace("，", ",")
    if not s or any(cur in s for cur in ("美元", "USD", "港元", "港币", "欧元", "日元")):
        return None
    m = _NUMBER.search(s)
    if not m:
        return None
    value = Decimal(m.group(0).replace(",", ""))
    rest = s[m.end() : m.end() + 2]
    for unit, factor in _UNIT.items():
        if rest.startswith(unit):
            value *= factor
            break
    return float(value.quantize(_FEN, rounding=ROUND_HALF_UP))


# Seconds since 1970 for 1900-01-01 and for "far future" (year 2100); anything in between is a
# plausible second count, anything past is milliseconds.
_FAR_PAST_S = -2_208_988_800
_FAR_FUTURE_S = 4_102_444_800


def epoch_datetime(value: Any) -> dt.datetime | None:
    """An epoch number (int, float or digit string; seconds or milliseconds, negative before 1970)
    → an aware UTC datetime; None when it is not one.

    `pipelines.dates.parse_date` only takes epochs of recent years (timestamps of posts); a founding
    date can be any year since 1900 — 天眼查 sends `estiblishTime` of a 1993 company as 12-digit
    milliseconds. A value whose reading in seconds falls between 1900 and 2100 is seconds, anything
    larger in size milliseconds: every millisecond count after 1970-02-17 (or before 1969-12-07) is
    too large to be seconds in that range, so only a date within those few weeks around
    1970-01-01 would be misread."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        if not re.fullmatch(r"-?\d+(?:\.\d+)?", value.strip()):
            return None
        value = float(value.strip())
    if not isinstance(value, int | float) or value != value:
        return None
    seconds = float(value)
    if not _FAR_PAST_S <= seconds <= _FAR_FUTURE_S:
        seconds /= 1000.0
        if not _FAR_PAST_S <= seconds <= _FAR_FUTURE_S:
            return None
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)


def price_range(text: str | None) -> tuple[float | None, float | None]:
    """'¥3000-¥8000/月' → (3000.0, 8000.0); '¥5000/月' → (5000.0, 5000.0)."""
    if not text:
        return None, None
    parts = [money_cny(p) for p in re.split(r"[-~—至]", text) if _NUMBER.search(p)]
    parts = [p for p in parts if p is not None]
    if not parts:
        return None, None
    return min(parts), max(parts)


def int_in(text: Any) -> int | None:
    """The first integer in a text ('已有1,234家在用' → 1234), or the int itself; None when none."""
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text
    if isinstance(text, float):
        return int(text)
    m = re.search(r"-?\d[\d,]*", str(text))
    return int(m.group(0).replace(",", "")) if m else None


_BLOCKS = {
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "tr",
    "figure",
    "section",
}


def html_text(fragment: str | None) -> str:
    """HTML content → plain text, one line per paragraph. Entities are decoded once by the parser;
    anything still escaped (sites double-escape) is left for `pipelines.text.normalize`.

    BeautifulSoup reads what users paste into an answer as a browser would (unclosed <p>, stray end
    tags, <br> runs); a line break goes around every block element, so paragraphs stay paragraphs
    where a plain text() would glue them together."""
    if not fragment or not fragment.strip():
        return ""
    with warnings.catch_warnings():
        # A one-line answer that is only a link looks like a URL to bs4, which says so; it is text.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(fragment, "lxml")
    for bad in soup(["script", "style"]):
        bad.decompose()
    for block in soup.find_all(_BLOCKS):
        block.insert_before("\n")
        block.insert_after("\n")
    lines = (line.strip() for line in soup.get_text().split("\n"))
    return "\n".join(line for line in lines if line)


def body_text(response) -> str:
    """The body as text: Scrapy's decoding (Content-Type charset, BOM, then <meta>) for a text
    response, UTF-8 for anything else — JSON APIs sometimes come as application/octet-stream."""
    text = getattr(response, "text", None)
    if isinstance(text, str):
        return text
    return response.body.decode("utf-8", "replace")


def complete_html(response) -> None:
    """A page cut off in transit has no closing </html>; reading it would silently lose the end."""
    if b"</html>" not in response.body[-4096:].lower():
        raise PageError("truncated", "no </html>")


def json_of(response, *, what: str = "json") -> Any:
    """A JSON API's answer: the body decoded as `body_text` does, parsed as `load_json` does."""
    return load_json(body_text(response), what=what)


def load_json(body: bytes | str, *, what: str = "json") -> Any:
    """Parse a JSON body; an empty, cut-off or non-JSON body raises PageError."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if not text.strip():
        raise PageError("empty_body", what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        # Cut off in transit: the parser ran out of text, or out of text inside a string.
        ran_out = exc.pos >= len(text.rstrip()) - 1 or exc.msg.startswith("Unterminated string")
        reason = "truncated" if ran_out else "malformed_json"
        raise PageError(reason, f"{what}: {exc.msg} at {exc.pos}") from None


_JSONP = re.compile(r"^\s*(?:/\*\*/)?\s*[A-Za-z_$][\w$.]*\s*\((?P<body>.*)\)\s*;?\s*$", re.S)


def load_jsonp(body: bytes | str) -> Any:
    """`callback({...});` → the object, by stripping the call and parsing JSON (never eval)."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    m = _JSONP.match(text)
    if m is None:
        stripped = text.strip()
        if re.match(r"^[A-Za-z_$][\w$.]*\s*\(", stripped):
            raise PageError("truncated", "jsonp call not closed")
        if stripped.startswith("{"):
            return load_json(stripped, what="jsonp")  # some endpoints drop the callback
        raise PageError("malformed_jsonp", stripped[:40])
    return load_json(m.group("body"), what="jsonp")


def dig(obj: Any, *path: str | int) -> Any:
    """obj['a'][0]['b'] with None for anything missing or of the wrong type along the way."""
    for key in path:
        if isinstance(key, int):
            if not isinstance(obj, list) or not -len(obj) <= key < len(obj):
                return None
            obj = obj[key]
        elif isinstance(obj, dict):
            obj = obj.get(key)
        else:
            return None
    return obj


def text_of(sel) -> str:
    """The visible text of a selection, its pieces joined by single spaces."""
    return " ".join(t.strip() for t in sel.css("::text").getall() if t.strip())


def first_text(sel) -> str:
    """The text of the first element of a selection ('' when empty): pages repeat a brand in the
    header, the body and the footer."""
    return text_of(sel[0]) if sel else ""
