"""gdc size --pareto: the least cost at each level of a rule's threshold, by hand; infeasible levels; the CLI.

The site (tests/test_sensitivity.py's): two weighted days, load 10 MW flat (L = 480 MWh), PV x
free in 0..100 MW (0.5 pu in hours 8-15 of day 1, 0.25 pu on day 2), no storage, flat tariff
(import 650, export 350 CNY/MWh). For 20 <= x <= 40, S = 8 x 10 + 8 x 0.25 x = 80 + 2x, so a
load share of t % needs x = (4.8 t - 80) / 2 = 2.4 t - 40 MW; the day-2 PV saturates at x = 40
(S <= 160 MWh): load shares above 33.33 % are infeasible. A = 6x, E = 20 % of A = 1.2x
(the export cap binds: day 1's surplus 4x - 80 > 1.2x), I = 480 - S = 400 - 2x, so the least cost is
x A_PV + (400 - 2x) 650 - 1.2x 350, A_PV = 3.1e6 x (CRF(5 %, 25) + 1 %) = 250,952.6 CNY/MW/yr.
"""

from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from gdc.cli.main import main
from gdc.operation.prices import crf
from gdc.optimise.size import size_site
from gdc.screen.pareto import parse_pareto, resolve_rule, run_pareto
from gdc.site.errors import InputError
from gdc.site.schema import read_site

A_PV = 3100e3 * (crf(0.05, 25) + 0.01)


def by_hand(t: float) -> tuple[float, float]:
    """(PV [MW], least cost [CNY/yr]) at a load share of t % (module docstring)."""
    x = 2.4 * t - 40
    return x, x * A_PV + (400 - 2 * x) * 650 - 1.2 * x * 350


def test_least_cost_at_each_level_by_hand_and_infeasible_levels(two_days):
    """Levels 30..35 %: x = 32, 34.4, 36.8, 39.2 MW at 30..33 % (costs by hand, non-decreasing:
    30 % costs 8,235,443.76, each point more 2.4 MW x (250,952.6 - 1,300 - 420) = 598,158.3 CNY/yr);
    34 and 35 % are infeasible (S <= 160 MWh = 33.33 % of L), with the explanation's advice."""
    study = run_pareto(read_site(two_days), "load_share=30:35:1", workers=0, keep_base=True)
    assert study.spec["rule"] == "load_share" and study.spec["site_threshold"] == pytest.approx(30.0)
    rows = {r["level"]: r for r in study.rows}
    assert sorted(rows) == [30, 31, 32, 33, 34, 35]
    for t in (30, 31, 32, 33):
        x, cost = by_hand(t)
        assert rows[t]["status"] == "pass"
        assert rows[t]["pv_mw"] == pytest.approx(x, abs=1e-6)
        assert rows[t]["cost_cny_per_year"] == pytest.approx(cost, rel=1e-9)
        assert rows[t]["load_share"] == pytest.approx(t, abs=1e-6)
    assert rows[30]["cost_cny_per_year"] == pytest.approx(8_235_443.76, abs=0.01)
    assert rows[31]["cost_cny_per_year"] - rows[30]["cost_cny_per_year"] == pytest.approx(
        2.4 * (A_PV - 1300 - 420), rel=1e-9)
    costs = [rows[t]["cost_cny_per_year"] for t in (30, 31, 32, 33)]
    assert all(b >= a for a, b in zip(costs, costs[1:], strict=False))
    for t in (34, 35):
        assert rows[t]["status"] == "infeasible" and rows[t].get("cost_cny_per_year") is None
        assert "no design within the bounds complies" in rows[t]["error"]
        assert rows[t]["advice"]  # no storage, PV saturated: no single bound helps
    # the base (the site's own 30 %) is the 30 % level
    assert study.base["cost_cny_per_year"] == pytest.approx(rows[30]["cost_cny_per_year"], rel=1e-12)
    assert study.base_result is not None and study.base_result.extra["finance"]["npv_cny"] is not None


def test_a_level_equals_a_separate_size_with_that_override(two_days, tmp_path):
    """32 % in the Pareto run = gdc size of the same file with overrides: {load_share: {threshold: 32}}."""
    study = run_pareto(read_site(two_days), "load_share=32", workers=0)
    data = yaml.safe_load(two_days.read_text())
    data["overrides"] = {"load_share": {"threshold": 32}}
    other = two_days.parent / "site-32.yaml"
    other.write_text(yaml.safe_dump(data))
    plain = size_site(read_site(other))
    (row,) = study.rows
    assert row["cost_cny_per_year"] == pytest.approx(plain.extra["cost"]["total_cny_per_year"], rel=1e-12)
    assert row["pv_mw"] == pytest.approx(plain.design.capacities_mw["pv"], abs=1e-9)
    assert row["pv_mw"] == pytest.approx(36.8, abs=1e-6)


def test_specs_and_rules_that_cannot_be_traded(two_days):
    assert parse_pareto("load_share=30:60:5") == ("load_share", [30.0, 35.0, 40.0, 45.0, 50.0, 55.0, 60.0])
    assert parse_pareto("export_share = 10, 15") == ("export_share", [10.0, 15.0])
    for bad in ("load_share", "load_share=30:20:5", "load_share=a:b:c", "load_share=30:40:0"):
        with pytest.raises(InputError):
            parse_pareto(bad)
    site = read_site(two_days)
    assert resolve_rule(site, "load_share").id == "load_share"
    with pytest.raises(InputError, match="did you mean 'load_share'"):
        resolve_rule(site, "load_shares")
    with pytest.raises(InputError, match="does not constrain"):  # a dispatch property: no linear form
        resolve_rule(site, "exchange_peak_valley")
    r = CliRunner().invoke(main, ["size", str(two_days), "--pareto", "voltage_level=100:200:50"])
    assert r.exit_code == 2 and "does not constrain" in r.output


def test_cli_table_json_and_plot(two_days, tmp_path):
    """One worker process: the table names the infeasible level, --json has both levels, the report
    (the base design's, with the trade-off section) and the workbook are written."""
    r = CliRunner().invoke(main, ["size", str(two_days), "--pareto", "load_share=31,34", "--workers", "1",
                                  "--report", str(tmp_path / "p.html"), "--xlsx", str(tmp_path / "p.xlsx")])
    assert r.exit_code == 0, r.output
    assert "infeasible" in r.output and "Trade-off" in r.output
    assert f"{by_hand(31)[1] / 1e4:,.1f}" in r.output
    html = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert "Trade-off: what each level of load_share costs" in html and "<svg" in html
    r = CliRunner().invoke(main, ["size", str(two_days), "--pareto", "load_share=31,34", "--workers", "1", "--json"])
    data = json.loads(r.output)
    assert [p["status"] for p in data["points"]] == ["pass", "infeasible"]
    assert data["points"][0]["cost_cny_per_year"] == pytest.approx(by_hand(31)[1], rel=1e-9)
