"""Configuration: `kaopu.toml` (source profiles) and the watch list `data/providers.toml`.

A source profile is everything site-specific a spider needs — base URL, cookies, headers, concurrency,
delay, paging caps, signature key — so pointing the spiders at the sandbox or at the live hosts is a
config change, never a code change. Cookies are never stored in a file: a profile names the environment
variable that holds them.

Every mistake in a config file is reported as one line naming the file, the key and what was expected
(`ConfigError`); the CLI prints it and exits with code 2.
"""

from __future__ import annotations

import difflib
import os
import shutil
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from pipelines.contracts import SOURCES
from pipelines.storage import DataTree, slugify

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CONFIG = REPO_ROOT / "kaopu.toml"
EXAMPLE_WATCHLIST = REPO_ROOT / "data" / "providers.toml"


ECHO_LIMIT = 80  # characters of a user's value repeated in a message; a 10 kB value is not echoed whole


def clip(text: str, limit: int = ECHO_LIMIT, length: int | None = None) -> str:
    """`text` cut to about `limit` characters, saying how long it was, for error messages."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}… ({length or len(text)} characters)"


def bounded(value: Any, limit: int = ECHO_LIMIT) -> str:
    """`repr(value)` cut like `clip`: what a message shows of a value the user gave."""
    return clip(repr(value), limit, len(value) if isinstance(value, str) else None)


class ConfigError(Exception):
    """A config problem, phrased as one line: `file: key: expected …, got …`."""

    def __init__(self, file: str | os.PathLike[str] | None, key: str, expected: str, got: Any = None):
        self.file = str(file) if file else "<defaults>"
        self.key = key
        self.expected = expected
        got_txt = "" if got is None else f", got {bounded(got)}"
        super().__init__(f"{self.file}: {key}: expected {expected}{got_txt}")


class OptionError(ConfigError):
    """A bad value that came from a command-line option or an environment variable, not the file:
    the message blames `--profile` or `$KAOPU_PROFILE`, not kaopu.toml."""

    def __init__(self, option: str, expected: str, got: Any = None):
        Exception.__init__(self, f"{option} {bounded(got)}: expected {expected}")
        self.file, self.key, self.expected = option, option, expected


@dataclass(frozen=True)
class SourceProfile:
    name: str
    base_url: str
    concurrency: int = 8
    delay: float = 0.0
    max_pages: int = 1000
    page_size: int = 20
    cookie_env: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    endpoints: dict[str, str] = field(default_factory=dict)
    sign_key: str | None = None
    enabled: bool = True
    # False for a source the profile has no table for: it is off, so a kaopu.toml written before a
    # source was added keeps working (the source is crawled once the user gives it a table).
    configured: bool = True
    # The circuit breaker: stop the source after this many block/captcha/login-wall pages.
    block_limit: int = 3
    # Politeness cap: at most this many requests to the source per UTC day (0: no cap).
    daily_requests: int = 0
    # Why the source cannot be crawled at all with this profile (e.g. a missing signer); "" if it can.
    unsupported: str = ""
    # Generic queries a search-only source runs in a full crawl besides provider names (e.g. 代运营),
    # for stories that name no agency a listing knows (spiders/discovery.py).
    search_terms: tuple[str, ...] = ()

    def cookies(self) -> dict[str, str]:
        """Cookies from the environment variable the profile names (`k=v; k2=v2`), never from a file."""
        if not self.cookie_env:
            return {}
        raw = os.environ.get(self.cookie_env, "")
        jar: dict[str, str] = {}
        for part in raw.split(";"):
            if "=" in part:
                k, v = part.split("=", 1)
                if k.strip():
                    jar[k.strip()] = v.strip()
        return jar

    def url(self, path: str) -> str:
        """Join a path onto the source's base URL, or use an endpoint override if one is named."""
        if path in self.endpoints:
            return self.endpoints[path]
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")


@dataclass(frozen=True)
class Profile:
    name: str
    base_url: str
    user_agent: str
    obey_robots: bool = True
    autothrottle: bool = True
    download_maxsize: int = 5_000_000
    download_timeout: float = 30.0
    retry_times: int = 4
    http_cache: bool = False
    sources: dict[str, SourceProfile] = field(default_factory=dict)

    def source(self, name: str) -> SourceProfile:
        if name not in self.sources:
            raise ConfigError(None, f"profiles.{self.name}.sources.{name}", "a source profile")
        return self.sources[name]


@dataclass(frozen=True)
class Config:
    path: Path | None
    profile_name: str
    data_dir: Path
    profiles: dict[str, Profile]
    log_level: str = "WARNING"

    @property
    def tree(self) -> DataTree:
        return DataTree(self.data_dir)

    def profile(self, name: str | None = None) -> Profile:
        name = name or self.profile_name
        if name not in self.profiles:
            raise ConfigError(self.path, "kaopu.profile", f"one of {sorted(self.profiles)}", name)
        return self.profiles[name]


