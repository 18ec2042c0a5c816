"""The package's shape, read from the source: what ``docs/architecture.md`` promises holds.

* no import circles between modules, and no submodule importing from its own package's
  ``__init__`` (the package root, which holds the version, aside);
* no module over :data:`MAX_LINES` lines (:data:`SIZE_EXCEPTIONS` lists any module allowed to be
  longer, with the reason);
* no private name (``_x``, or a name inside a private module) imported from another package;
* one transit-mode vocabulary: sets of modes are spelled out only in ``layers/codes.py``;
* the import rules of ``docs/architecture.md`` ("Which package may import which"): every
  import between packages is one the page allows, every allowance is used, and the page's order
  is the direction data flows (a package imports only packages listed below it);
* rendering libraries (folium, branca, jinja2) only where the page says.

The import graph is read with :mod:`ast`; nothing is imported. Every ``import`` and ``from ...
import`` counts wherever it stands (module level, inside a function, under ``if
TYPE_CHECKING:``): each is a dependency a reader of the code has to follow.
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import ROOT

SRC = ROOT / "src"
PACKAGE = "arealanalyse"
ARCHITECTURE = ROOT / "docs" / "architecture.md"

#: Longest module (lines) before it must be split by responsibility.
MAX_LINES = 600
#: Modules allowed to be longer than :data:`MAX_LINES` (path under src/ -> reason). Keep empty.
SIZE_EXCEPTIONS: dict[str, str] = {}
#: The one module where sets of transit modes are spelled out.
MODE_VOCABULARY = "arealanalyse/layers/codes.py"


# ------------------------------------------------------------------------------ the graph
@dataclass(frozen=True)
class Edge:
    """One import: ``source`` imports ``target`` at ``path:line``."""

    source: str
    target: str
    path: str
    line: int
    names: tuple[str, ...] = ()

    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class Graph:
    """The modules of a source tree and every import between them."""

    root: Path
    package: str
    modules: dict[str, Path] = field(default_factory=dict)
    packages: set[str] = field(default_factory=set)  # modules that are packages (__init__)
    edges: list[Edge] = field(default_factory=list)

    def rel(self, module: str) -> str:
        return self.modules[module].relative_to(self.root).as_posix()

    def known(self, name: str) -> str | None:
        """The longest module of the tree that ``name`` is or lies in (None: outside)."""
        while name:
            if name in self.modules:
                return name
            if "." not in name:
                return None
            name = name.rsplit(".", 1)[0]
        return None


def module_name(root: Path, path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    is_pkg = parts[-1] == "__init__"
    return ".".join(parts[:-1] if is_pkg else parts), is_pkg


def build_graph(root: Path, package: str) -> Graph:
    """Read every module under ``root/package`` and the imports between them."""
    g = Graph(root, package)
    trees: dict[str, ast.Module] = {}
    for path in sorted((root / package).rglob("*.py")):
        name, is_pkg = module_name(root, path)
        g.modules[name] = path
        if is_pkg:
            g.packages.add(name)
        trees[name] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for name, tree in trees.items():
        here = name if name in g.packages else name.rpartition(".")[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    _add(g, name, alias.name, node.lineno, ())
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    target = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    target = node.module or ""
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    if sub in g.modules:  # `from pkg import submodule`
                        _add(g, name, sub, node.lineno, ())
                    else:
                        _add(g, name, target, node.lineno, (alias.name,))
    return g


def _add(g: Graph, source: str, target: str, line: int, names: tuple[str, ...]) -> None:
    if not (target == g.package or target.startswith(g.package + ".")):
        return
    known = g.known(target)
    if known is None or known == source:
        return
    g.edges.append(Edge(source, known, g.rel(source), line, names))


def cycles(g: Graph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    succ: dict[str, set[str]] = {m: set() for m in g.modules}
    for e in g.edges:
        succ[e.source].add(e.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:  # iterative would be longer; the package is shallow
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(succ[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(succ):
        if v not in index:
            visit(v)
    return sorted(out)


def component(module: str) -> str:
    """The package a module belongs to: ``arealanalyse.metrics.access`` -> ``metrics``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_imports(g: Graph) -> list[str]:
    """Imports of a private name or module from another package."""
    out = []
    for e in g.edges:
        if component(e.source) == component(e.target):
            continue
        private = [p for p in e.target.split(".") if _is_private(p)]
        private += [n for n in e.names if _is_private(n)]
        if private:
            out.append(f"{e.where()}: {e.source} imports {', '.join(private)} from {e.target}")
    return out


def own_package_imports(g: Graph) -> list[str]:
    """Submodules that import a name from their own package's ``__init__`` (the root aside)."""
    return [
        f"{e.where()}: {e.source} imports {', '.join(e.names)} from {e.target}"
        for e in g.edges
        if e.target in g.packages and e.target != g.package and e.source.startswith(e.target + ".")
    ]


