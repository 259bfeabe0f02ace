"""Typical-day sizing vs the exact LP vs the plain reference LP, side by side in one process.

The same problem three ways (the V3 case, load share >= 35 %, bench/sites/v3-size.yaml):

1. the plain reference LP (arrays straight into highspy, HiGHS defaults): bench/reference_lp.py;
2. gdc's exact full-year LP (``gdc size``): Pyomo + HiGHS interior point;
3. gdc's typical-day sizing certified on the full year (``gdc size --typical-days N``).

Prints times, ratios against the reference in this run, objective differences, and whether
each typical-day design was certified on the full year. Usage::

    python bench/bench_typical.py [--days 8 16 24] [--json out.json] [--skip-reference]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from reference_lp import load_v3_case, solve_reference  # noqa: E402


def log(msg: str) -> None:
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, nargs="*", default=[8, 16, 24])
    ap.add_argument("--json", help="write the rows as JSON")
    ap.add_argument("--skip-reference", action="store_true", help="skip the ~1 min reference solve")
    args = ap.parse_args()

    import tsam  # noqa: F401 - imported once before timing (about 2 s), as in a batch

    from gdc.optimise.size import size_site
    from gdc.optimise.typical import size_site_typical
    from gdc.site.schema import read_site
    rows = []
    site = read_site(HERE / "sites" / "v3-size.yaml")
    ref_t = ref_obj = None
    if not args.skip_reference:
        inp = load_v3_case(load_share=0.35, util_min=None)
        r = solve_reference(inp)
        ref_t, ref_obj = r.t_total, r.objective
        rows.append({"method": "reference (HiGHS defaults)", "seconds": ref_t, "objective": ref_obj,
                     "certified": True})
    t0 = time.perf_counter()
    exact = size_site(site)
    t_exact = time.perf_counter() - t0
    exact_obj = exact.extra["optimiser"]["objective_cny_per_year"]
    rows.append({"method": "gdc exact LP", "seconds": t_exact, "objective": exact_obj, "certified": True,
                 "pyomo_s": exact.extra["optimiser"]["build_s"] + exact.extra["optimiser"]["translate_s"]})
    for n, cert in [(n, c) for n in args.days for c in ("lp", "dispatch")]:
        t0 = time.perf_counter()
        res = size_site_typical(site, n_days=n, certificate=cert)
        dt = time.perf_counter() - t0
        td = res.extra["typical_days"]
        rows.append({"method": f"gdc typical days ({n}, {cert})", "seconds": dt,
                     "objective": res.extra["cost"]["total_cny_per_year"], "certified": td["certified"],
                     "rounds": td["rounds"], "fallback": td.get("fallback")})
    base_t = ref_t or t_exact
    for r in rows:
        r["ratio_time_vs_reference"] = r["seconds"] / base_t
        r["speedup"] = base_t / r["seconds"]
        r["cost_vs_exact_pct"] = 100 * (r["objective"] - exact_obj) / exact_obj
        log(f"{r['method']:<34} {r['seconds']:8.2f} s  ratio {r['ratio_time_vs_reference']:.4f} "
            f"(x{r['speedup']:.1f} faster)  objective {r['objective']:,.2f}  vs exact {r['cost_vs_exact_pct']:+.3f} %"
            f"  certified {r['certified']}" + (f"  rounds {r['rounds']}" if "rounds" in r else ""))
    if ref_obj is not None:
        log(f"reference vs gdc exact objective: {abs(ref_obj - exact_obj) / ref_obj:.2e} relative")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
