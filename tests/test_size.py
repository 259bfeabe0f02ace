"""gdc size: hand-derivable optima, the reference LP, consistency, write-site and infeasibility."""

from __future__ import annotations

import sys

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from conftest import REPO, SAMPLES
from conftest import two_day_site as two_days

from gdc.check import check_file, check_site
from gdc.cli.main import main
from gdc.operation.prices import crf
from gdc.optimise.size import optimal_dispatch, size_site
from gdc.site.errors import InfeasibleError
from gdc.site.schema import read_site

#: PV annual cost per MW with the china-2025 preset: 3100 CNY/kW x (CRF(5 %, 25 y) + 1 % O&M)
A_PV = 3100e3 * (crf(0.05, 25) + 0.01)


def test_pv_only_optimum_by_hand(tmp_path):
    """Load 10 MW x 48 h = 480 MWh. The 30 % load share needs S >= 144 MWh.

    With PV capacity x: day 1 gives min(0.5x, 10) for 8 h, day 2 min(0.25x, 10) for 8 h.
    For 20 <= x <= 40, S = 80 + 2x, so S = 144 at x = 32 MW. Then A = 8 (16 + 8) = 192,
    S/A = 75 % (>= 60). Day 1's surplus is 6 MW x 8 h = 48 MWh, but exports may be at most
    20 % of A = 38.4 MWh: 9.6 MWh are curtailed. More PV only adds cost (250,945 CNY/MW/yr
    against at most 2 MWh x 650 CNY saved), so x = 32 MW. Flat tariff (flat-national preset):
    import 650, export 350 CNY/MWh. Objective = 32 A_PV + 336 x 650 - 38.4 x 350.
    """
    r = size_site(read_site(two_days(tmp_path)))
    assert r.design.capacities_mw["pv"] == pytest.approx(32.0, abs=1e-6)
    m = r.metrics
    assert (m.S, m.A, m.E, m.C, m.I) == pytest.approx((144.0, 192.0, 38.4, 9.6, 336.0), abs=1e-6)
    expected = 32 * A_PV + 336 * 650 - 38.4 * 350
    assert r.extra["optimiser"]["objective_cny_per_year"] == pytest.approx(expected, rel=1e-9)
    assert r.extra["cost"]["total_cny_per_year"] == pytest.approx(expected, rel=1e-9)
    assert r.status == "pass"
    v = {v.rule.id: v for v in r.verdicts}
    assert v["load_share"].margin == pytest.approx(0.0, abs=1e-6)
    assert v["export_share"].margin == pytest.approx(0.0, abs=1e-6)


def test_objective_equals_reference_lp(tmp_path):
    """The Pyomo model and bench/reference_lp.py (arrays straight into highspy) agree."""
    sys.path.insert(0, str(REPO / "bench"))
    from reference_lp import SizingInput, solve_reference

    from gdc.check import get_rule_set
    from gdc.operation.prices import get_costs
    from gdc.optimise.model import lp_data
    from gdc.profiles.series import get_profiles

    st = {"power_mw": {"min": 0, "max": 50}, "energy_mwh": {"min": 0, "max": 200}}
    site = read_site(two_days(tmp_path, storage=st, wind=True))
    # one storage period over both days: the reference LP is cyclic over its whole horizon
    prof = get_profiles(site)
    prof = type(prof)(**{**prof.__dict__, "period_hours": 48})
    rs, _ = get_rule_set(site)
    costs = get_costs(site, prof)
    data = lp_data(site, prof, costs, rs)
    ref = SizingInput(
        load=data.load, profiles=np.vstack([data.pu["pv"], data.pu["wf"]]), import_price=data.import_price,
        export_price=data.export_price, export_cap=np.minimum(data.export_cap, 1e9), weights=data.weights,
        cost_source=np.array([data.cost_per_mw["pv"], data.cost_per_mw["wf"]]),
        cap_lo=np.zeros(2), cap_hi=np.array([100.0, 100.0]), cost_power=data.storage_cost_per_mw,
        cost_energy=data.storage_cost_per_mwh, source_names=("pv", "wf"), import_cap=100.0, p_max=50.0,
        e_max=200.0, eta_c=data.eta_c, eta_d=data.eta_d, sigma=data.sigma, soc_min=data.soc_min,
        soc_max=data.soc_max, gen_share=0.60, load_share=0.30, export_share=0.20, util_min=None)
    ref_obj = solve_reference(ref).objective
    from gdc.optimise.size import solve_data

    ours = solve_data(data, prof.export_forbidden)
    assert ours.solution.optimal
    assert ours.objective == pytest.approx(ref_obj + data.constant_cost, rel=1e-7)