@pytest.fixture(scope="module")
def graph() -> Graph:
    return build_graph(SRC, PACKAGE)


# ------------------------------------------------------------------------------ the checker
def _tree(tmp_path: Path, files: dict[str, str]) -> Graph:
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text), encoding="utf-8")
    return build_graph(tmp_path, "pkg")


def test_the_checker_sees_circles_through_functions_packages_and_type_checking(tmp_path):
    g = _tree(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.sub import thing\n",
            "pkg/a.py": "def f():\n    from . import b\n",
            "pkg/b.py": "import pkg.a\n",
            "pkg/c.py": "import typing\nif typing.TYPE_CHECKING:\n    from pkg.d import X\n",
            "pkg/d.py": "from .c import Y\n",
            "pkg/e.py": "import os\nfrom pkg import a\n",
            "pkg/sub/__init__.py": "from .thing import thing\n",
            "pkg/sub/thing.py": "from pkg.sub import other\n",
            "pkg/sub/other.py": "import pkg.sub.thing\n",
        },
    )
    assert cycles(g) == [
        ["pkg.a", "pkg.b"],
        ["pkg.c", "pkg.d"],
        ["pkg.sub.other", "pkg.sub.thing"],
    ]
    g2 = _tree(tmp_path / "two", {"pkg/__init__.py": "", "pkg/x.py": "from pkg import y\n"})
    assert cycles(g2) == []
    g3 = _tree(
        tmp_path / "three",
        {
            "pkg/__init__.py": "__version__ = '1'\n",
            "pkg/b.py": "from pkg import __version__\n",
            "pkg/sub/__init__.py": "X = 1\n",
            "pkg/sub/a.py": "from pkg.sub import X\nfrom . import X\n",
        },
    )
    assert own_package_imports(g3) == [
        "pkg/sub/a.py:1: pkg.sub.a imports X from pkg.sub",
        "pkg/sub/a.py:2: pkg.sub.a imports X from pkg.sub",
    ]


def test_the_checker_sees_private_names_across_packages(tmp_path):
    g = _tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/maps/__init__.py": "",
            "pkg/maps/_style.py": "X = 1\n",
            "pkg/maps/base.py": "from pkg.maps._style import X\n_y = 2\n",
            "pkg/report.py": "from pkg.maps._style import X\nfrom pkg.maps.base import _y\n",
            "pkg/io.py": "from pkg import __version__\n",
        },
    )
    found = private_imports(g)
    assert [f.split(":", 2)[-1].strip() for f in found] == [
        "pkg.report imports _style from pkg.maps._style",
        "pkg.report imports _y from pkg.maps.base",
    ]


# ------------------------------------------------------------------------------ the package
def test_no_import_circles(graph: Graph):
    found = cycles(graph)
    lines = []
    for group in found:
        inside = set(group)
        lines.append(" <-> ".join(group))
        lines += sorted(
            {
                f"    {e.where()}: {e.source} -> {e.target}"
                for e in graph.edges
                if e.source in inside and e.target in inside
            }
        )
    assert not found, "import circles (break each by moving what both sides need):\n" + "\n".join(
        lines
    )


def test_no_module_over_the_size_limit(graph: Graph):
    too_long = []
    for path in sorted(graph.modules.values()):
        rel = path.relative_to(SRC).as_posix()
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MAX_LINES and rel not in SIZE_EXCEPTIONS:
            too_long.append(f"{rel}: {n} lines")
    assert not too_long, (
        f"modules over {MAX_LINES} lines; split each by responsibility:\n" + "\n".join(too_long)
    )
    stale = [
        rel
        for rel in SIZE_EXCEPTIONS
        if len((SRC / rel).read_text(encoding="utf-8").splitlines()) <= MAX_LINES
    ]
    assert not stale, f"no longer over {MAX_LINES} lines; drop from SIZE_EXCEPTIONS: {stale}"


def test_submodules_do_not_import_their_own_package(graph: Graph):
    found = own_package_imports(graph)
    assert not found, (
        "submodules importing from their own package's __init__ (import from the module that "
        "defines the name):\n" + "\n".join(found)
    )


def test_no_private_names_imported_across_packages(graph: Graph):
    found = private_imports(graph)
    assert not found, "private names imported from another package:\n" + "\n".join(found)


