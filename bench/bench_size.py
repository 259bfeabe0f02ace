"""Benchmark of the `gdc size` LP: gdc (Pyomo + HiGHS HiPO) vs the reference (arrays -> HiGHS defaults).

Usage (from the repository root)::

    python bench/bench_size.py --years 1          # gdc, then the reference (~3 min)
    python bench/bench_size.py                    # 1 and 2 stacked years
    python bench/bench_size.py --four             # also 4 years (reference ~1 h!)
    python bench/bench_size.py --years 1 --methods gdc,reference,fast --json results/bench.json

Human-readable lines go to STDERR (highspy prints its banner on stdout when a Highs
object is created, so stdout is not clean); machine-readable results go to ``--json``.
Ratios are against the reference run in the SAME process and the same stacking. gdc runs
first (the reference does not care about order; Pyomo's translation is ~30 % slower after
the reference's long simplex run in the same process); Pyomo's imports are timed apart.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fast_exact import solve_fast_exact  # noqa: E402
from reference_lp import load_v3_case, solve_reference, stack  # noqa: E402


def log(msg: str) -> None:
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


# ----------------------------------------------------------------------------- gdc hook
def gdc_lp_data(inp):
    """The same sizing problem as gdc's own :class:`gdc.optimise.model.LPData`."""
    from gdc.optimise.model import CapacityBounds, LPData, RuleConstraint
    from gdc.rules import Rule, Source

    def rule(rid):
        return Rule(id=rid, name_zh=rid, name_en=rid, kind="hard", source=Source("bench", "", ""), confidence="D")

    rules = [RuleConstraint(rule("self_use_share"), {"S": 1.0, "A": -inp.gen_share}, ">=", 100 * inp.gen_share),
             RuleConstraint(rule("load_share"), {"S": 1.0, "L": -inp.load_share}, ">=", 100 * inp.load_share),
             RuleConstraint(rule("export_share"), {"E": 1.0, "A": -inp.export_share}, "<=", 100 * inp.export_share)]
    if inp.util_min is not None:
        rules.append(RuleConstraint(rule("utilisation"), {"A": 1.0 - inp.util_min, "C": -1.0}, ">=",
                                    100 * inp.util_min))
    names = list(inp.source_names)
    return LPData(
        weights=inp.weights, period_hours=inp.T, load=inp.load,
        pu={k: inp.profiles[i] for i, k in enumerate(names)},
        source_type={k: ("pv" if k == "pv" else "wind") for k in names},
        bounds=CapacityBounds(sources={k: (float(inp.cap_lo[i]), float(inp.cap_hi[i])) for i, k in enumerate(names)},
                              storage_power=(0.0, inp.p_max), storage_energy=(0.0, inp.e_max)),
        cost_per_mw={k: float(inp.cost_source[i]) for i, k in enumerate(names)},
        storage_cost_per_mw=inp.cost_power, storage_cost_per_mwh=inp.cost_energy, constant_cost=0.0,
        import_price=inp.import_price, export_price=inp.export_price, export_cap=inp.export_cap,
        import_cap=None if np.isinf(inp.import_cap) else float(inp.import_cap),
        eta_c=inp.eta_c, eta_d=inp.eta_d, soc_min=inp.soc_min, soc_max=inp.soc_max, sigma=inp.sigma,
        duration_min=inp.dur_min, duration_max=inp.dur_max, rules=rules)


