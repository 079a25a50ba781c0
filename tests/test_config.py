"""A bad config is one line naming the file, the key and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.config import ConfigError, load_config, load_watchlist

GOOD_PROFILE = """
[kaopu]
profile = "p"
[profiles.p]
base_url = "http://127.0.0.1:9"
user_agent = "kaopu-test"
""" + "".join(
    f'[profiles.p.sources.{s}]\nbase_url = "{{base}}/{s}"\n'
    for s in ("market", "complaints", "forum", "articles", "registry", "cases")
)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kaopu.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_config_loads_both_profiles() -> None:
    sandbox = load_config(profile="sandbox", base_url="http://127.0.0.1:1234")
    assert (
        sandbox.profile().source("market").url("ser/list.htm") == "http://127.0.0.1:1234/market/ser/list.htm"
    )
    live = load_config(profile="live")
    assert live.profile().source("complaints").base_url == "https://tousu.sina.com.cn"
    assert live.profile().source("complaints").sign_key


def test_cookies_come_from_the_environment_only(monkeypatch) -> None:
    live = load_config(profile="live").profile().source("registry")
    monkeypatch.delenv("KAOPU_COOKIE_REGISTRY", raising=False)
    assert live.cookies() == {}
    monkeypatch.setenv("KAOPU_COOKIE_REGISTRY", "auth_token=abc; tyc-user=1")
    assert live.cookies() == {"auth_token": "abc", "tyc-user": "1"}


def test_data_dir_from_argument_then_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KAOPU_DATA", str(tmp_path / "env"))
    assert load_config().data_dir == tmp_path / "env"
    assert load_config(data=tmp_path / "arg").data_dir == tmp_path / "arg"


def test_config_file_from_environment(tmp_path: Path, monkeypatch) -> None:
    path = _write(tmp_path, GOOD_PROFILE)
    monkeypatch.setenv("KAOPU_CONFIG", str(path))
    assert load_config().profile_name == "p"


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ("[kaopu\nprofile=", "(syntax)", "valid TOML"),
        (GOOD_PROFILE.replace('profile = "p"', 'profile = "nope"'), "kaopu.profile", "one of ['p']"),
        (GOOD_PROFILE + "concurrency = 0\n", "profiles.p.sources.cases.concurrency", "an integer ≥ 1"),
        (
            GOOD_PROFILE.replace('user_agent = "kaopu-test"', 'user_agent = ""'),
            "profiles.p.user_agent",
            "User-Agent",
        ),
        (
            GOOD_PROFILE.replace('base_url = "http://127.0.0.1:9"', 'base_url = "ftp://x"'),
            "profiles.p.base_url",
            "an http(s) URL",
        ),
        (
            GOOD_PROFILE + "[profiles.p.sources.shop]\nbase_url='http://x'\n",
            "profiles.p.sources.shop",
            "a source named",
        ),
        (
            GOOD_PROFILE.replace(
                '[profiles.p.sources.market]\nbase_url = "{base}/market"',
                '[profiles.p.sources.market]\nbase_url = "{base}/market"\ncookie_env = "my cookie"',
            ),
            "profiles.p.sources.market.cookie_env",
            "environment variable",
        ),
        (
            GOOD_PROFILE.replace('profile = "p"', 'profile = "p"\nlog_level = "LOUD"'),
            "kaopu.log_level",
            "DEBUG",
        ),
    ],
)
def test_bad_config_names_file_key_and_expectation(
    tmp_path: Path, text: str, key: str, expected: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert err.value.key == key
    assert expected in message


def test_a_source_without_a_table_is_off_not_an_error(tmp_path: Path, capsys) -> None:
    """A kaopu.toml written before a source existed keeps working: that source is simply off, and
    crawling it alone says why in one line instead of failing to load the whole file."""
    from spiders import run

    path = _write(
        tmp_path, GOOD_PROFILE.replace('[profiles.p.sources.cases]\nbase_url = "{base}/cases"\n', "")
    )
    profile = load_config(path).profile()
    cases = profile.source("cases")
    assert (cases.enabled, cases.configured) == (False, False)
    market = profile.source("market")
    assert (market.enabled, market.configured) == (True, True)
    assert market.url("ser/list.htm") == "http://127.0.0.1:9/market/ser/list.htm"

    code = run.main(["cases", "--config", str(path), "--data", str(tmp_path / "data")])
    assert code == run.EXIT_CONFIG
    err = capsys.readouterr().err.strip()
    assert err.endswith("no [profiles.p.sources.cases] table: the source is off"), err
    assert not (tmp_path / "data" / "raw").exists()


def test_missing_config_file_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="an existing TOML file") as err:
        load_config(tmp_path / "absent.toml")
    assert str(err.value).startswith("--config ")


@pytest.mark.parametrize(
    ("text", "key", "hint"),
    [
        (
            GOOD_PROFILE.replace('user_agent = "kaopu-test"', 'user_agent = "t"\nconcurency = 2'),
            "profiles.p.concurency",
            "'concurrency'",
        ),
        (
            GOOD_PROFILE.replace(
                "[profiles.p.sources.cases]\n", "[profiles.p.sources.cases]\npage_sise = 5\n"
            ),
            "profiles.p.sources.cases.page_sise",
            "'page_size'",
        ),
        (
            GOOD_PROFILE.replace('profile = "p"', 'profile = "p"\nlog_levle = "INFO"'),
            "kaopu.log_levle",
            "'log_level'",
        ),
        ("[profile]\nx = 1\n" + GOOD_PROFILE, "profile", "'profiles'"),
    ],
)
def test_a_misspelt_key_is_refused_with_the_nearest_known_one(
    tmp_path: Path, text: str, key: str, hint: str
) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(_write(tmp_path, text))
    assert err.value.key == key
    assert f"did you mean {hint}?" in str(err.value)


def test_every_key_the_shipped_config_uses_is_known() -> None:
    # Both shipped profiles parse: the derived key sets cover every key kaopu.toml uses.
    load_config(profile="sandbox")
    load_config(profile="live")


@pytest.mark.parametrize(("env", "option"), [(False, "--profile"), (True, "$KAOPU_PROFILE")])
def test_an_unknown_profile_blames_the_option_or_variable_that_named_it(
    tmp_path: Path, monkeypatch, env: bool, option: str
) -> None:
    path = _write(tmp_path, GOOD_PROFILE)
    if env:
        monkeypatch.setenv("KAOPU_PROFILE", "nosuch")
    with pytest.raises(ConfigError) as err:
        load_config(path, profile=None if env else "nosuch")
    assert str(err.value).startswith(f"{option} 'nosuch': expected")
    assert "p" in str(err.value)


def test_a_data_option_naming_a_file_says_so(tmp_path: Path) -> None:
    a_file = tmp_path / "not-a-dir"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(data=a_file)
    assert str(err.value).startswith("--data ") and "this is a file" in str(err.value)


def test_a_huge_value_is_not_echoed_whole(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD_PROFILE.replace('profile = "p"', f'profile = "{"长" * 10_000}"'))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert len(str(err.value)) < 300 and "10000 characters" in str(err.value)


def test_watchlist_parses_names_and_aliases(tmp_path: Path) -> None:
    path = tmp_path / "providers.toml"
    path.write_text(
        '[[provider]]\nname = "火蝠电商"\nlegal_name = "杭州火蝠电子商务有限公司"\naliases = ["火蝠"]\n'
        '[[provider]]\nid = "other"\nname = "别家代运营"\n',
        encoding="utf-8",
    )
    providers = load_watchlist(path)
    assert [p.id for p in providers] == ["火蝠电商", "other"]
    assert providers[0].all_names() == ["火蝠电商", "杭州火蝠电子商务有限公司", "火蝠"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[[provider]]\naliases = ["x"]\n', "provider[0].name"),
        ('[[provider]]\nname = "a"\naliases = "x"\n', "provider[0].aliases"),
        ('[[provider]]\nname = "a"\n[[provider]]\nname = "a"\n', "provider[1].id"),
        ('[[provider]]\nname = "a"\nid = "../x"\n', "provider[0].id"),
        ("provider = 3\n", "provider"),
    ],
)
def test_bad_watchlist_names_the_entry(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "providers.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_watchlist(path)
    assert err.value.key == key