def _mode_sets(tree: ast.Module, modes: set[str]) -> Iterable[tuple[int, str]]:
    """(line, text) of literal sets of >= 2 transit modes: constants and ``Literal[...]``."""

    def all_modes(node: ast.AST) -> bool:
        if not isinstance(node, ast.Tuple | ast.List | ast.Set):
            return False
        values = [e.value if isinstance(e, ast.Constant) else None for e in node.elts]
        return len(values) >= 2 and all(isinstance(v, str) and v in modes for v in values)

    for node in tree.body:  # module-level constants
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        if isinstance(value, ast.Call) and len(value.args) == 1:  # frozenset((...)) etc.
            value = value.args[0]
        if value is not None and all_modes(value):
            yield node.lineno, ast.unparse(node)[:80]
    for node in ast.walk(tree):  # Literal["rail", "metro", ...] anywhere
        if isinstance(node, ast.Subscript) and all_modes(node.slice):
            yield node.lineno, ast.unparse(node)[:80]


def test_one_transit_mode_vocabulary(graph: Graph):
    from arealanalyse.layers.codes import TRANSIT_MODES

    modes = set(TRANSIT_MODES)
    found = []
    for path in graph.modules.values():
        rel = path.relative_to(SRC).as_posix()
        if rel == MODE_VOCABULARY:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [f"{rel}:{line}: {text}" for line, text in _mode_sets(tree, modes)]
    assert not found, (
        f"sets of transit modes spelled out outside {MODE_VOCABULARY}; import its named groups "
        "(HIGH_CAPACITY, RAIL_METRO, ...) or add one there:\n" + "\n".join(found)
    )


def test_the_mode_vocabulary_is_one_set():
    from typing import get_args

    from arealanalyse.layers import codes

    modes = set(codes.TRANSIT_MODES)
    assert set(get_args(codes.TransitMode)) == modes
    assert sorted(codes.MODE_PRIORITY) == sorted(modes)
    for group in (codes.HIGH_CAPACITY, codes.RAIL_METRO):
        assert set(group) < modes
    assert set(codes.RAIL_METRO) < set(codes.HIGH_CAPACITY)


def test_mode_sets_are_found_where_they_hide():
    tree = ast.parse(
        "A = ('rail', 'metro')\nB: tuple[str, ...] = ['bus', 'tram']\n"
        "C = frozenset({'rail', 'x'})\nD = ('rail',)\ndef f(m: Literal['rail', 'bus']): pass\n"
    )
    assert [line for line, _ in _mode_sets(tree, {"rail", "metro", "tram", "bus"})] == [1, 2, 5]


# ------------------------------------------------------------------------------ the rules
RULES_HEADING = "## Which package may import which"
_NAME = re.compile(r"`([\w.]+)`(\s*\(planned\))?")


@dataclass
class Rules:
    """The import rules of ``docs/architecture.md``, in the page's order (top row first)."""

    foundation: list[str]
    rows: dict[str, list[str]]  # package -> the packages it imports (besides the foundation)
    planned: set[str]
    libraries: dict[str, list[str]]  # third-party module -> the only packages that import it


def parse_rules(text: str) -> Rules:
    """Read the rules section: a ``Foundation:`` line and two tables (packages, libraries)."""
    if RULES_HEADING not in text:
        raise AssertionError(f"docs/architecture.md has no section {RULES_HEADING!r}")
    section = text.split(RULES_HEADING, 1)[1].split("\n## ", 1)[0]
    foundation: list[str] = []
    rows: dict[str, list[str]] = {}
    planned: set[str] = set()
    libraries: dict[str, list[str]] = {}
    table = None
    paragraphs = section.split("\n\n")
    for para in paragraphs:
        if para.strip().startswith("Foundation"):
            plain = re.sub(r"\([^)]*\)", "", " ".join(para.split()))  # asides in parentheses
            foundation = [m.group(1) for m in _NAME.finditer(plain.split(".")[0] + ".")]
    for raw in section.splitlines():
        line = raw.strip()
        if line.startswith("|") and not set(line) <= set("|-: "):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if cells[0] in ("package", "library"):
                table = cells[0]
                continue
            left = list(_NAME.finditer(cells[0]))
            right = [m.group(1) for m in _NAME.finditer(cells[1])]
            if table == "package":
                name = left[0].group(1)
                rows[name] = right
                if left[0].group(2):
                    planned.add(name)
            elif table == "library":
                for m in left:
                    libraries[m.group(1)] = right
    return Rules(foundation, rows, planned, libraries)


def owner(module: str, names: Iterable[str], package: str = PACKAGE) -> str:
    """The rule a module falls under: the longest listed name it is or lies in."""
    rel = module[len(package) + 1 :] if module.startswith(package + ".") else module
    best = ""
    for name in names:
        if (rel == name or rel.startswith(name + ".")) and len(name) > len(best):
            best = name
    return best or component(module)


