"""Benchmark of `gdc size`: gdc (Pyomo + HiGHS HiPO) vs the reference (arrays -> HiGHS defaults).

Usage (from the repository root)::

    python bench/bench_size.py --years 1          # gdc, then the reference (~3 min)
    python bench/bench_size.py                    # 1 and 2 stacked years
    python bench/bench_size.py --four             # also 4 years (reference ~1 h!)
    python bench/bench_size.py --years 1 --methods gdc-relaxed,gdc --json results/bench.json
    python bench/bench_size.py --years 1 --methods gdc-relaxed,gdc --gap 1e-6   # the exact optimum

Methods: ``gdc`` is gdc's exact sizing, renewables serving the load first in every hour (no
hour imports and exports at once: the sizing LP with its secant rows, then the branch and bound
over the renewable capacities when the LP's optimum falls short, gdc.optimise.size.self_use_first_design);
``gdc-relaxed`` is the earlier LP without that rule (``LPData.self_use_first=False``), which
may import and export in the same hour; ``reference`` is bench/reference_lp.py, the same
relaxed LP as plain arrays.

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

from reference_lp import load_v3_case, solve_reference, stack  # noqa: E402


def log(msg: str) -> None:
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


# ----------------------------------------------------------------------------- gdc hook
def gdc_lp_data(inp):
    """The same sizing problem as gdc's own :class:`gdc.optimise.model.LPData`."""
    from gdc.optimise.model import CapacityBounds, LPData, RuleConstraint
    from gdc.rules.ruleset import Rule, Source

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


def time_gdc_optimise(inp, self_use_first=True, gap=None):
    """gdc's own path on the same input: Pyomo build + standard-form translation + HiGHS
    with gdc's default options (gdc.optimise.solve.DEFAULT_OPTIONS); with ``self_use_first``
    also the check and, where needed, the branch and bound of gdc.optimise.size.self_use_first_design."""
    t_imp = time.perf_counter()
    import pyomo.environ  # noqa: F401 - imports are process start-up, timed apart from the model
    import pyomo.repn.plugins.standard_form  # noqa: F401

    t_imp = time.perf_counter() - t_imp
    from dataclasses import replace

    from gdc.optimise.size import self_use_first_design, solve_data

    data = replace(gdc_lp_data(inp), self_use_first=self_use_first)
    forbidden = np.zeros(len(data.load), dtype=bool)
    t0 = time.perf_counter()
    root = solve_data(data, forbidden)
    t1 = time.perf_counter()
    from gdc.optimise.size import SELF_USE_GAP

    best = self_use_first_design(data, root, forbidden, gap_tol=SELF_USE_GAP if gap is None else gap,
                                 progress=lambda line: log(f"    {time.perf_counter() - t0:7.1f} s {line}")) \
        if self_use_first else root
    t2 = time.perf_counter()
    tm = root.timings
    d = best.design
    caps = {**d.capacities_mw, "storage_power": d.storage_power_mw, "storage_energy": d.storage_energy_mwh}
    out = {"method": f"gdc{'' if self_use_first else '-relaxed'} (Pyomo + HiGHS {root.solution.info['solver']})",
           "objective": best.objective, "capacities": caps, "status": best.solution.status,
           "t_build": tm["build_s"] + tm["translate_s"], "t_pass": 0.0, "t_solve": (t2 - t0) - tm["build_s"]
           - tm["translate_s"], "t_total": t2 - t0, "pyomo_build": tm["build_s"], "pyomo_translate": tm["translate_s"],
           "pyomo_import": t_imp, "pyomo_share": (tm["build_s"] + tm["translate_s"]) / (t1 - t0), "root_s": t1 - t0,
           "rows": int(root.compiled.A.shape[0]), "columns": len(root.compiled.c),
           "ipm_iterations": root.solution.info.get("ipm_iterations")}
    if self_use_first:
        out["self_use_first"] = best.self_use_first
    b = best.balance
    out["simultaneous_hours"] = int(((b.re_export > 1e-6) & (b.grid_to_load + b.grid_to_storage > 1e-6)).sum())
    return out


# ----------------------------------------------------------------------------- main
def run(years, methods, gap=None):
    base = load_v3_case()
    rows = []
    for n in years:
        inp = stack(base, n)
        these = []
        for meth in methods:
            t0 = time.perf_counter()
            if meth == "reference":
                r = solve_reference(inp).summary()
            elif meth == "gdc":
                r = time_gdc_optimise(inp, gap=gap)
            elif meth == "gdc-relaxed":
                r = time_gdc_optimise(inp, self_use_first=False)
            else:
                raise SystemExit(f"unknown method {meth}")
            r["years"] = n
            r["wall"] = time.perf_counter() - t0
            r["key"] = meth
            these.append(r)
        # ratios once every method has run (gdc runs first by default: a fresh process for Pyomo)
        ref = next((r for r in these if r["key"] == "reference"), None)
        relaxed = next((r for r in these if r["key"] == "gdc-relaxed"), None)
        for r in these:
            if ref is not None:
                r["ratio_total_vs_reference"] = r["t_total"] / ref["t_total"]
                r["ratio_solve_vs_reference"] = r["t_solve"] / ref["t_solve"]
                r["rel_obj_diff_vs_reference"] = (r["objective"] - ref["objective"]) / abs(ref["objective"])
            if relaxed is not None:
                r["ratio_total_vs_relaxed"] = r["t_total"] / relaxed["t_total"]
                r["rel_obj_diff_vs_relaxed"] = (r["objective"] - relaxed["objective"]) / abs(relaxed["objective"])
            rows.append(r)
            caps = ", ".join(f"{k}={v:.3f}" for k, v in r["capacities"].items())
            ratio = f"{r.get('ratio_total_vs_reference', float('nan')):.3f}"
            log(
                f"[{n}y] {r['method']:<28s} build {r['t_build']:7.3f} s  pass {r['t_pass']:6.3f} s  "
                f"solve {r['t_solve']:8.2f} s  total {r['t_total']:8.2f} s  ratio {ratio}  "
                f"obj {r['objective']:.6f}  reldiff {r.get('rel_obj_diff_vs_reference', float('nan')):.1e}  "
                f"[{r['status']}] {caps}"
            )
            if "ratio_total_vs_relaxed" in r:
                log(f"[{n}y]   vs gdc-relaxed: time x{r['ratio_total_vs_relaxed']:.2f}, objective "
                    f"{100 * r['rel_obj_diff_vs_relaxed']:+.4f} %, hours importing and exporting at once "
                    f"{r['simultaneous_hours']}" + (f", self-use first {r['self_use_first']}" if "self_use_first" in r
                                                     else ""))
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
                    help="comma list of gdc, gdc-relaxed, reference (ratios are computed after all have run)")
    ap.add_argument("--json", type=Path, help="write results here (machine-readable)")
    ap.add_argument("--gap", type=float, default=None,
                    help="relative gap of the self-use-first search (default gdc's SELF_USE_GAP, 0.005)")
    a = ap.parse_args(argv)
    years = list(a.years) + ([4] if a.four and 4 not in a.years else [])
    rows = run(years, [m.strip() for m in a.methods.split(",") if m.strip()], gap=a.gap)
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(rows, indent=2, default=float))
        log(f"wrote {a.json}")


if __name__ == "__main__":
    main()
