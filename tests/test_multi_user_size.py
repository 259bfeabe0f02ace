"""gdc size on a multi-user site (688号, issue 12): the users' own minimum green shares in the LP.

The site is the sample park (sample_sites/park-688-multi-user) on four representative days
(days 20, 110, 200 and 290 of its profiles, 91.25 days each: 96 LP hours, each LP well under
a second), with PV 0-400 MW, wind 0-300 MW and storage 0-100 MW / 0-400 MWh free. With the
cell plant asking 50 % the least-cost design gives it about 74.7 % (its minimum is slack); at
77 % the minimum binds; at 80 % no design within the bounds meets it.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from conftest import SAMPLES

from gdc.cli.main import main

PARK = SAMPLES / "park-688-multi-user"
DAYS = [20, 110, 200, 290]


def _site(folder: Path, cell_min: float, allocation: object = "hourly-share") -> Path:
    df = pd.read_csv(PARK / "profiles.csv", comment="#")
    rows = np.concatenate([np.arange(d * 24, d * 24 + 24) for d in DAYS])
    out = df.iloc[rows].drop(columns=["timestamp"]).reset_index(drop=True)
    out.insert(0, "hour", range(len(out)))
    out.to_csv(folder / "days.csv", index=False)
    site = yaml.safe_load((PARK / "site.yaml").read_text(encoding="utf-8"))
    for u in site["users"]:
        u["load"]["file"] = "days.csv"
    site["users"][0]["min_green_share"] = cell_min
    site["allocation"] = allocation
    for s in site["sources"]:
        s["profile"]["file"] = "days.csv"
    site["days"] = {"weights": [91.25] * len(DAYS)}
    site["sources"][0]["capacity_mw"] = {"min": 0, "max": 400}
    site["sources"][1]["capacity_mw"] = {"min": 0, "max": 300}
    site["storage"] = {"power_mw": {"min": 0, "max": 100}, "energy_mwh": {"min": 0, "max": 400}}
    path = folder / f"size-{cell_min:g}.yaml"
    path.write_text(yaml.safe_dump(site, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _cell_load_mwh(folder: Path) -> float:
    """L_u of the cell plant straight from the CSV: 91.25 x the four days' hourly MW."""
    return 91.25 * float(pd.read_csv(folder / "days.csv")["cell_mw"].sum())


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("park4d")


def test_binding_user_minimum_equals_the_lp_with_that_share_fixed(folder):
    """Cell plant at 77 %: its S_u is exactly 77 % of L_u (L_u = 91.25 x the CSV's four days of
    cell_mw, about 301,632 MWh/yr, so S_u = 0.77 L_u, about 232,257 MWh/yr), the design costs more
    than at 50 % (where the plant gets about 74.7 %, the minimum slack), and the same LP with the
    cell plant's row made an equality (a second row S_u <= 0.77 L_u) has the same optimum."""
    from gdc.check import get_rule_set
    from gdc.operation.prices import get_costs
    from gdc.optimise.model import lp_data
    from gdc.optimise.size import _storage_template, self_use_first_design, size_site, solve_data
    from gdc.profiles.series import get_profiles
    from gdc.rules.linear import RuleConstraint
    from gdc.site.schema import read_site

    slack = size_site(read_site(_site(folder, 50)), gap=1e-6)
    free = next(u for u in slack.allocation.users if u.name == "cell-plant")
    assert free.green_share_pct > 74.0  # 50 % does not bind

    site = read_site(_site(folder, 77))
    res = size_site(site, gap=1e-6)
    cell = next(u for u in res.allocation.users if u.name == "cell-plant")
    load = _cell_load_mwh(folder)
    assert cell.load_mwh == pytest.approx(load, rel=1e-9)
    assert cell.self_use_mwh == pytest.approx(0.77 * load, rel=1e-6)
    # the allocation is S_t x L_u,t / L_t of the LP's own balance (u_t + renewable discharge)
    bal, prof = res.balance, res.profiles
    s_t = bal.re_to_load + bal.storage_to_load_re
    by_hand = float(np.dot(bal.weights, s_t * prof.user_loads_mw["cell-plant"] / prof.load_mw))
    assert by_hand == pytest.approx(cell.self_use_mwh, rel=1e-9)
    cost = res.extra["cost"]["total_cny_per_year"]
    assert cost > slack.extra["cost"]["total_cny_per_year"] * (1 + 1e-4)
    verdict = {v.rule.id: v for v in res.verdicts}["user_green_share:cell-plant"]
    assert verdict.status == "pass" and abs(verdict.margin) < 1e-5

    profiles = get_profiles(site)
    rule_set, _ = get_rule_set(site)
    data = lp_data(site, profiles, get_costs(site, profiles), rule_set)
    row = next(rc for rc in data.rules if rc.rule.id == "user_green_share:cell-plant")
    fixed = replace(data, rules=[*data.rules, RuleConstraint(row.rule, row.terms, "<=", row.threshold)])
    tmpl = _storage_template(site)
    eq = solve_data(fixed, profiles.export_forbidden, tmpl)
    eq = self_use_first_design(fixed, eq, profiles.export_forbidden, tmpl, gap_tol=1e-6)
    assert eq.objective == pytest.approx(res.extra["optimiser"]["objective_cny_per_year"], rel=1e-6)


