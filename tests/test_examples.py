"""The Examples sections of the docstrings run and print what they say (pvlib style).

Every module of ``gdc/`` with a ``>>>`` line is run with :mod:`doctest` from the repository
root (the examples read ``sample_sites/...``). The main public functions must keep an example:
``gdc`` (the Quick Start: read_site, check_site, load_rule_set), read_site and parse_site,
dispatch, Balance, compute_metrics, and profiles' calendar and load functions.

The numbers in the examples are checked by hand in their own docstrings, e.g. the Quick Start's
S / L = 208,608 / 447,389 MWh = 46.63 % (the sample's terminal report shows the same totals),
compute_metrics' A = 4380 h x 30 MW = 131,400 MWh, dispatch's 30 MW of PV = 10 MW to the load
+ 10 MW to the battery + 5 MW export + 5 MW curtailed.
"""

from __future__ import annotations

import doctest
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GDC = REPO / "gdc"


def _module(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


WITH_EXAMPLES = sorted(_module(p) for p in GDC.rglob("*.py") if ">>> " in p.read_text(encoding="utf-8"))

#: module -> the functions or classes whose docstring must keep an example
REQUIRED = {
    "gdc": ["gdc"],
    "gdc.site.read": ["read_site", "parse_site"],
    "gdc.operation.dispatch": ["dispatch"],
    "gdc.operation.balance": ["Balance"],
    "gdc.operation.metrics": ["compute_metrics"],
    "gdc.profiles.calendar": ["get_hourly_index", "get_lunar_new_year", "get_day_types"],
    "gdc.profiles.load": ["synth_load", "get_spring_festival_shutdown"],
}


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_examples_run(name: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(REPO)
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    tests = [t for t in finder.find(module, name) if t.examples]
    assert tests, f"{name} has '>>> ' in its text but no doctest was found"
    for test in tests:
        runner.run(test, out=lambda s: print(s, end=""))
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of {name} failed (see stdout)"


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_main_functions_keep_an_example(name: str):
    module = importlib.import_module(name)
    found = {t.name.removeprefix(name + ".") if t.name != name else name
             for t in doctest.DocTestFinder().find(module, name) if t.examples}
    missing = [f for f in REQUIRED[name] if f not in found]
    assert not missing, f"no Examples section in {name}: {missing}"


def test_import_gdc_is_cheap():
    """``import gdc`` loads no numpy, pandas, pydantic or submodule: the public functions are lazy."""
    code = ("import sys, gdc; heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('numpy', 'pandas', 'pydantic', 'yaml') or m.startswith('gdc.')); print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"


def test_public_api():
    import gdc
    from gdc.check import check_site
    from gdc.optimise.size import size_site
    from gdc.rules.ruleset import load_rule_set
    from gdc.site.read import read_site

    assert gdc.read_site is read_site and gdc.check_site is check_site
    assert gdc.size_site is size_site and gdc.load_rule_set is load_rule_set
    assert set(gdc.__all__) == {"__version__", "check_site", "load_rule_set", "read_site", "size_site"}
    with pytest.raises(AttributeError):
        gdc.no_such_name  # noqa: B018


def test_site_schema_still_exports_the_reading_functions():
    """gdc.site.read holds the reading functions; gdc.site.schema re-exports each one (lazily)."""
    from gdc.site import read, schema

    assert schema._READ_NAMES == set(read.__all__)
    for name in read.__all__:
        assert getattr(schema, name) is getattr(read, name)
        assert name in schema.__all__