def test_sized_storage_fixed_again_gives_same_dispatch_and_cost(tmp_path):
    """Size PV + storage, fix the sized values, re-optimise the dispatch: same cost, no free energy."""
    st = {"power_mw": {"min": 0, "max": 50}, "energy_mwh": {"min": 0, "max": 200},
          "charge_efficiency": 0.95, "discharge_efficiency": 0.95}
    path = two_days(tmp_path, storage=st)
    sized = size_site(read_site(path))
    assert sized.design.storage_energy_mwh > 0  # storage is worth it here (import 650 > 0)
    out = tmp_path / "sized.yaml"
    from gdc.exchange.write_site import write_sized_site

    write_sized_site(sized.site, sized.design, out)
    fixed = optimal_dispatch(read_site(out))
    assert fixed.extra["cost"]["total_cny_per_year"] == pytest.approx(sized.extra["cost"]["total_cny_per_year"],
                                                                      rel=1e-6)
    assert fixed.metrics.S == pytest.approx(sized.metrics.S, rel=1e-6)
    for r in (sized, fixed):
        assert abs(r.metrics.storage_gain) < 1e-6  # cyclic: ends where it starts
        res = r.balance.residuals()
        assert max(res.values()) < 1e-6


def test_infeasible_site_explains_the_rules(tmp_path):
    """PV at most 5 MW: S <= 8 (2.5 + 1.25) = 30 MWh, far from the 144 MWh (30 % of load) needed.
    The explanation names the load-share rule and the PV capacity that would be needed (32 MW)."""
    path = two_days(tmp_path, pv_max=5.0)
    with pytest.raises(InfeasibleError) as e:
        size_site(read_site(path))
    exp = e.value.explanation
    assert [s["rule"] for s in exp.shortfalls] == ["load_share"]
    assert exp.shortfalls[0]["value"] == pytest.approx(100 * 30 / 480, abs=1e-4)
    assert "pv: at least 32.0 MW" in exp.needed[0]
    res = CliRunner().invoke(main, ["size", str(path)])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert "Self-consumed renewables as share of total consumption" in res.output


def test_optimal_dispatch_of_failing_design_gives_additions(tmp_path):
    """A fixed PV of 20 MW reaches S = 80 + 40 = 120 < 144: the least-cost addition is +12 MW PV."""
    path = two_days(tmp_path)
    data = yaml.safe_load(path.read_text())
    data["sources"][0]["capacity_mw"] = 20
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(InfeasibleError) as e:
        optimal_dispatch(read_site(path))
    assert "pv: +12.0 MW" in e.value.explanation.needed[0]


def test_check_sizes_a_site_with_bounds_and_write_site_round_trip(tmp_path):
    path = two_days(tmp_path)
    out = tmp_path / "sub" / "sized.yaml"
    out.parent.mkdir()
    res = CliRunner().invoke(main, ["check", str(path), "--write-site", str(out)])
    assert res.exit_code == 0, res.output
    assert "sized first" in res.output
    again = CliRunner().invoke(main, ["check", str(out), "--dispatch", "optimal"])
    assert again.exit_code == 0, again.output
    assert read_site(out).sources[0].capacity_mw == pytest.approx(32.0, abs=1e-5)


