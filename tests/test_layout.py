"""The reputation logic stays readable on its own: short functions, and an engine that uses only its
public names (#15)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_FUNCTION_LINES = 60


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).glob("*.py"))


def long_functions(path: Path, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    """`name (n lines)` of every function or method in the module longer than `limit` lines."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.name}:{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > limit
    ]


def private_imports(path: Path, package: str) -> list[str]:
    """`module.name` of every private name (`_x`) the module imports from `package`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == package:
            found += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            # `reputation.scores._x` or `scores._x` after `from reputation import scores`
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in _imported_from(path, package):
                found.append(f"{base.id}.{node.attr}")
    return found


def _imported_from(path: Path, package: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {
                (a.asname or a.name).split(".")[0] for a in node.names if a.name.split(".")[0] == package
            }
        elif isinstance(node, ast.ImportFrom) and node.module == package:
            names |= {a.asname or a.name for a in node.names}
    return names


def test_no_function_in_the_reputation_logic_is_longer_than_60_lines():
    too_long = [f for p in _modules("reputation") for f in long_functions(p)]
    assert not too_long, too_long


def test_the_build_engine_imports_only_public_names_of_the_reputation_logic():
    private = [
        f"{p.name}: {name}"
        for p in _modules("incremental_build")
        for name in private_imports(p, "reputation")
    ]
    assert not private, private


def test_the_checks_catch_what_they_look_for(tmp_path):
    # The two checks above must be able to fail: a long function and a private import are found.
    module = tmp_path / "m.py"
    body = "\n".join(f"    x{i} = {i}" for i in range(61))
    module.write_text(
        "from reputation.scores import _band\nfrom reputation import scores\n"
        f"def f():\n{body}\n\ndef g():\n    return scores._num(1)\n",
        encoding="utf-8",
    )
    assert long_functions(module) == ["m.py:f (62 lines)"]
    assert private_imports(module, "reputation") == ["reputation.scores._band", "scores._num"]
