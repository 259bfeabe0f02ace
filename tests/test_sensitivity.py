"""gdc size --sensitivity: the base is a plain gdc size, each parameter's effect by hand, the pool, the CLI.

The site (as tests/test_size.py's ``two_days``): two weighted days, load 10 MW flat (480 MWh),
PV 0.5 pu in hours 8-15 of day 1 and 0.25 pu on day 2, PV free in 0..100 MW, no storage, flat
tariff (flat-national: import 650, export 350 CNY/MWh), china-2025 costs. The 30 % load share
needs S >= 144 MWh = 80 + 2x, so x = 32 MW of PV whatever PV costs within ±25 % (one more MW
costs about 250,953 CNY/yr and saves at most 2 MWh x 650 CNY); E = 20 % of A = 38.4 MWh,
I = 336 MWh. Least cost = 32 A_PV + 336 x 650 - 38.4 x 350 with
A_PV = capex x (CRF(r, 25) + 1 %) per MW, capex 3100e3 CNY/MW, r = 5 %.
"""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest
from click.testing import CliRunner

from gdc.cli.main import main
from gdc.operation.prices import crf
from gdc.optimise.size import size_site
from gdc.screen.points import HowToSize, run_point_chunk
from gdc.screen.sensitivity import changes, parse_parameters, run_sensitivity
from gdc.site.errors import InputError
from gdc.site.schema import read_site

PV_MW, IMPORT_MWH, EXPORT_MWH = 32.0, 336.0, 38.4


def a_pv(capex_per_mw: float = 3100e3, rate: float = 0.05) -> float:
    """Annual cost of one MW of PV [CNY/MW/yr]: capex x (CRF(r, 25 y) + 1 % fixed O&M)."""
    return capex_per_mw * (crf(rate, 25) + 0.01)


def least_cost(capex_factor: float = 1.0, import_factor: float = 1.0, rate: float = 0.05) -> float:
    """32 MW x A_PV + 336 MWh x 650 x import factor - 38.4 MWh x 350 [CNY/yr]."""
    return PV_MW * a_pv(3100e3 * capex_factor, rate) + IMPORT_MWH * 650 * import_factor - EXPORT_MWH * 350


def _by(study, name):
    return {r["change_pct"]: r for r in study.rows if r.get("parameter") == name}


def test_base_point_equals_plain_size_and_capex_pv_by_hand(two_days):
    """The base row is size_site of the file (same cost and design, by hand 8,235,443.76 CNY/yr).

    capex_pv at change c: PV stays 32 MW, so the cost is 32 x A_PV x (1 + c) + 218,400 - 13,440
    (fixed O&M is a percentage of capex and scales too): A_PV = 3.1e6 x (0.0709525 + 0.01) =
    250,952.6 CNY/MW/yr, so +5 % adds 32 x 250,952.6 x 0.05 = 401,524.2 CNY/yr. The cost is therefore non-decreasing in the capex steps.
    """
    site = read_site(two_days)
    study = run_sensitivity(site, ["capex_pv"], 25, 5, workers=0)
    plain = size_site(site)
    base = study.base
    assert base is study.rows[0] and base["parameter"] == "base"
    assert base["cost_cny_per_year"] == pytest.approx(plain.extra["cost"]["total_cny_per_year"], rel=1e-12)
    assert base["cost_cny_per_year"] == pytest.approx(least_cost(), rel=1e-9)
    assert base["pv_mw"] == pytest.approx(plain.design.capacities_mw["pv"], abs=1e-9)
    rows = _by(study, "capex_pv")
    assert sorted(rows) == changes(25, 5)
    for c, r in rows.items():
        assert r["status"] == "pass"
        assert r["pv_mw"] == pytest.approx(PV_MW, abs=1e-6)
        assert r["value"] == pytest.approx(3100 * (1 + c / 100))  # CNY/kW
        assert r["cost_cny_per_year"] == pytest.approx(least_cost(1 + c / 100), rel=1e-9)
        assert r["cost_change_pct"] == pytest.approx(100 * PV_MW * a_pv() * c / 100 / least_cost(), rel=1e-6)
    costs = [rows[c]["cost_cny_per_year"] for c in sorted(rows)]
    assert all(b >= a for a, b in zip(costs, costs[1:], strict=False))
    assert rows[5.0]["cost_cny_per_year"] - base["cost_cny_per_year"] == pytest.approx(401_524.2, abs=0.1)


