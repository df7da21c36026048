"""The library keeps its rooms: no import cycles, no stage reaching into another, nothing grown too big.

These tests read the source (``ast``), so they see imports written inside
functions as well as those at module level.
"""

import ast
from pathlib import Path

import pytest

from stancebook.paths import repo_root

PACKAGE = repo_root() / "lib" / "stancebook"
STAGES = ("corpus", "tokenise", "topics", "stance")
MAX_FILE_LINES = 700
MAX_FUNCTION_LINES = 80  # lines of code, the docstring not counted


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _imports(path: Path) -> set[str]:
    """Every stancebook module ``path`` imports, at module level or inside functions."""
    module = _module_name(path)
    package = module if _is_package(path) else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "stancebook" or name.startswith("stancebook.")}


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The module an imported name lives in (``stancebook.stance.StanceClustering`` -> ``stancebook.stance``)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        targets = {_resolve(imported, modules) for imported in _imports(path)}
        graph[name] = {t for t in targets if t and t != name}
    return graph


def _stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def test_every_stage_is_a_package():
    for stage in STAGES:
        assert (PACKAGE / stage / "__init__.py").is_file(), f"stancebook.{stage} should be a package"
        assert (PACKAGE / stage / "plots.py").is_file(), f"stancebook.{stage} keeps its figures in plots.py"


def test_no_stage_package_imports_another_stage():
    offences = []
    for module, targets in _graph().items():
        here = _stage_of(module)
        for target in targets:
            there = _stage_of(target)
            if here and there and there != here:
                offences.append(f"{module} imports {target}")
    assert not offences, "stages read each other's artefacts through stancebook.catalog, never code:\n" + "\n".join(offences)


def test_shared_layers_import_no_stage():
    offences = [f"{module} imports {target}" for module, targets in _graph().items()
                if _stage_of(module) is None and module.count(".") >= 1
                and module.split(".")[1] not in ("runner", "report", "__main__")
                for target in targets if _stage_of(target)]
    assert not offences, "\n".join(offences)


def test_library_has_no_import_cycle():
    graph = _graph()
    # A package's __init__ re-exporting its own modules is not a cycle between rooms.
    def edges(module):
        return {t for t in graph[module] if not t.startswith(module + ".")}

    state: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(module):
        state[module] = 1
        stack.append(module)
        for target in sorted(edges(module)):
            if state.get(target) == 1:
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)




@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_library_file_is_at_most_700_lines(path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_FILE_LINES, f"{path.relative_to(PACKAGE)} has {n} lines: split it by job"


def _long_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = path.read_text(encoding="utf-8").splitlines()
    long = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant) \
                    and isinstance(first.value.value, str):
                length -= first.end_lineno - first.lineno + 1  # the docstring is reading, not code
            if length <= MAX_FUNCTION_LINES:
                continue
            body_start = node.body[0].lineno - 1
            docstring = ast.get_docstring(node) or ""
            head = "\n".join(lines[node.lineno - 1: body_start + 3]) + docstring
            if "must be long" not in head and "long because" not in head:
                long.append(f"{node.name} ({length} lines)")
    return long


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_long_functions_say_why(path):
    long = _long_functions(path)
    assert not long, (f"{path.relative_to(PACKAGE)}: functions over {MAX_FUNCTION_LINES} lines without a comment "
                      f"saying why they must be long: {long}")


def test_import_reader_sees_imports_inside_functions(tmp_path, monkeypatch):
    probe = PACKAGE / "stance" / "probe.py"
    source = "import os\n\n\ndef f():\n    from stancebook.tokenise import tokenise_corpus\n    from ..topics import x\n"
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: source)
    assert {"stancebook.tokenise", "stancebook.topics", "stancebook.topics.x"} <= _imports(probe)