# ---------------------------------------------------------------------------------------------
# The keys a file may use, derived from the dataclasses above so a new setting is a one-line field.

TOP_KEYS = frozenset({"kaopu", "profiles"})
MAIN_KEYS = frozenset({"profile", "data", "log_level"})
# Keys a profile may set for all its sources at once (a source's own value wins).
SOURCE_DEFAULTS = ("concurrency", "delay", "max_pages")
SOURCE_KEYS = frozenset(f.name for f in fields(SourceProfile)) - {"name"}
PROFILE_KEYS = (frozenset(f.name for f in fields(Profile)) - {"name"}) | set(SOURCE_DEFAULTS)


def _reject_unknown(doc: dict[str, Any], known: frozenset[str], file: Path | None, prefix: str) -> None:
    """A misspelt key (`concurency`) would otherwise be ignored in silence and its default used."""
    for key in doc:
        if key not in known:
            near = difflib.get_close_matches(str(key), sorted(known), n=1)
            hint = f"did you mean {near[0]!r}?" if near else f"one of {', '.join(sorted(known))}"
            full = f"{prefix}.{key}" if prefix else str(key)
            raise ConfigError(file, clip(full), f"a known key ({hint})")


# ---------------------------------------------------------------------------------------------


def find_config_file(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--config, then $KAOPU_CONFIG, then ./kaopu.toml, then the one that ships with kaopu."""
    for option, candidate in (("--config", explicit), ("$KAOPU_CONFIG", os.environ.get("KAOPU_CONFIG"))):
        if candidate:
            path = Path(candidate).expanduser()
            if not path.is_file():
                raise OptionError(option, "an existing TOML file", str(candidate))
            return path
    local = Path.cwd() / "kaopu.toml"
    return local if local.is_file() else DEFAULT_CONFIG


def load_config(
    path: str | os.PathLike[str] | None = None,
    *,
    data: str | os.PathLike[str] | None = None,
    profile: str | None = None,
    base_url: str | None = None,
) -> Config:
    """Read and validate the config. `data` (--data / $KAOPU_DATA) moves the data tree; `base_url`
    replaces the active profile's `{base}` (the demo uses it for the port it started the sandbox on)."""
    file = find_config_file(path)
    try:
        with open(file, "rb") as fh:
            doc = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(file, "(syntax)", "valid TOML", str(exc)) from None
    except OSError as exc:
        raise ConfigError(file, "(file)", "a readable file", exc.strerror) from None
    return parse_config(doc, file, data=data, profile=profile, base_url=base_url)


def parse_config(
    doc: dict[str, Any],
    file: Path | None,
    *,
    data: str | os.PathLike[str] | None = None,
    profile: str | None = None,
    base_url: str | None = None,
) -> Config:
    _reject_unknown(doc, TOP_KEYS, file, "")
    main = _table(doc, "kaopu", file, required=False)
    _reject_unknown(main, MAIN_KEYS, file, "kaopu")
    # Each setting remembers where it came from, so a bad value blames the flag, variable or file key.
    profile_from, profile_name = _first(
        ("--profile", profile),
        ("$KAOPU_PROFILE", os.environ.get("KAOPU_PROFILE")),
        (None, _str(main, "profile", file, "kaopu", "sandbox")),
    )
    data_from, data_setting = _first(
        ("--data", data),
        ("$KAOPU_DATA", os.environ.get("KAOPU_DATA")),
        (None, _str(main, "data", file, "kaopu", "data")),
    )
    data_dir = Path(data_setting).expanduser()
    if not data_dir.is_absolute():
        # Relative to where the user runs kaopu, like any other path argument.
        data_dir = Path.cwd() / data_dir
    if data_dir.exists() and not data_dir.is_dir():
        expected = "a directory for the data tree (this is a file)"
        if data_from:
            raise OptionError(data_from, expected, str(data_setting))
        raise ConfigError(file, "kaopu.data", expected, str(data_setting))
    log_level = _str(main, "log_level", file, "kaopu", "WARNING").upper()
    if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ConfigError(file, "kaopu.log_level", "DEBUG, INFO, WARNING or ERROR", log_level)

    profiles_doc = _table(doc, "profiles", file)
    profiles: dict[str, Profile] = {}
    for pname, pdoc in profiles_doc.items():
        key = f"profiles.{pname}"
        if not isinstance(pdoc, dict):
            raise ConfigError(file, key, "a table", pdoc)
        override = base_url if pname == profile_name else None
        profiles[pname] = _parse_profile(pname, pdoc, file, override)
    if profile_name not in profiles:
        if profile_from:
            expected = f"one of {', '.join(sorted(profiles))} (the profiles in {file})"
            raise OptionError(profile_from, expected, profile_name)
        raise ConfigError(file, "kaopu.profile", f"one of {sorted(profiles)}", profile_name)
    return Config(
        path=file, profile_name=profile_name, data_dir=data_dir, profiles=profiles, log_level=log_level
    )


def _first(*candidates: tuple[str | None, Any]) -> tuple[str | None, Any]:
    """The first set value and where it came from (None: the config file)."""
    for origin, value in candidates:
        if value:
            return origin, value
    return candidates[-1]


def _parse_profile(name: str, doc: dict[str, Any], file: Path | None, base_override: str | None) -> Profile:
    key = f"profiles.{name}"
    _reject_unknown(doc, PROFILE_KEYS, file, key)
    base = (
        base_override or os.environ.get(f"KAOPU_{name.upper()}_URL") or _str(doc, "base_url", file, key, "")
    )
    if base and not base.startswith(("http://", "https://")):
        raise ConfigError(file, f"{key}.base_url", "an http(s) URL", base)
    user_agent = _str(doc, "user_agent", file, key, "")
    if not user_agent.strip():
        raise ConfigError(file, f"{key}.user_agent", "a non-empty User-Agent that identifies kaopu")
    defaults = {
        "concurrency": _int(doc, "concurrency", file, key, 8, minimum=1),
        "delay": _float(doc, "delay", file, key, 0.0, minimum=0.0),
        "max_pages": _int(doc, "max_pages", file, key, 1000, minimum=1),
    }
    sources_doc = _table(doc, "sources", file, prefix=key)
    sources: dict[str, SourceProfile] = {}
    for sname, sdoc in sources_doc.items():
        skey = f"{key}.sources.{sname}"
        if sname not in SOURCES:
            raise ConfigError(file, skey, f"a source named one of {', '.join(SOURCES)}", sname)
        if not isinstance(sdoc, dict):
            raise ConfigError(file, skey, "a table", sdoc)
        _reject_unknown(sdoc, SOURCE_KEYS, file, skey)
        raw_url = _str(sdoc, "base_url", file, skey, "")
        if not raw_url:
            raise ConfigError(file, f"{skey}.base_url", "a URL (may use {base})")
        if "{base}" in raw_url and not base:
            raise ConfigError(file, f"{key}.base_url", "a URL, because sources use {base}")
        url = raw_url.replace("{base}", base.rstrip("/"))
        if not url.startswith(("http://", "https://")):
            raise ConfigError(file, f"{skey}.base_url", "an http(s) URL", url)
        headers = _str_dict(sdoc, "headers", file, skey)
        endpoints = {
            k: v.replace("{base}", base.rstrip("/"))
            for k, v in _str_dict(sdoc, "endpoints", file, skey).items()
        }
        cookie_env = sdoc.get("cookie_env")
        if cookie_env is not None and (not isinstance(cookie_env, str) or not cookie_env.isidentifier()):
            raise ConfigError(file, f"{skey}.cookie_env", "the name of an environment variable", cookie_env)
        sign_key = sdoc.get("sign_key")
        if sign_key is not None and not isinstance(sign_key, str):
            raise ConfigError(file, f"{skey}.sign_key", "a string", sign_key)
        sources[sname] = SourceProfile(
            name=sname,
            base_url=url,
            concurrency=_int(sdoc, "concurrency", file, skey, defaults["concurrency"], minimum=1),
            delay=_float(sdoc, "delay", file, skey, defaults["delay"], minimum=0.0),
            max_pages=_int(sdoc, "max_pages", file, skey, defaults["max_pages"], minimum=1),
            page_size=_int(sdoc, "page_size", file, skey, 20, minimum=1),
            cookie_env=cookie_env,
            headers=headers,
            endpoints=endpoints,
            sign_key=sign_key,
            enabled=_bool(sdoc, "enabled", file, skey, True),
            block_limit=_int(sdoc, "block_limit", file, skey, 3, minimum=1),
            daily_requests=_int(sdoc, "daily_requests", file, skey, 0, minimum=0),
            unsupported=_str(sdoc, "unsupported", file, skey, ""),
            search_terms=_str_list(sdoc, "search_terms", file, skey),
        )
    for sname in SOURCES:
        if sname not in sources:
            sources[sname] = SourceProfile(name=sname, base_url="", enabled=False, configured=False)
    return Profile(
        name=name,
        base_url=base,
        user_agent=user_agent,
        obey_robots=_bool(doc, "obey_robots", file, key, True),
        autothrottle=_bool(doc, "autothrottle", file, key, True),
        download_maxsize=_int(doc, "download_maxsize", file, key, 5_000_000, minimum=1024),
        download_timeout=_float(doc, "download_timeout", file, key, 30.0, minimum=0.1),
        retry_times=_int(doc, "retry_times", file, key, 4, minimum=0),
        http_cache=_bool(doc, "http_cache", file, key, False),
        sources=sources,
    )


# -- small typed getters, each raising a ConfigError that names the key -----------------------


def _table(
    doc: dict[str, Any], name: str, file: Path | None, required: bool = True, prefix: str = ""
) -> dict:
    full = f"{prefix}.{name}" if prefix else name
    value = doc.get(name)
    if value is None:
        if required:
            raise ConfigError(file, full, "a table")
        return {}
    if not isinstance(value, dict):
        raise ConfigError(file, full, "a table", value)
    return value


def _str(doc: dict, name: str, file: Path | None, prefix: str, default: str) -> str:
    value = doc.get(name, default)
    if not isinstance(value, str):
        raise ConfigError(file, f"{prefix}.{name}", "a string", value)
    return value


def _int(doc: dict, name: str, file: Path | None, prefix: str, default: int, minimum: int) -> int:
    value = doc.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(file, f"{prefix}.{name}", f"an integer ≥ {minimum}", value)
    return value


def _float(doc: dict, name: str, file: Path | None, prefix: str, default: float, minimum: float) -> float:
    value = doc.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise ConfigError(file, f"{prefix}.{name}", f"a number ≥ {minimum}", value)
    return float(value)


def _bool(doc: dict, name: str, file: Path | None, prefix: str, default: bool) -> bool:
    value = doc.get(name, default)
    if not isinstance(value, bool):
        raise ConfigError(file, f"{prefix}.{name}", "true or false", value)
    return value


def _str_list(doc: dict, name: str, file: Path | None, prefix: str) -> tuple[str, ...]:
    value = doc.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(file, f"{prefix}.{name}", "a list of non-empty strings", value)
    return tuple(v.strip() for v in value)


def _str_dict(doc: dict, name: str, file: Path | None, prefix: str) -> dict[str, str]:
    value = doc.get(name, {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(file, f"{prefix}.{name}", "a table of strings", value)
    return dict(value)


# ---------------------------------------------------------------------------------------------
# The watch list
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WatchedProvider:
    id: str
    name: str
    legal_name: str | None
    aliases: tuple[str, ...]

    def all_names(self) -> list[str]:
        names = [self.name, *(n for n in (self.legal_name,) if n), *self.aliases]
        return list(dict.fromkeys(names))

    def as_entry(self) -> dict[str, Any]:
        """The dict shape `pipelines.providers.ProviderIndex` takes."""
        return {
            "id": self.id,
            "name": self.name,
            "legal_name": self.legal_name,
            "aliases": list(self.aliases),
        }


def ensure_watchlist(tree: DataTree) -> Path:
    """A data tree without a watch list gets a copy of the example, so the first run works."""
    path = tree.providers_file
    if not path.exists() and EXAMPLE_WATCHLIST.exists() and EXAMPLE_WATCHLIST.resolve() != path.resolve():
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(EXAMPLE_WATCHLIST, path)
    return path


def load_watchlist(path: str | os.PathLike[str]) -> list[WatchedProvider]:
    """Parse `providers.toml`: `[[provider]]` tables with `name`, optional `id`, `legal_name`, `aliases`."""
    file = Path(path)
    if not file.exists():
        return []
    try:
        with open(file, "rb") as fh:
            doc = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(file, "(syntax)", "valid TOML", str(exc)) from None
    entries = doc.get("provider", [])
    if not isinstance(entries, list):
        raise ConfigError(file, "provider", "an array of tables ([[provider]])", entries)
    out: list[WatchedProvider] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        key = f"provider[{i}]"
        if not isinstance(entry, dict):
            raise ConfigError(file, key, "a table", entry)
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(file, f"{key}.name", "a non-empty string", name)
        legal = entry.get("legal_name")
        if legal is not None and not isinstance(legal, str):
            raise ConfigError(file, f"{key}.legal_name", "a string", legal)
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise ConfigError(file, f"{key}.aliases", "a list of non-empty strings", aliases)
        pid = entry.get("id")
        if pid is not None and (not isinstance(pid, str) or slugify(pid) != pid):
            raise ConfigError(file, f"{key}.id", f"a slug like {slugify(str(pid))!r}", pid)
        pid = pid or slugify(name.strip())
        if pid in seen:
            raise ConfigError(file, f"{key}.id", f"an id not already used by provider[{seen[pid]}]", pid)
        seen[pid] = i
        out.append(
            WatchedProvider(
                pid, name.strip(), legal.strip() if legal else None, tuple(a.strip() for a in aliases)
            )
        )
    return out