def test_import_price_and_discount_rate_by_hand(two_days):
    """import_price x f: 336 MWh x 650 x f (the design stays: one more MW of PV saves at most
    2 MWh x 812.5 CNY at +25 %); -10 % saves 21,840 CNY/yr.

    discount_rate x f: both the annualisation (CRF(0.05 f, 25)) and the NPV's rate (0.05 f):
    at -20 % the CRF of 4 % is 0.064012, so the cost is 32 x 3.1e6 x 0.074012 + 204,960.
    """
    site = read_site(two_days)
    study = run_sensitivity(site, ["import_price", "discount_rate"], 20, 10, workers=0)
    imp = _by(study, "import_price")
    for c, r in imp.items():
        assert r["pv_mw"] == pytest.approx(PV_MW, abs=1e-6)
        assert r["cost_cny_per_year"] == pytest.approx(least_cost(import_factor=1 + c / 100), rel=1e-9)
    assert study.base["cost_cny_per_year"] - imp[-10.0]["cost_cny_per_year"] == pytest.approx(21_840.0, abs=1e-3)
    disc = _by(study, "discount_rate")
    for c, r in disc.items():
        assert r["value"] == pytest.approx(5.0 * (1 + c / 100))  # %
        assert r["cost_cny_per_year"] == pytest.approx(least_cost(rate=0.05 * (1 + c / 100)), rel=1e-9)
    assert crf(0.04, 25) == pytest.approx(0.064012, abs=1e-6)
    assert disc[-20.0]["cost_cny_per_year"] == pytest.approx(32 * 3.1e6 * (crf(0.04, 25) + 0.01) + 204_960,
                                                             rel=1e-9)
    # the NPV is discounted at 4 %: the same as finance_of with that rate on the same design
    from gdc.finance.cashflow import finance_of

    npv = finance_of(size_site(site), discount_rate=0.04).npv_cny
    assert disc[-20.0]["npv_cny"] != pytest.approx(study.base["npv_cny"], rel=1e-3)
    # the design and its energy are the same, the investment too: only the rate differs
    assert disc[-20.0]["npv_cny"] == pytest.approx(npv, rel=1e-9)


def test_fixed_design_re_dispatches_the_base_design(two_days):
    """--fixed-design: every point keeps PV = 32 MW and re-dispatches it; at +25 % capex the
    cost is least_cost(1.25) = 8,235,443.76 + 0.25 x 32 x 250,952.62 = 10,243,064.7 CNY/yr."""
    study = run_sensitivity(read_site(two_days), ["capex_pv"], 25, 25, fixed_design=True, workers=0)
    assert study.how.kind == "dispatch"
    assert [r["pv_mw"] for r in study.rows] == pytest.approx([PV_MW] * 3, abs=1e-9)
    assert _by(study, "capex_pv")[25.0]["cost_cny_per_year"] == pytest.approx(10_243_064.7, abs=0.1)


def test_bad_parameters_and_steps_are_input_errors(two_days):
    with pytest.raises(InputError, match="did you mean 'capex_pv'"):
        parse_parameters("capex_pvv")
    with pytest.raises(InputError, match="whole number"):
        changes(25, 7)
    with pytest.raises(InputError):
        changes(120, 5)
    r = CliRunner().invoke(main, ["size", str(two_days), "--sensitivity", "capex_pv", "--range", "25", "--step", "7"])
    assert r.exit_code == 2 and "whole number" in r.output
    r = CliRunner().invoke(main, ["size", str(two_days), "--workers", "2"])
    assert r.exit_code == 2 and "option of a study" in r.output


def crash_on_minus_ten(chunk, how):
    """A task whose worker dies on the -10 % point (a segfault or the out-of-memory killer)."""
    if any(p.id.endswith("-10") for p in chunk):
        os._exit(7)
    return run_point_chunk(chunk, how)


def test_one_crashing_point_loses_no_other_on_the_pool(two_days):
    """On a local pool of 2 workers, the -10 % point kills its worker (twice: it is then an error
    row); the other points are evaluated by hand as above."""
    from gdc.screen.points import run_points
    from gdc.screen.sensitivity import sensitivity_points

    site = read_site(two_days)
    points = sensitivity_points(site, ["capex_pv"], 10, 5)
    run = run_points(points, HowToSize(), workers=2, task=crash_on_minus_ten)
    rows = {r["id"]: r for r in run.rows}
    assert len(rows) == 4 and run.backend == "local"
    assert rows["capex_pv-10"]["status"] == "error" and "worker process died" in rows["capex_pv-10"]["error"]
    for c in (-5, 5, 10):
        assert rows[f"capex_pv{c:+d}"]["cost_cny_per_year"] == pytest.approx(least_cost(1 + c / 100), rel=1e-9)


def test_cli_table_json_report_workbook_csv(two_days, tmp_path):
    """The CLI on one worker process: the table, the JSON, the HTML with the tornado, the workbook and CSV."""
    out = tmp_path / "o"
    args = ["size", str(two_days), "--sensitivity", "capex_pv,import_price", "--range", "10", "--step", "10",
            "--workers", "1", "--report", str(out / "s.html"), "--xlsx", str(out / "s.xlsx"), "--csv",
            str(out / "s.csv")]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    assert "PV investment" in r.output and "3,410 CNY/kW" in r.output and "x1.10" in r.output
    html = (out / "s.html").read_text(encoding="utf-8")
    assert "Tornado chart" in html and 'aria-label="tornado: cost"' in html and "Finance" in html
    df = pd.read_csv(out / "s.csv", encoding="utf-8-sig")
    assert list(df["id"]) == ["base", "capex_pv-10", "capex_pv+10", "import_price-10", "import_price+10"]
    assert df.loc[df["id"] == "capex_pv+10", "cost_cny_per_year"].item() == pytest.approx(least_cost(1.1), rel=1e-9)
    from openpyxl import load_workbook

    wb = load_workbook(out / "s.xlsx")
    assert wb.sheetnames == ["Sensitivity", "Points", "Study"]
    r = CliRunner().invoke(main, ["size", str(two_days), "--sensitivity", "import_price", "--range", "10", "--step",
                                  "10", "--workers", "1", "--json"])
    data = json.loads(r.output)
    assert data["study"] == "sensitivity" and len(data["points"]) == 3
    assert data["points"][2]["cost_cny_per_year"] == pytest.approx(least_cost(import_factor=1.1), rel=1e-9)