def test_sized_design_passes_the_check_of_its_users(folder):
    """size --write-site at 77 %, then gdc check --dispatch optimal of the written file: exit 0, every
    user verdict passes (the cell plant at 77.00 %). The plain check's renewable-first dispatch
    discharges the storage at the first deficit hour and gives the cell plant less (about 76.6 %):
    gdc size says so in a note naming the user and --dispatch optimal."""
    out = folder / "sized.yaml"
    sized = CliRunner().invoke(main, ["size", str(_site(folder, 77)), "--write-site", str(out)])
    assert sized.exit_code == 0, sized.output
    assert "cell-plant's minimum green share holds with the least-cost dispatch" in sized.output
    assert "sizing: " in sized.output and ("optimal" in sized.output or "certified within" in sized.output)
    res = CliRunner().invoke(main, ["check", str(out), "--dispatch", "optimal", "--json", "-"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    users = {v["id"]: v for v in report["verdicts"] if v["id"].startswith("user_green_share:")}
    assert set(users) == {"user_green_share:cell-plant", "user_green_share:data-centre"}
    assert all(v["status"] == "pass" for v in users.values())
    cell = next(u for u in report["users"] if u["name"] == "cell-plant")
    assert cell["green_share_pct"] == pytest.approx(77.0, abs=1e-4)
    plain = CliRunner().invoke(main, ["check", str(out), "--json", "-"])
    bad = {v["id"] for v in json.loads(plain.output)["verdicts"] if v["status"] == "fail"}
    assert bad <= {"user_green_share:cell-plant"}  # the project rules pass either way


def test_infeasible_user_minimum_names_the_user(folder):
    """Cell plant at 80 %: the elastic LP's closest approach falls short on the cell plant's own row
    only, and the advice is in user terms: the storage energy it needs beyond the 400 MWh allowed."""
    path = _site(folder, 80)
    res = CliRunner().invoke(main, ["size", str(path)])
    assert res.exit_code == 1, res.output
    assert "cell-plant: green share S_u/L_u (the user's own minimum): reaches" in res.output
    assert "cell-plant's 80 % minimum green share needs" in res.output
    assert "more storage energy" in res.output
    zh = CliRunner().invoke(main, ["size", str(path), "--lang", "zh"])
    assert "用户 cell-plant 的最低绿电占比 80 % 需要储能容量再增加" in zh.output
    CliRunner().invoke(main, ["size", str(path), "--json", str(folder / "infeasible.json")])
    exp = json.loads((folder / "infeasible.json").read_text(encoding="utf-8"))["explanation"]
    assert [s["rule"] for s in exp["shortfalls"]] == ["user_green_share:cell-plant"]
    energy = next(a for a in exp["advice"] if a["name"] == "storage_energy")
    assert energy["advised"] > 400.0
    assert "user_green_share:cell-plant" in {r["id"] for r in energy["rules"]}


def test_priority_allocation_is_refused_with_the_fix(folder):
    """priority is not linear in S_t: gdc size refuses it (exit 2) naming 'allocation'."""
    order = {"priority": ["cell-plant", "data-centre", "chemical-plant", "logistics-hub"]}
    res = CliRunner().invoke(main, ["size", str(_site(folder, 60, order))])
    assert res.exit_code == 2, res.output
    assert "allocation" in res.output and "priority" in res.output and "hourly-share" in res.output


def test_annual_share_sizes_the_users_on_their_annual_shares(folder):
    """annual-share: S_u = S x L_u / L, so at the cell plant's binding 77 % the project's S/L is
    exactly 77 % too (every user gets the project's share)."""
    from gdc.optimise.size import size_site
    from gdc.site.schema import read_site

    res = size_site(read_site(_site(folder, 77, "annual-share")), gap=1e-6)
    m = res.metrics
    assert 100 * m.S / m.L == pytest.approx(77.0, abs=1e-4)
    assert all(u.green_share_pct == pytest.approx(77.0, abs=1e-4) for u in res.allocation.users)


def test_gap_option_and_the_sizing_line(folder):
    """--gap with --typical-days is bad input (no search there); the certificate line reads the
    search's gap: 0.0049 -> 'certified within 0.49 %' with the lower bound, 0 -> 'optimal'."""
    from gdc.report.terminal import sizing_line

    res = CliRunner().invoke(main, ["size", str(_site(folder, 50)), "--typical-days", "2", "--gap", "0.01"])
    assert res.exit_code == 2 and "--gap" in res.output
    line = sizing_line({"status": "branch-and-bound", "gap": 0.0049, "lower_bound": 83_730_000.0, "lps": 10,
                        "gap_tol": 0.005, "converged": True}, "en")
    assert line == "sizing: certified within 0.49 % of the least cost (lower bound 83,730,000 CNY/yr, 10 LPs)"
    assert "0.49 %" in sizing_line({"status": "branch-and-bound", "gap": 0.0049, "lower_bound": 1.0}, "zh")
    assert sizing_line({"status": "exact", "gap": 0.0}, "en").startswith("sizing: optimal")