@pytest.mark.parametrize("name", sorted(p.parent.name for p in SAMPLES.glob("*/size.yaml")))
def test_sized_sample_sites_pass_optimal_check(tmp_path, name):
    """Every sample site's sizing variant: size, --write-site, then check --dispatch optimal passes."""
    out = tmp_path / "sized.yaml"
    res = CliRunner().invoke(main, ["size", str(SAMPLES / name / "size.yaml"), "--write-site", str(out)])
    assert res.exit_code == 0, res.output
    assert CliRunner().invoke(main, ["check", str(out), "--dispatch", "optimal"]).exit_code == 0
    # and the renewable-first dispatch of the sized design is a valid balance too
    r = check_file(out)
    assert max(r.balance.residuals().values()) < 1e-9
    _ = check_site


def test_runs_after_another_highs_started_its_thread_pool(tmp_path):
    """HiGHS's global thread pool, started by another instance with other threads, must not break gdc."""
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 2)
    h.addVar(0.0, 1.0)
    h.changeColCost(0, 1.0)
    h.run()  # starts the global scheduler with 2 threads: a later threads=1 run fails unless reset
    r = size_site(read_site(two_days(tmp_path)))
    assert r.design.capacities_mw["pv"] == pytest.approx(32.0, abs=1e-6)


def test_interior_point_is_hipo_and_all_solvers_agree(tmp_path):
    """``highspy[extras]`` is a dependency, so ``solver="ipm"`` runs HiGHS's HiPO (HiGHS
    silently runs the simplex when HiPO is missing, hence gdc's probe). HiPO, IPX and the dual
    simplex reach the same optimum on a 48-hour site with PV, wind and storage to size; the
    model's finite implied bounds on the hourly flows must not cut it off."""
    import importlib.util

    from gdc.check import get_rule_set
    from gdc.operation.prices import get_costs
    from gdc.optimise.model import lp_data
    from gdc.optimise.size import solve_data
    from gdc.optimise.solve import ipm_solver
    from gdc.profiles.series import get_profiles

    if importlib.util.find_spec("highspy_extras") is None:
        pytest.skip("highspy-extras not installed: IPX is the interior point")
    assert ipm_solver() == "hipo"
    st = {"power_mw": {"min": 0, "max": 50}, "energy_mwh": {"min": 0, "max": 200}}
    site = read_site(two_days(tmp_path, storage=st, wind=True))
    prof = get_profiles(site)
    rs, _ = get_rule_set(site)
    data = lp_data(site, prof, get_costs(site, prof), rs)
    objs = {}
    for solver in ("hipo", "ipx", "simplex"):
        r = solve_data(data, prof.export_forbidden, options={"solver": solver, "run_crossover": "on"})
        assert r.solution.optimal, solver
        objs[solver] = r.objective
        if solver == "hipo":
            assert r.solution.info["ipm_iterations"] > 0
    assert objs["hipo"] == pytest.approx(objs["simplex"], rel=1e-8)
    assert objs["ipx"] == pytest.approx(objs["simplex"], rel=1e-8)


def test_hipo_unknown_is_retried_with_ipx(tmp_path, monkeypatch):
    """HiPO ended "Unknown" on a badly scaled elastic LP (penalties of 1e5 CNY/MWh); ``solve``
    then runs IPX on the same LP instead of giving up (here HiPO's answer is relabelled)."""
    import gdc.optimise.solve as S
    from gdc.check import get_rule_set
    from gdc.operation.prices import get_costs
    from gdc.optimise.model import build_model, lp_data
    from gdc.profiles.series import get_profiles

    if S.ipm_solver() != "hipo":
        pytest.skip("HiPO not available")
    site = read_site(two_days(tmp_path))
    prof = get_profiles(site)
    rs, _ = get_rule_set(site)
    lp = S.compile_model(build_model(lp_data(site, prof, get_costs(site, prof), rs)))
    real, seen = S.run_highs, []

    def relabel(h):
        sol = real(h)
        seen.append(S._option(h, "solver"))
        if seen[-1] == "hipo":
            sol.status = "Unknown"
        return sol

    monkeypatch.setattr(S, "run_highs", relabel)
    sol = S.solve(lp, {"solver": "ipm"})
    assert seen == ["hipo", "ipx"]
    assert sol.optimal and sol.info["hipo_claimed"] == "Unknown"
    assert sol.objective == pytest.approx(S.solve(lp, {"solver": "simplex"}).objective, rel=1e-8)
