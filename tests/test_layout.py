"""The package layout: imports go down the layers only, and no private name crosses a package.

The layers, top to bottom (README "Code map"); a module may import its own package and any
package below it, never one above::

    cli > screen > report > exchange > optimise > finance > life > check > rules > operation > profiles > site

life (the yearly path of a design over the project's life) reads check and is read by finance;
finance (money: cash flows, NPV, IRR, the composite price) reads a check's result and is read by
the optimiser (objectives) and the reports.

The test reads every ``import`` statement of ``gdc/`` with :mod:`ast` (imports inside
functions included, ``if TYPE_CHECKING:`` blocks too), so a lazy import cannot hide a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GDC = Path(__file__).resolve().parents[1] / "gdc"
LAYERS = ["site", "profiles", "operation", "rules", "check", "life", "finance", "optimise", "exchange", "report", "screen", "cli"]
RANK = {name: i for i, name in enumerate(LAYERS)}


def _layer(module: str) -> str | None:
    """The layer of a dotted gdc module name, or None for the root package and data."""
    parts = module.split(".")
    if parts[0] != "gdc" or len(parts) == 1 or parts[1] in ("models", "__main__"):
        return None
    return parts[1]


def _module_name(path: Path) -> str:
    rel = path.relative_to(GDC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, imported module, imported names) of every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, a.name, []) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module, [a.name for a in node.names]))
    return out


SOURCES = sorted(p for p in GDC.rglob("*.py"))


def test_every_package_is_a_layer():
    packages = {p.name for p in GDC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages == set(LAYERS) - {"check"}
    top = sorted(p.name for p in GDC.glob("*.py") if p.name not in ("__init__.py", "__main__.py"))
    assert len(top) <= 3, top


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(GDC.parent)))
def test_imports_go_down(path: Path):
    me = _layer(_module_name(path))
    bad = []
    for line, module, _ in _imports(path):
        them = _layer(module)
        if me is None or them is None or them == me:
            continue
        if RANK[them] > RANK[me]:
            bad.append(f"line {line}: {me} imports {module} ({them} is above {me})")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(GDC.parent)))
def test_no_private_name_crosses_a_package(path: Path):
    me = _module_name(path).split(".")[:2]
    bad = []
    for line, module, names in _imports(path):
        if not module.startswith("gdc") or module.split(".")[:2] == me:
            continue
        bad += [f"line {line}: {module}.{n}" for n in names if n.startswith("_") and not n.startswith("__")]
    assert not bad, "\n".join(bad)
