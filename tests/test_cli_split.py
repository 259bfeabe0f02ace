"""The command line after its split into one module per command group (issue 11), ``gdc size``
with no compliant design (its explanation in Chinese and as JSON), and ``gdc schema --rules``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import REPO
from test_size import two_days

from gdc.cli.main import main
from gdc.rules.ruleset import rules_json_schema


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_help_lists_every_command_from_its_module():
    """``gdc --help`` lists the seven commands; check/size live in gdc.cli.design, rules/schema in
    gdc.cli.info, the others in their own modules."""
    res = run("--help")
    assert res.exit_code == 0
    listed = [line.split()[0] for line in res.output.split("Commands:\n", 1)[1].splitlines() if line.strip()]
    assert listed == ["check", "import-xlsx", "profile", "rules", "schema", "screen", "size"]
    where = {name: cmd.callback.__module__ for name, cmd in main.commands.items()}
    assert where == {"check": "gdc.cli.design", "size": "gdc.cli.design", "rules": "gdc.cli.info",
                     "schema": "gdc.cli.info", "profile": "gdc.cli.profile", "screen": "gdc.cli.screen",
                     "import-xlsx": "gdc.cli.import_xlsx"}


def test_starting_the_cli_imports_no_heavy_library():
    """``import gdc.cli.main`` (what ``gdc --help`` and the start of ``gdc check`` run) loads click
    and gdc's own light modules only: not numpy, pandas, pydantic, yaml, Pyomo, pvlib or Dask."""
    code = ("import sys, gdc.cli.main\n"
            "heavy = {'numpy', 'pandas', 'pydantic', 'yaml', 'pyomo', 'pvlib', 'dask', 'matplotlib', 'openpyxl'}\n"
            "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_entry_point_and_version():
    """setup.cfg's entry point names gdc.cli.main:main, and ``python -m gdc --version`` answers."""
    assert "gdc = gdc.cli.main:main" in (REPO / "setup.cfg").read_text(encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "gdc", "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("gdc, version ")


# ----------------------------------------------------------------------------- no compliant design


@pytest.fixture(scope="module")
def infeasible(tmp_path_factory):
    """Two days, load 10 MW flat (L = 480 MWh), PV at most 5 MW: S <= 8 h x (2.5 + 1.25) MW = 30 MWh,
    S/L = 6.25 % against the national 30 %: short by 23.75 pp. PV 32 MW would do (S = 80 + 2 x 32
    = 144 MWh = 30 % of 480), so the least change of the PV bound is 32 MW."""
    return two_days(tmp_path_factory.mktemp("infeasible"), pv_max=5.0)


def test_size_infeasible_in_chinese(infeasible):
    """``--lang zh``: the explanation in Chinese (its rule, its 23.75-point shortfall, PV 32 MW); exit 1."""
    res = run("size", infeasible, "--lang", "zh")
    assert res.exit_code == 1, res.output
    assert "没有符合规则的设计" in res.output
    assert "在容量范围内没有符合 national/2026-05（2026 年）规则的设计" in res.output
    assert "自发自用电量占总用电量比例：达到 6.25 %，要求 ≥ 30.00 %（差 23.75 个百分点）" in res.output
    assert "pv：至少 32.0 MW" in res.output
    assert "Self-consumed" not in res.output and "Traceback" not in res.output


def test_size_infeasible_as_json(infeasible, tmp_path):
    """``--json FILE``: status infeasible and the explanation's data; exit code stays 1. ``--json``
    alone: the same JSON on stdout."""
    target = tmp_path / "out" / "sizing.json"
    res = run("size", infeasible, "--json", target)
    assert res.exit_code == 1, res.output
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["status"] == "infeasible" and data["rule_set"] == "national/2026-05" and data["year"] == 2026
    (short,) = data["explanation"]["shortfalls"]
    assert short["rule"] == "load_share"
    assert short["value"] == pytest.approx(100 * 30 / 480, abs=1e-4)
    assert short["shortfall"] == pytest.approx(30 - 6.25, abs=1e-4)
    pv = next(a for a in data["explanation"]["advice"] if a["name"] == "pv")
    assert pv["side"] == "max" and pv["current"] == 5.0 and pv["advised"] == pytest.approx(32.0, abs=1e-3)
    proc = subprocess.run([sys.executable, "-m", "gdc", "size", str(infeasible), "--json"], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["explanation"]["shortfalls"][0]["rule"] == "load_share"


def test_check_of_bounds_infeasible_as_json(infeasible):
    """``gdc check`` on a site with bounds sizes it first: the same infeasible JSON, exit 1."""
    res = run("check", infeasible, "--json")
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    assert data["status"] == "infeasible" and data["explanation"]["shortfalls"][0]["rule"] == "load_share"


# ----------------------------------------------------------------------------- gdc schema --rules


def test_schema_rules_writes_the_rule_file_schema(tmp_path):
    """``gdc schema --rules -o FILE`` writes the rule-file schema (into a new folder), the same as the
    shipped models/rules.schema.json; without --rules, the site schema."""
    target = tmp_path / "new" / "rules.schema.json"
    res = run("schema", "--rules", "-o", target)
    assert res.exit_code == 0, res.output
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written == json.loads(json.dumps(rules_json_schema(), ensure_ascii=False))
    assert written == json.loads((REPO / "models" / "rules.schema.json").read_text(encoding="utf-8"))
    assert written["$id"] == "gdc-rules/1"
    site = json.loads(run("schema").stdout)
    assert site["$id"] != written["$id"] and "sources" in site["properties"]