def time_gdc_optimise(inp):
    """gdc's own path on the same input: Pyomo build + standard-form translation + HiGHS
    with gdc's default options (gdc.optimise.solve.DEFAULT_OPTIONS)."""
    t_imp = time.perf_counter()
    import pyomo.environ  # noqa: F401 - imports are process start-up, timed apart from the model
    import pyomo.repn.plugins.standard_form  # noqa: F401

    t_imp = time.perf_counter() - t_imp
    from gdc.optimise.model import build_model
    from gdc.optimise.solve import compile_model, solve

    data = gdc_lp_data(inp)
    t0 = time.perf_counter()
    model = build_model(data)
    t1 = time.perf_counter()
    lp = compile_model(model)
    t2 = time.perf_counter()
    sol = solve(lp)
    t3 = time.perf_counter()
    caps = {k: float(sol.x[lp.col(model.cap[k])]) for k in data.pu}
    caps["storage_power"] = float(sol.x[lp.col(model.P)])
    caps["storage_energy"] = float(sol.x[lp.col(model.E)])
    return {"method": f"gdc.optimise (Pyomo + HiGHS {sol.info})", "objective": sol.objective, "capacities": caps,
            "status": sol.status, "t_build": (t1 - t0) + (t2 - t1), "t_pass": 0.0, "t_solve": t3 - t2,
            "t_total": t3 - t0, "pyomo_build": t1 - t0, "pyomo_translate": t2 - t1, "pyomo_import": t_imp,
            "pyomo_share": (t2 - t0) / (t3 - t0)}


# ----------------------------------------------------------------------------- main
def run(years, methods, fast_method):
    base = load_v3_case()
    rows = []
    for n in years:
        inp = stack(base, n)
        these = []
        for meth in methods:
            t0 = time.perf_counter()
            if meth == "reference":
                r = solve_reference(inp).summary()
            elif meth == "fast":
                r = solve_fast_exact(inp, method=fast_method).summary()
            elif meth == "gdc":
                r = time_gdc_optimise(inp)
            else:
                raise SystemExit(f"unknown method {meth}")
            r["years"] = n
            r["wall"] = time.perf_counter() - t0
            r["key"] = meth
            these.append(r)
        # ratios once every method has run (gdc runs first by default: a fresh process for Pyomo)
        ref = next((r for r in these if r["key"] == "reference"), None)
        for r in these:
            if ref is not None:
                r["ratio_total_vs_reference"] = r["t_total"] / ref["t_total"]
                r["ratio_solve_vs_reference"] = r["t_solve"] / ref["t_solve"]
                r["rel_obj_diff_vs_reference"] = (r["objective"] - ref["objective"]) / abs(ref["objective"])
            rows.append(r)
            caps = ", ".join(f"{k}={v:.3f}" for k, v in r["capacities"].items())
            ratio = f"{r.get('ratio_total_vs_reference', float('nan')):.3f}"
            log(
                f"[{n}y] {r['method']:<28s} build {r['t_build']:7.3f} s  pass {r['t_pass']:6.3f} s  "
                f"solve {r['t_solve']:8.2f} s  total {r['t_total']:8.2f} s  ratio {ratio}  "
                f"obj {r['objective']:.6f}  reldiff {r.get('rel_obj_diff_vs_reference', float('nan')):.1e}  "
                f"[{r['status']}] {caps}"
            )
            if "pyomo_share" in r:
                log(f"[{n}y]   Pyomo: build {r['pyomo_build']:.3f} s + translate {r['pyomo_translate']:.3f} s = "
                    f"{100 * r['pyomo_share']:.1f} % of gdc's total (imports {r['pyomo_import']:.2f} s, once "
                    "per process, not counted)")
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--years", type=int, nargs="+", default=[1, 2], help="stackings to run (default 1 2)")
    ap.add_argument("--four", action="store_true", help="add 4 stacked years (slow: the reference takes ~1 h)")
    ap.add_argument("--methods", default="gdc,reference",
                    help="comma list of gdc, reference, fast (ratios are computed after all have run)")
    ap.add_argument("--fast-method", default="highs_ipm", help="fast_exact method (highs_ipm|banded_ipm)")
    ap.add_argument("--json", type=Path, help="write results here (machine-readable)")
    a = ap.parse_args(argv)
    years = list(a.years) + ([4] if a.four and 4 not in a.years else [])
    rows = run(years, [m.strip() for m in a.methods.split(",") if m.strip()], a.fast_method)
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(rows, indent=2, default=float))
        log(f"wrote {a.json}")


if __name__ == "__main__":
    main()