def third_party(g: Graph) -> list[tuple[str, str, str]]:
    """(importing module, top-level third-party module, where) for every import of one."""
    out = []
    for name, path in g.modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                mods = [node.module]
            else:
                continue
            for mod in mods:
                top = mod.split(".")[0]
                if top != g.package:
                    out.append((name, top, f"{g.rel(name)}:{node.lineno}"))
    return out


def rule_violations(g: Graph, rules: Rules) -> list[str]:
    """Everything where the code and the rules disagree (empty: they match)."""
    problems: list[str] = []
    names = [*rules.foundation, *rules.rows]
    order = {name: i for i, name in enumerate(rules.rows)}
    found = {owner(m, names, g.package) for m in g.modules}
    for name in sorted(found - set(names)):
        problems.append(f"package {name!r} is not in the rules; add a row for it")
    for name in sorted(set(names) - found - rules.planned):
        problems.append(f"the rules name {name!r}, which does not exist (mark it '(planned)')")
    for name in sorted(set(rules.foundation) & set(rules.rows)):
        problems.append(f"{name!r} is both foundation and a row")
    for name, imports in rules.rows.items():
        for dep in imports:
            if dep not in order:
                problems.append(f"row {name!r} imports {dep!r}, which has no row")
            elif order[dep] <= order[name]:
                problems.append(
                    f"row {name!r} imports {dep!r}, which is not below it: the rows are the "
                    "direction data flows, top to bottom"
                )
    used: dict[str, set[str]] = {}
    for e in g.edges:
        a, b = owner(e.source, names, g.package), owner(e.target, names, g.package)
        if a == b:
            continue
        if a in rules.foundation:
            if b not in rules.foundation:
                problems.append(
                    f"{e.where()}: foundation {a!r} imports {b!r}; the foundation imports only "
                    "the foundation"
                )
            continue
        if b in rules.foundation:
            continue
        used.setdefault(a, set()).add(b)
        if b not in rules.rows.get(a, []):
            problems.append(f"{e.where()}: {a!r} imports {b!r}, which its row does not allow")
    for name, imports in rules.rows.items():
        for dep in imports:
            unused = dep not in used.get(name, set())
            if unused and dep not in rules.planned and name not in rules.planned:
                problems.append(
                    f"row {name!r} allows {dep!r} but no module imports it; drop it from the row"
                )
    for module, lib, where in third_party(g):
        if lib in rules.libraries:
            allowed = rules.libraries[lib]
            if owner(module, names, g.package) not in allowed:
                problems.append(f"{where}: {lib} is imported only by {', '.join(allowed)}")
    return list(dict.fromkeys(problems))  # one line per import statement


def test_the_rules_checker_catches_each_kind_of_disagreement(tmp_path):
    g = _tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/errors.py": "",
            "pkg/io.py": "from pkg.maps import x\n",
            "pkg/layers/__init__.py": "from pkg import errors\n",
            "pkg/maps/__init__.py": "import folium\nfrom pkg.layers import a\n",
            "pkg/report.py": "def f():\n    from pkg.cli import main\n",
            "pkg/cli.py": "from pkg.maps import m\nimport jinja2\n",
            "pkg/extra.py": "",
        },
    )
    rules = parse_rules(
        RULES_HEADING
        + "\n\nFoundation: `pkg`, `errors`, `io`.\n\n"
        + "| package | imports |\n|---|---|\n"
        + "| `cli` | `batch`, `maps` |\n| `batch` (planned) | `layers` |\n"
        + "| `report` | `maps` |\n| `maps` | `layers` |\n| `layers` | — |\n\n"
        + "| library | only in |\n|---|---|\n| `folium`, `jinja2` | `maps`, `report` |\n"
    )
    assert rules.planned == {"batch"} and rules.rows["layers"] == []
    got = rule_violations(g, rules)
    assert got == [
        "package 'extra' is not in the rules; add a row for it",
        "pkg/io.py:1: foundation 'io' imports 'maps'; the foundation imports only the foundation",
        "pkg/report.py:2: 'report' imports 'cli', which its row does not allow",
        "row 'report' allows 'maps' but no module imports it; drop it from the row",
        "pkg/cli.py:2: jinja2 is imported only by maps, report",
    ]
    upside_down = parse_rules(
        RULES_HEADING + "\n\nFoundation: `pkg`.\n\n| package | imports |\n|---|---|\n"
        "| `layers` | — |\n| `maps` | `layers` |\n"
    )
    assert any("not below it" in p for p in rule_violations(g, upside_down))


def test_the_code_follows_docs_architecture(graph: Graph):
    rules = parse_rules(ARCHITECTURE.read_text(encoding="utf-8"))
    problems = rule_violations(graph, rules)
    assert not problems, (
        "docs/architecture.md ('Which package may import which') and the code disagree; fix "
        "the import or change the rule on the page:\n" + "\n".join(problems)
    )
