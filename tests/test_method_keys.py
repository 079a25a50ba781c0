"""Method keys change with the code and models a layer's output depends on, and with nothing else."""

from __future__ import annotations

import shutil

import pytest

from incremental_build import method_keys
from incremental_build.method_keys import LOGIC_PACKAGES, PROJECT_ROOT, clean_key, marts_key


@pytest.fixture
def project(tmp_path):
    """A copy of the logic packages (and of cli/, which no key may depend on) to edit freely."""
    for package in (*LOGIC_PACKAGES, "cli"):
        shutil.copytree(
            PROJECT_ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    return tmp_path


def _keys(root):
    return clean_key(root), marts_key(root)


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_copy_has_the_keys_of_the_original(project):
    assert _keys(project) == _keys(PROJECT_ROOT)


def test_comments_and_docstrings_change_no_key(project):
    before = _keys(project)
    text = project / "pipelines" / "text.py"
    _edit(text, "def normalize(", "# a comment a maintainer added\n\n\ndef normalize(")
    source = text.read_text(encoding="utf-8")
    doc_start = source.index('"""', source.index("def normalize("))
    text.write_text(source[: doc_start + 3] + "Reworded. " + source[doc_start + 3 :], encoding="utf-8")
    scores = project / "reputation" / "scores.py"
    _edit(scores, '"""', '"""A new first sentence for the module docstring. ')
    assert _keys(project) == before


def test_an_edit_outside_the_logic_rebuilds_nothing(project):
    before = _keys(project)
    for path in (project / "cli").rglob("*.py"):
        path.write_text(path.read_text(encoding="utf-8") + "\nCHANGED = 1\n", encoding="utf-8")
    assert _keys(project) == before


def test_a_change_to_normalize_changes_both_keys(project):
    clean_before, marts_before = _keys(project)
    text = project / "pipelines" / "text.py"
    source = text.read_text(encoding="utf-8")
    # A real code change inside normalize: one more statement before its first return.
    at = source.index("    return ", source.index("def normalize("))
    text.write_text(source[:at] + "    text = text.strip()\n" + source[at:], encoding="utf-8")
    clean_after, marts_after = _keys(project)
    assert clean_after != clean_before
    assert marts_after != marts_before  # the marts read the texts clean makes


def test_a_scoring_change_changes_the_marts_key_only(project):
    clean_before, marts_before = _keys(project)
    scores = project / "reputation" / "scores.py"
    scores.write_text(scores.read_text(encoding="utf-8") + "\n_NEW_RULE = 2\n", encoding="utf-8")
    assert _keys(project) == (clean_before, _keys(project)[1])
    assert _keys(project)[1] != marts_before


def test_the_sentiment_model_is_part_of_both_keys(project):
    before = _keys(project)
    models = list((project / "pipelines" / "models").glob("*.gz"))
    assert models, "the sentiment model ships inside pipelines/models"
    with open(models[0], "ab") as fh:
        fh.write(b"\0")
    after = _keys(project)
    assert after[0] != before[0] and after[1] != before[1]


def test_the_code_cache_gives_the_same_keys(project, tmp_path):
    cache = tmp_path / "state" / method_keys.CODE_CACHE
    plain = _keys(project)
    assert (clean_key(project, cache), marts_key(project, cache)) == plain
    assert cache.exists()
    method_keys._code_digest.cache_clear()
    assert (clean_key(project, cache), marts_key(project, cache)) == plain
    assert method_keys._code_digest.cache_info().misses == 0, "every digest came from the cache file"
    # A stale entry (the file changed since) is not trusted.
    scores = project / "reputation" / "scores.py"
    scores.write_text(scores.read_text(encoding="utf-8") + "\n_NEW_RULE = 2\n", encoding="utf-8")
    assert marts_key(project, cache) == _keys(project)[1] != plain[1]
