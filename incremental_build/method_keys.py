"""Method keys: a digest of everything a layer's output depends on besides its input data.

DESIGN's first principle is that raw is the source of truth and a better method reaches old evidence.
So each layer remembers the key of the method that wrote it, and a build whose key differs redoes the
layer from its inputs: the clean layer re-reads every raw file, the marts recompute every provider.

A key hashes, for the module a layer runs (`incremental_build.clean`, `incremental_build.marts`), the
code of every module it imports within kaopu's own logic packages (`pipelines`, `reputation`,
`incremental_build`), followed import by import, and the data files those packages ship (the sentiment
model's `.gz` among them). Code is hashed as its syntax tree without docstrings, so a comment or a
docstring edit changes nothing; `cli/`, `report/`, `flows/` and `spiders/` are never reached, so an
edit there rebuilds nothing. The marts key includes the clean key: the marts read texts the clean code
made, and their per-provider fingerprints stand for a text by its length and sentiment.

The config that matters is not here but beside the key where it is read: the watch list (clean) and
the schema version (both).
"""

from __future__ import annotations

import ast
import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path

import pipelines
from pipelines import contracts
from pipelines.storage import read_json_state, write_json_atomic

# The packages whose code is the method. Everything else kaopu has is around the build, not in it.
LOGIC_PACKAGES = ("pipelines", "reputation", "incremental_build")
# Files shipped inside those packages that code reads at run time (models, lexicons).
DATA_SUFFIXES = (".gz", ".json", ".txt", ".tsv", ".csv")

PROJECT_ROOT = Path(pipelines.__file__).resolve().parent.parent
# The build state file that keeps each module's code digest by the content hash of its file.
CODE_CACHE = "method-code.json"


def clean_key(root: Path = PROJECT_ROOT, cache: Path | None = None) -> str:
    """What the clean tables depend on besides raw and the watch list.

    `cache`: a JSON file keeping each source file's digest by its content hash (parsing the ~40
    modules takes ~1 s, hashing their bytes ~5 ms): the build keeps one in its state."""
    return _key(root, ["incremental_build.clean"], "clean", cache)


def marts_key(root: Path = PROJECT_ROOT, cache: Path | None = None) -> str:
    """What the marts depend on besides the clean tables and the watch list (the clean key included)."""
    return _key(root, ["incremental_build.marts"], "marts:" + clean_key(root, cache), cache)


def _key(root: Path, entry_modules: list[str], salt: str, cache: Path | None) -> str:
    stored = read_json_state(cache) if cache is not None else {}
    known = dict(stored)
    h = hashlib.sha256(f"{salt}\x00schema={contracts.SCHEMA_VERSION}".encode())
    digests = module_digests(root, entry_modules, known)
    if cache is not None and known != stored:
        write_json_atomic(cache, known)
    for name, digest in sorted(digests.items()):
        h.update(f"\x00{name}={digest}".encode())
    for rel, digest in _data_digests(root):
        h.update(f"\x00{rel}={digest}".encode())
    return h.hexdigest()[:32]


def module_digests(root: Path, entry_modules: Iterable[str], known: dict[str, list]) -> dict[str, str]:
    """module name → digest of its code, for the entry modules and every logic module they import
    (at top level or inside a function: either runs in the build). `known`: module name → [content
    hash of its file, code digest, imports], used where the content hash still fits, updated where not."""
    seen: dict[str, str] = {}
    todo = list(entry_modules)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = _module_file(root, name)
        if path is None:
            continue
        source = path.read_bytes()
        content = hashlib.sha256(source).hexdigest()
        entry = known.get(name)
        if not (isinstance(entry, list) and len(entry) == 3 and entry[0] == content):
            digest, imports = _code_digest(source, _package_of(path))
            entry = known[name] = [content, digest, list(imports)]
        seen[name] = entry[1]
        todo.extend(m for m in entry[2] if m.split(".")[0] in LOGIC_PACKAGES and m not in seen)
    return seen


def _stat(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_mtime_ns, st.st_size


def _module_file(root: Path, name: str) -> Path | None:
    base = root.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


@functools.lru_cache(maxsize=512)
def _code_digest(source: bytes, package: str) -> tuple[str, tuple[str, ...]]:
    """(digest of the code without docstrings, modules it imports). Cached per file content: a build
    asks for both keys, and a long-lived process (the Prefect server's worker) for every build."""
    tree = ast.parse(source)
    imports: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imports += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, package)
            if base:
                imports.append(base)
                # `from pkg import module` imports a module; `from module import name` a name (the
                # candidate that is not a file is skipped by the walk).
                imports += [f"{base}.{a.name}" for a in node.names]
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            _drop_docstring(node)
    return hashlib.sha256(ast.dump(tree).encode()).hexdigest(), tuple(imports)


def _package_of(path: Path) -> str:
    parts = []
    folder = path.parent
    while (folder / "__init__.py").is_file():
        parts.append(folder.name)
        folder = folder.parent
    return ".".join(reversed(parts))


def _absolute(module: str | None, level: int, package: str) -> str | None:
    if level == 0:
        return module
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    return ".".join([*base, *([module] if module else [])]) or None


def _drop_docstring(node: ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> None:
    body = node.body
    first = body[0] if body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        node.body = body[1:] or [ast.Pass()]


def _data_digests(root: Path) -> list[tuple[str, str]]:
    out = []
    for package in LOGIC_PACKAGES:
        folder = root / package
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix in DATA_SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                out.append((path.relative_to(root).as_posix(), _file_digest(path, *_stat(path))))
    return out


@functools.lru_cache(maxsize=64)
def _file_digest(path: Path, _mtime_ns: int, _size: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()
