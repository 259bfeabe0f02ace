"""gdc size --years: sizing over the project's life (gdc.optimise.horizon, gdc.optimise.stack; issue 13).

Small sites only: one hand day (24 h) or four representative days (96 h), so every test takes seconds.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from gdc.cli.main import main as cli
from gdc.optimise.horizon import prepare_horizon, size_horizon, year_weights
from gdc.optimise.model import lp_data
from gdc.optimise.size import solve_data
from gdc.optimise.stack import Plan, StackedLP, compile_block
from gdc.site.read import read_site

REPO = Path(__file__).resolve().parents[1]
NO_AGEING = {"pv_first_year_pct": 0, "pv_per_year_pct": 0, "wind_per_year_pct": 0, "storage_per_year_pct": 0}
#: PV so dear (20,000 CNY/kW) that only the rules make the LP build it.
DEAR_PV = {"pv": {"capex_cny_per_kw": 20000}}


def hand_day() -> pd.DataFrame:
    """Load 10 MW flat; PV 0.5 pu in hours 8-15 ('normal') or 0.4 pu ('dull'), else 0."""
    sun = (np.arange(24) >= 8) & (np.arange(24) <= 15)
    return pd.DataFrame({"hour": np.arange(24), "load_mw": 10.0, "pv_pu": np.where(sun, 0.5, 0.0),
                         "pv_dull": np.where(sun, 0.4, 0.0)})


def pv_site(tmp_path: Path, **changes) -> Path:
    """A national one-day site, start 2028: PV 0-100 MW (dear), storage 0-50 MW / 0-200 MWh, no ageing."""
    hand_day().to_csv(tmp_path / "p.csv", index=False)
    site = {
        "name": "hand day over the life", "jurisdiction": "national", "year": 2028, "start_year": 2028,
        "load": {"file": "p.csv", "column": "load_mw", "unit": "MW"}, "days": {"weights": [365]},
        "sources": [{"name": "pv", "type": "pv", "capacity_mw": {"min": 0, "max": 100},
                     "profile": {"file": "p.csv", "column": "pv_pu"}, "same_county": True, "same_city": True}],
        "storage": {"power_mw": {"min": 0, "max": 50}, "energy_mwh": {"min": 0, "max": 200},
                    "charge_efficiency": 1.0, "discharge_efficiency": 1.0, "soc_min": 0.0, "soc_max": 1.0,
                    "self_discharge_per_h": 0.0},
        "connection": {"voltage_kv": 110, "capacity_mw": 100, "spot_market": "continuous"},
        "degradation": NO_AGEING, "economics": {"discount_rate": 0.05, **DEAR_PV},
    }
    site.update(changes)
    path = tmp_path / "site.yaml"
    path.write_text(yaml.safe_dump(site, allow_unicode=True), encoding="utf-8")
    return path


def ramp_days_site(tmp_path: Path) -> Path:
    """Four representative days of sample_sites/ningxia-ramp (days 15, 105, 195, 285, weight 91.25 each)
    with PV and wind 0-300 MW and storage 0-100 MW / 0-400 MWh to size."""
    df = pd.read_csv(REPO / "sample_sites" / "ningxia-ramp" / "profiles.csv", comment="#")
    rows = np.concatenate([np.arange(d * 24, d * 24 + 24) for d in (15, 105, 195, 285)])
    df.iloc[rows][["load_mw", "pv_pu", "wind_pu"]].to_csv(tmp_path / "p.csv", index=False)
    site = yaml.safe_load((REPO / "sample_sites" / "ningxia-ramp" / "site.yaml").read_text(encoding="utf-8"))
    site["load"]["file"] = "p.csv"
    for s in site["sources"]:
        s["profile"]["file"] = "p.csv"
        s["capacity_mw"] = {"min": 0, "max": 300}
    site["storage"] = {"power_mw": {"min": 0, "max": 100}, "energy_mwh": {"min": 0, "max": 400}}
    site["days"] = {"weights": [91.25] * 4}
    path = tmp_path / "ramp.yaml"
    path.write_text(yaml.safe_dump(site, allow_unicode=True), encoding="utf-8")
    return path


def test_two_identical_years_stack_to_the_one_year_optimum(tmp_path):
    """The stacked LP of two copies of one year, weights 1/2 each and one build stage, is the one-year
    LP: the same optimum [CNY/yr] and the same capacities (PV, wind, storage) as solve_data on that year."""
    site = read_site(ramp_days_site(tmp_path))
    inp = prepare_horizon(site, [2026])
    b = inp.blocks[0]
    data = lp_data(b.site, b.profiles, b.costs, b.rule_set, inp.bounds)
    one = solve_data(data, b.profiles.export_forbidden)
    blk = compile_block(data)
    plan = Plan([2026], [2026, 2026], np.array([0.5, 0.5]), inp.plan.stage_costs, inp.plan.bounds)
    stack = StackedLP([blk, blk], plan)
    sol = stack.solve()
    assert sol.optimal
    assert sol.objective == pytest.approx(one.objective, rel=1e-8)
    adds = stack.additions(sol.x)
    for k, v in one.design.capacities_mw.items():
        assert adds[k][0] == pytest.approx(v, rel=1e-5, abs=1e-4)
    assert adds["storage_energy"][0] == pytest.approx(one.design.storage_energy_mwh, rel=1e-5, abs=1e-4)


def test_year_weights_are_the_discounted_annuity_shares():
    """r = 5 %, 2028-2031: d = 1, 1/1.05, 1/1.05^2, 1/1.05^3 = 1, 0.952381, 0.907029, 0.863838;
    D = 3.723248; 2028 weighs 1/D = 0.268583. With --years 2028,2030 the year 2028 stands for 2028
    and 2029: (1 + 0.952381) / D = 0.524376."""
    w, D = year_weights([2028, 2029, 2030, 2031], 0.05)
    assert D == pytest.approx(3.723248, abs=1e-6)
    assert w[2028] == pytest.approx(0.268583, abs=1e-6)
    assert sum(w.values()) == pytest.approx(1.0)
    w2, D2 = year_weights([2028, 2030, 2031], 0.05)
    assert D2 == pytest.approx(D)
    assert w2[2028] == pytest.approx(0.524376, abs=1e-6)


def test_design_passes_every_year_of_a_rising_threshold(tmp_path):
    """Ningxia's load share rises 1.5 pp a year from the start year 2026: 30, 31.5, 33, 34.5, 36,
    37.5 % in 2026-2031. The design sized over 2026-2031 is certified in every year (each year's
    least-cost dispatch of the design under that year's rules), and each row carries that year's threshold."""
    site = read_site(ramp_days_site(tmp_path))
    res = size_horizon(site, list(range(2026, 2032)))
    h = res.extra["horizon"]
    assert h["certified"]
    thr = [next(v["threshold"] for v in row["verdicts"] if v["rule"] == "load_share") for row in h["path"]]
    assert thr == pytest.approx([30.0, 31.5, 33.0, 34.5, 36.0, 37.5])
    assert all(row["certified"] and row["status"] != "fail" for row in h["path"])
    assert h["present_value_cny"] == pytest.approx(h["objective_cny_per_yr"] * h["annuity_factor"])
    assert res.site.year == 2026 and res.status != "fail"


def test_staged_build_is_cheaper_than_one_build(tmp_path):
    """National load share: 30 % to 2029, 35 % from 2030 (650号). One day: load 10 MW flat (240 MWh),
    PV 0.5 pu in 8 hours (4 MWh per MW a day), storage lossless.

    * 2028-2029: 30 % = 72 MWh a day: PV 18 MW, all used directly (9 MW < 10 MW load): no storage.
    * 2030-2031: 35 % = 84 MWh: direct use tops out at 80 MWh (PV >= 20 MW), so 4 MWh must be
      stored: PV 20 + 1 = 21 MW (surplus 0.5 x 21 - 10 = 0.5 MW for 8 h = 4 MWh), storage 4 MWh / 0.5 MW.

    One build pays for 21 MW and the storage from 2028; with stages [2028, 2030] 18 MW are built in
    2028, 3 MW and the storage in 2030, which is cheaper (the additions' annuities count from 2030)."""
    path = pv_site(tmp_path)
    site = read_site(path)
    years = [2028, 2029, 2030, 2031]
    one = size_horizon(site, years, exact=True).extra["horizon"]
    staged = size_horizon(site, years, exact=True, stages=[2028, 2030]).extra["horizon"]
    assert one["certified"] and staged["certified"]
    p1 = one["build_plan"][0]["add"]
    assert p1["pv"] == pytest.approx(21.0, abs=1e-4)
    assert p1["storage_energy"] == pytest.approx(4.0, abs=1e-4)
    first, later = staged["build_plan"]
    assert (first["year"], later["year"]) == (2028, 2030)
    assert first["add"]["pv"] == pytest.approx(18.0, abs=1e-4)
    assert first["add"]["storage_energy"] == pytest.approx(0.0, abs=1e-6)
    assert later["add"]["pv"] == pytest.approx(3.0, abs=1e-4)
    assert later["add"]["storage_energy"] == pytest.approx(4.0, abs=1e-4)
    assert staged["objective_cny_per_yr"] < one["objective_cny_per_yr"] * (1 - 1e-3)
    # the fast path (the site's own day: no clustering, certified on it) finds the same staged plan
    fast = size_horizon(site, years, stages=[2028, 2030]).extra["horizon"]
    assert fast["certified"]
    assert fast["objective_cny_per_yr"] == pytest.approx(staged["objective_cny_per_yr"], rel=1e-4)


def weather_site(tmp_path: Path) -> Path:
    return pv_site(tmp_path, weather_years=[
        {"name": "normal", "file": "p.csv", "columns": {"pv": "pv_pu"}},
        {"name": "dull", "file": "p.csv", "columns": {"pv": "pv_dull"}}])


def test_robust_design_passes_every_weather_year_and_one_weather_year_is_not_enough(tmp_path):
    """National 30 % load share in 2028 (72 MWh of the 240 MWh day). Normal year: PV 0.5 pu x 8 h =
    4 MWh/MW, so PV 18 MW; dull year: 0.4 x 8 = 3.2 MWh/MW, so 72 / 3.2 = 22.5 MW (9 MW < 10 MW load:
    all used directly). Sized on the normal year alone (18 MW) the dull year reaches 18 x 3.2 = 57.6 MWh
    = 24 % < 30 %: it fails. The robust design (22.5 MW) passes both; with --weather-pass 0.5 one of
    the two may fail, and the dull year's rules are the ones waived: 18 MW again."""
    site = read_site(weather_site(tmp_path))
    robust = size_horizon(site, [2028], exact=True).extra["horizon"]
    assert robust["certified"]
    assert robust["build_plan"][0]["add"]["pv"] == pytest.approx(22.5, abs=1e-4)
    assert {(r["weather"], r["certified"]) for r in robust["path"]} == {("normal", True), ("dull", True)}
    assert robust["binding"]["weather"] == "dull" and robust["binding"]["rule"] == "load_share"

    normal = size_horizon(site, [2028], weathers=["normal"], exact=True).extra["horizon"]
    assert normal["build_plan"][0]["add"]["pv"] == pytest.approx(18.0, abs=1e-4)
    from gdc.life.path import check_path
    from gdc.operation.dispatch import Design

    path = check_path(site, [2028], ["dull"], design=Design({"pv": 18.0}))
    row = path.as_dict()["path"][0]
    share = next(v for v in row["verdicts"] if v["id"] == "load_share")
    assert share["status"] == "fail" and share["value"] == pytest.approx(24.0, abs=1e-6)

    half = size_horizon(site, [2028], weather_pass=0.5).extra["horizon"]
    assert half["certified"]
    assert half["build_plan"][0]["add"]["pv"] == pytest.approx(18.0, abs=1e-4)
    assert half["weather_pass"]["rules_dropped"] == [{"year": 2028, "weather": "dull"}]
    assert half["weather_pass"]["share_by_year"]["2028"] == pytest.approx(0.5)


def test_cli_size_years_json_and_text(tmp_path):
    """gdc size --years prints the cost basis, the build plan by stage and the certified path, and
    --json carries horizon {years, weathers, cost_basis, objective, present value, build_plan, ...}."""
    path = pv_site(tmp_path)
    r = CliRunner().invoke(cli, ["size", str(path), "--years", "2028-2031", "--stages", "2028,2030", "--exact"])
    assert r.exit_code == 0, r.output
    assert "cost basis: annualised equivalent" in r.output
    assert "2030: pv +3.00 MW" in r.output
    r = CliRunner().invoke(cli, ["size", str(path), "--years", "2028-2031", "--exact", "--json"])
    assert r.exit_code == 0, r.output
    h = json.loads(r.output)["horizon"]
    assert {"years", "weathers", "cost_basis", "objective_cny_per_yr", "present_value_cny", "build_plan",
            "binding", "certified", "rounds", "seconds"} <= set(h)
    assert h["years"] == [2028, 2029, 2030, 2031]


@pytest.mark.parametrize("args, field", [
    (["--years", "2028-2031", "--stages", "2029x"], "--stages"),
    (["--years", "2028-2031", "--stages", "2035"], "stages"),
    (["--years", "2028-2031", "--gap", "0.01"], "--gap"),
    (["--stages", "2028,2030"], "--years"),
    (["--years", "2028-2031", "--exact", "--typical-days", "8"], "--typical-days"),
    (["--years", "2028-2031", "--weather-pass", "1.5"], "--weather-pass"),
])
def test_bad_horizon_options_are_input_errors(tmp_path, args, field):
    """Bad stage years, options that do not apply with --years, and horizon options without --years:
    exit code 2 naming the field."""
    r = CliRunner().invoke(cli, ["size", str(pv_site(tmp_path)), *args])
    assert r.exit_code == 2, r.output
    assert field in r.output


def test_a_year_no_design_can_meet_is_named(tmp_path):
    """PV at most 19 MW: 2028-2029 need 18 MW (30 % of the 240 MWh day at 4 MWh/MW), but 2030's 35 %
    (84 MWh) needs more than the 80 MWh that direct use reaches at 20 MW or more, so no design complies
    in 2030: exit code 1, the message names 2030."""
    path = pv_site(tmp_path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["sources"][0]["capacity_mw"] = {"min": 0, "max": 19}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    r = CliRunner().invoke(cli, ["size", str(path), "--years", "2028-2030"])
    assert r.exit_code == 1, r.output
    assert "in 2030" in r.output
    ok = CliRunner().invoke(cli, ["size", str(path), "--years", "2028-2029", "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["horizon"]["build_plan"][0]["add"]["pv"] == pytest.approx(18.0, abs=1e-4)


def test_staged_sample_adds_pv_as_the_load_grows():
    """sample_sites/staged-storage: the load is 60 % of its full value in 2026, so the 2026 rules
    (self-use >= 60 % of the available PV, export <= 20 %) cap the PV one build can have; with the
    file's stages [2026, 2028, 2030] the first stage is that same PV, PV is added in 2028 when the load
    reaches its full value, and the annualised cost is lower than the single build's."""
    site = read_site(REPO / "sample_sites" / "staged-storage" / "size.yaml")
    years = list(range(2026, 2032))
    one = size_horizon(site, years, stages=[2026]).extra["horizon"]
    staged = size_horizon(site, years).extra["horizon"]
    assert one["certified"] and staged["certified"]
    assert [r["year"] for r in staged["build_plan"]] == [2026, 2028, 2030]
    assert staged["build_plan"][0]["add"]["PV"] == pytest.approx(one["build_plan"][0]["add"]["PV"], rel=1e-4)
    assert staged["build_plan"][1]["add"]["PV"] > 1.0
    assert staged["objective_cny_per_yr"] < 0.9 * one["objective_cny_per_yr"]


def test_fixed_renewables_in_the_stack_equal_the_model_built_with_them_fixed(tmp_path):
    """StackedLP.fix_renewables makes the secant rows of a box of one point: one block with PV 150 MW
    and wind 40 MW fixed that way (storage free) has the optimum of the single-year LP built with
    those capacities as fixed bounds (where the self-use-first rule is variable bounds)."""
    from dataclasses import replace

    from gdc.optimise.model import CapacityBounds

    site = read_site(ramp_days_site(tmp_path))
    inp = prepare_horizon(site, [2026])
    b = inp.blocks[0]
    data = lp_data(b.site, b.profiles, b.costs, b.rule_set, inp.bounds)
    caps = {"PV Lingwu": 150.0, "Wind Helan": 40.0}
    fixed = replace(data, bounds=CapacityBounds(sources={k: (v, v) for k, v in caps.items()},
                                                storage_power=data.bounds.storage_power,
                                                storage_energy=data.bounds.storage_energy))
    ref = solve_data(fixed, b.profiles.export_forbidden)
    stack = StackedLP([compile_block(data)], inp.plan)
    stack.fix_renewables({k: [v] for k, v in caps.items()})
    sol = stack.solve()
    assert sol.optimal and ref.solution.optimal
    assert sol.objective == pytest.approx(ref.objective, rel=1e-7)
    assert stack.additions(sol.x)["storage_energy"][0] == pytest.approx(ref.design.storage_energy_mwh, rel=1e-4,
                                                                        abs=1e-3)


@pytest.mark.parametrize("scale", [1.0, 0.3])
def test_compiled_certificate_is_the_pyomo_certificate(tmp_path, scale):
    """--exact certifies each year from the block's compiled sizing LP (capacity columns fixed,
    self-use-first rows exact: certify_compiled) instead of building the fixed design's LP with
    Pyomo again (certify_block). Both are the least-cost full-year dispatch of the design under the
    year's rules: the same verdict and, where the design passes, the same cost [CNY/yr] and rule
    values [%]. The design is the 2030 optimum of four Ningxia days (load share 36 %), then the
    same design scaled to 30 %, which must fail the same rule in both."""
    from gdc.operation.dispatch import Design
    from gdc.optimise.certify import certify_block, certify_compiled

    site = read_site(ramp_days_site(tmp_path))
    inp = prepare_horizon(site, [2030])
    b = inp.blocks[0]
    data = lp_data(b.site, b.profiles, b.costs, b.rule_set, inp.bounds)
    opt = solve_data(data, b.profiles.export_forbidden).design
    d = Design(capacities_mw={k: scale * v for k, v in opt.capacities_mw.items()},
               storage_power_mw=scale * opt.storage_power_mw, storage_energy_mwh=scale * opt.storage_energy_mwh)
    fast = certify_compiled(b, compile_block(data), inp.bounds, d)
    slow = certify_block(b, inp.bounds, d, "lp")
    assert fast.certified == slow.certified == (scale == 1.0)
    assert set(fast.failing) == set(slow.failing)
    if scale == 1.0:
        assert fast.by == "least-cost full-year LP (compiled)"
        assert fast.total_cny == pytest.approx(slow.total_cny, rel=1e-5)
        for a, c in zip(fast.verdicts, slow.verdicts, strict=True):
            assert a["rule"] == c["rule"] and a["status"] == c["status"]
            assert a["value"] == pytest.approx(c["value"], abs=1e-3)
    else:
        assert "load_share" in fast.failing
        assert fast.failing["load_share"] == pytest.approx(slow.failing["load_share"], abs=1e-6)


def test_blocks_built_in_processes_are_the_blocks_built_here(tmp_path):
    """--exact builds the years' LPs in --workers processes (compile_blocks): the same matrix,
    bounds and objective, entry for entry, as building them in this process."""
    from gdc.optimise.horizon import compile_blocks

    site = read_site(ramp_days_site(tmp_path))
    inp = prepare_horizon(site, [2026, 2027, 2028])
    datas = [lp_data(b.site, b.profiles, b.costs, b.rule_set, inp.bounds) for b in inp.blocks]
    here, there = compile_blocks(datas, 1), compile_blocks(datas, 2)
    assert len(there) == 3
    for a, b in zip(here, there, strict=True):
        for name in ("rows", "cols", "vals", "c", "row_lower", "row_upper", "col_lower", "col_upper", "rule_rows"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        assert a.cap_cols == b.cap_cols and a.offset == b.offset


def test_representative_years_and_their_weights(tmp_path):
    """From 12 evaluated years the fast path stacks representative years only. National rules over
    2028-2041 (load share 30 % to 2029, 35 % from 2030: 650号), storage replaced in year 10 (2037):
    kept are 2028 (first, stage), 2029 and 2030 (the threshold step), 2036 and 2037 (the
    replacement), 2041 (last), and 2033 and 2040 so that no gap exceeds 3 years. A skipped year's
    weight goes to its neighbours linearly: 2031 gives 2/3 of its weight to 2030 and 1/3 to 2033."""
    from gdc.optimise.representative import representative_weights, representative_years

    site = read_site(pv_site(tmp_path))
    years = list(range(2028, 2042))
    inp = prepare_horizon(site, years)
    kept = representative_years(inp)
    assert kept == [2028, 2029, 2030, 2033, 2036, 2037, 2040, 2041]
    w = representative_weights(inp, kept)
    own = {b.year: b.weight for b in inp.blocks}
    at = {inp.blocks[i].year: v for i, v in w.items()}
    assert sum(w.values()) == pytest.approx(1.0)
    # 2030 <- 2031 (2/3), 2032 (1/3); 2033 <- 2031 (1/3), 2032 (2/3), 2034 (2/3), 2035 (1/3)
    assert at[2030] == pytest.approx(own[2030] + own[2031] * 2 / 3 + own[2032] / 3)
    assert at[2033] == pytest.approx(own[2033] + own[2031] / 3 + own[2032] * 2 / 3 + own[2034] * 2 / 3 + own[2035] / 3)
    assert representative_years(prepare_horizon(site, years[:11])) == years[:11]  # below 12 years: all


def test_representative_stack_gives_the_full_stacks_design(tmp_path, monkeypatch):
    """Without ageing the years of one threshold plateau are the same year, so the interpolated
    stack of representative years is the full stack's LP: over 2028-2041 the sized design and its
    certified cost [CNY/yr] equal those of the stack of all 14 years, and every year is certified."""
    import gdc.optimise.horizon as horizon

    site = read_site(pv_site(tmp_path))
    years = list(range(2028, 2042))
    some = horizon.size_horizon(site, years)
    import gdc.optimise.representative as representative

    monkeypatch.setattr(representative, "YEAR_REDUCTION_FROM", 100)
    every = horizon.size_horizon(site, years)
    h1, h2 = some.extra["horizon"], every.extra["horizon"]
    assert h1["stack_years"] == [2028, 2029, 2030, 2033, 2036, 2037, 2040, 2041] and h2["stack_years"] == years
    assert h1["certified"] and h2["certified"]
    assert h1["objective_cny_per_yr"] == pytest.approx(h2["objective_cny_per_yr"], rel=1e-6)
    assert some.design.capacities_mw["pv"] == pytest.approx(every.design.capacities_mw["pv"], rel=1e-5)
    assert some.design.storage_energy_mwh == pytest.approx(every.design.storage_energy_mwh, rel=1e-5, abs=1e-5)


def test_terminal_names_the_representative_years(tmp_path):
    """`gdc size --years` prints which years the stack held when it was not all of them."""
    r = CliRunner().invoke(cli, ["size", str(pv_site(tmp_path)), "--years", "2028-2041"])
    assert r.exit_code == 0, r.output
    assert ("stacked LP over representative years: 2028, 2029, 2030, 2033, 2036, 2037, 2040, 2041 "
            "(8/14; every year certified)") in r.output
