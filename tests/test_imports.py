"""The package's layering, read from the source with the standard library's ``ast``:

* no import cycles among gongkai's modules, counting every import (at the top or inside a function);
* imports at the top of modules: an import inside a function is a deliberate lazy import, for the
  start-up time of the ``gongkai`` command or for a heavy dependency few callers need, listed in
  :data:`LAZY` and said so in a ``# lazy: …`` comment above it;
* data flows one way: render/ only writes, the input forms are read before anything is written.

Imports under ``if TYPE_CHECKING:`` are not imports at run time and are left out. Modules picked by
name from the format registries (``importlib.import_module`` over formats/files.py: the readers, the
form readers, the writers) are loaded on purpose when a file of their kind comes and are not counted.
"""

from __future__ import annotations

import ast
import graphlib
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

# importing module (or package) → what it may import inside a function, each with a "# lazy:" comment
LAZY: dict[str, tuple[str, ...]] = {
    # every gongkai command starts quickly: a command loads what only it needs when it runs
    "gongkai.commands": ("gongkai.compose", "gongkai.forms", "gongkai.regionreport", "gongkai.register",
                         "gongkai.rollup", "gongkai.schema.docs", "gongkai.similar", "gongkai.store", "gongkai.web",
                         "rich", "sqlalchemy", "uvicorn"),
    # the web package's __init__ stays light: the store's migrations import gongkai.web.schema without FastAPI
    "gongkai.web": ("gongkai.web.app",),
    # heavy libraries only one path needs: datasketch brings scipy, pyarrow is 100 MB
    "gongkai.similar": ("datasketch",),
    "gongkai.store.export": ("pyarrow",),
    # Dask (distributed, tornado, …) only on a cluster's workers and for a run on one
    "gongkai.store.cluster": ("distributed",),
    # OCR (RapidOCR, OpenCV, onnxruntime: a second to load) only for a file with scanned pages or pictures
    "gongkai.readers": ("gongkai.ocr.scan",),
}

# package → packages it must never import (the direction data flows in)
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "gongkai.render": ("gongkai.compose", "gongkai.forms", "gongkai.readers", "gongkai.pipeline", "gongkai.api",
                       "gongkai.store", "gongkai.web", "gongkai.commands", "gongkai.cli"),
    "gongkai.forms": ("gongkai.render", "gongkai.compose", "gongkai.store", "gongkai.web", "gongkai.commands"),
    "gongkai.extract": ("gongkai.checks", "gongkai.render", "gongkai.forms", "gongkai.compose", "gongkai.store",
                        "gongkai.web", "gongkai.pipeline", "gongkai.api"),
    "gongkai.readers": ("gongkai.checks", "gongkai.render", "gongkai.forms", "gongkai.compose", "gongkai.store",
                        "gongkai.web", "gongkai.pipeline", "gongkai.api"),
    "gongkai.formats": ("gongkai.readers", "gongkai.extract", "gongkai.checks", "gongkai.render", "gongkai.forms",
                        "gongkai.compose", "gongkai.store", "gongkai.web"),
}


@dataclass(frozen=True, slots=True)
class Import:
    module: str  # the importing module
    target: str  # the module imported (a gongkai module, or a library's top-level name)
    line: int
    in_function: bool
    marked: bool  # a "# lazy:" comment above it (or on its line)


def _modules() -> dict[str, tuple[Path, bool]]:
    out = {}
    for path in sorted((SRC / "gongkai").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return out


MODULES = _modules()


def _targets(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    # from package import submodule: the submodule; from module import name: the module
    return [f"{target}.{a.name}" if f"{target}.{a.name}" in MODULES else target for a in node.names]


def _marked(lines: list[str], node: ast.stmt, imports: list[ast.stmt]) -> bool:
    """A "# lazy:" comment on the import's line, or above it with only imports and blank lines between."""
    spans = {n for i in imports for n in range(i.lineno, (i.end_lineno or i.lineno) + 1)}
    if "# lazy:" in lines[node.lineno - 1]:
        return True
    n = node.lineno - 1
    while n >= 1:
        text = lines[n - 1].strip()
        if text.startswith("# lazy:"):
            return True
        if text and n not in spans:
            return False
        n -= 1
    return False


def _imports(module: str, path: Path, is_package: bool) -> list[Import]:
    source = path.read_text(encoding="utf-8")
    lines = source.split("\n")
    tree = ast.parse(source)
    found: list[Import] = []

    def walk(node: ast.AST, in_function: bool, siblings: list[ast.stmt]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for sub in child.orelse:
                    walk(sub, in_function, child.orelse)
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                body = [s for s in siblings if isinstance(s, ast.Import | ast.ImportFrom)]
                for target in _targets(module, is_package, child):
                    found.append(Import(module, target, child.lineno, in_function,
                                        in_function and _marked(lines, child, body)))
                continue
            function = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            body = getattr(child, "body", None)
            walk(child, in_function or function, body if isinstance(body, list) else siblings)

    walk(tree, False, tree.body)
    return found


IMPORTS = [i for m, (path, pkg) in MODULES.items() for i in _imports(m, path, pkg)]


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_the_scan_sees_imports_of_every_kind():
    # the scanner itself: relative, package-level, submodule and in-function imports are all found
    edges = {(i.module, i.target) for i in IMPORTS}
    assert ("gongkai.compose", "gongkai.render") in edges  # from .render import prepare
    assert ("gongkai.render.xlsx", "gongkai.render") in edges  # from . import Prepared
    assert ("gongkai.web.app", "gongkai.web.schema") in edges  # from . import schema as _schema
    assert ("gongkai.forms", "gongkai.forms.mapping") in edges  # from .mapping import …
    lazy = {(i.module, i.target) for i in IMPORTS if i.in_function}
    assert ("gongkai.similar", "datasketch") in lazy
    assert ("gongkai.commands.new", "gongkai.compose") in lazy
    assert len(MODULES) > 100


def test_no_import_cycles():
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for i in IMPORTS:
        if i.target in MODULES and i.target != i.module:
            graph[i.module].add(i.target)
    try:
        order = list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        raise AssertionError("import cycle: " + " → ".join(exc.args[1])) from None
    assert set(order) == set(MODULES)


def test_imports_are_at_the_top_unless_deliberately_lazy():
    wrong: list[str] = []
    for i in IMPORTS:
        if not i.in_function:
            continue
        allowed = next((targets for prefix, targets in LAZY.items() if _under(i.module, prefix)), ())
        if not any(_under(i.target, t) for t in allowed):
            wrong.append(f"{i.module}:{i.line} imports {i.target} inside a function")
        elif not i.marked:
            wrong.append(f"{i.module}:{i.line} imports {i.target} lazily without a '# lazy:' comment saying why")
    assert not wrong, "\n".join(dict.fromkeys(wrong))


def test_data_flows_one_way():
    wrong = [f"{i.module}:{i.line} imports {i.target}" for i in IMPORTS
             for package, banned in FORBIDDEN.items()
             if _under(i.module, package) and any(_under(i.target, b) for b in banned)]
    assert not wrong, "\n".join(wrong)


def test_lazy_list_names_only_what_is_there():
    # an entry nobody needs any more is taken out, so the list stays the short list of real exceptions
    used = {(prefix, t) for i in IMPORTS if i.in_function
            for prefix, targets in LAZY.items() if _under(i.module, prefix)
            for t in targets if _under(i.target, t)}
    listed = {(prefix, t) for prefix, targets in LAZY.items() for t in targets}
    assert listed - used == set()
