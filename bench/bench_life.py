"""Benchmark of sizing over the project's life (issue 13): gdc's horizon sizing vs one stacked LP.

The V3 case (``bench/sites/v3-size.yaml``, the curves of ``/work/shared/cases/v3-tool``) over
1, 3, 10 (and 25) years from its start year, one block per year: each year its own profiles (PV,
wind x degradation, load x growth, storage fade: gdc's year model ``gdc.profiles.life``) and its
own rule rows (that year's thresholds), capacities shared. Methods:

* ``reference``: the stacked life LP as plain arrays straight into highspy
  (``reference_lp.solve_life``), HiGHS HiPO with its defaults (``--ref-solvers``: a comma list
  of ``reference_lp.REFERENCE_SOLVERS``; ``hipo-amd-nox``, HiPO with the AMD ordering and no
  crossover, is gdc's own HiGHS configuration and the best one on this LP; ``ipx`` and
  ``defaults`` run for the first size only);
* ``fast``: ``gdc.optimise.horizon.size_horizon(site, years)``, typical days per year,
  certified on every full year;
* ``exact``: ``size_horizon(site, years, exact=True)``, the stacked full-year LP (its
  self-use-first rows, then the renewables fixed where the relaxation does not serve the load
  first);
* ``exact-relaxed``: gdc's stacked full-year LP without the self-use-first rows: the reference's
  own problem (the plain LP may charge the storage from renewables while the load imports, which
  gdc forbids), built by gdc: its optimum must equal the reference's.

The reference and ``exact-relaxed`` are the relaxed problem, a lower bound of what ``fast`` and
``exact`` solve (renewables serve the load first in every hour): their cost difference to the
reference is the price of that rule plus any suboptimality.

Each (method, size) runs in a FRESH subprocess, so its peak memory (``resource.getrusage``
``ru_maxrss``) is its own; imports (numpy, highspy, Pyomo, tsam, gdc) happen before the clock
starts and are reported apart. Ratios compare runs of the same invocation, back to back, on the
same machine (2 cores, shared: the load average before and after each run is recorded). The growth
exponent is the least-squares slope of log(time) against log(years).

Usage (from the repository root)::

    python bench/bench_life.py --years 1 3 10 --json results/life.json
    python bench/bench_life.py --years 25 --methods fast
    python bench/bench_life.py --years 1 --methods reference --ref-solvers hipo,ipx,defaults
    python bench/bench_life.py --years 1 3 10 --methods reference,exact --ref-solvers hipo,hipo-amd-nox

Readable lines go to STDERR; ``--json`` writes every row.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# this checkout's gdc, not an installed copy (a script's sys.path[0] is bench/, not the repository)
sys.path.insert(0, str(HERE.parent))
SITE = HERE / "sites" / "v3-size.yaml"
METHODS = ("reference", "fast", "exact", "exact-relaxed")


def log(msg: str) -> None:
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages [-]."""
    return [round(x, 2) for x in os.getloadavg()]


def horizon_years(site_path: Path, n: int) -> list[int]:
    """The first ``n`` calendar years of the site's life."""
    from gdc.site.read import read_site

    site = read_site(site_path)
    start = site.start_year or site.year
    return list(range(start, start + n))


# ----------------------------------------------------------------------------- workers
def work_reference(site_path: Path, n: int, solver: str, threads: int | None) -> dict:
    sys.path.insert(0, str(HERE))
    import highspy  # noqa: F401 - import before the clock
    from reference_lp import solve_life, v3_life_input

    years = horizon_years(site_path, n)
    t0 = time.perf_counter()
    life = v3_life_input(years, site_path)
    t_input = time.perf_counter() - t0
    res = solve_life(life, solver=solver, options={"threads": threads} if threads else None)
    out = res.summary()
    out.update({"seconds": res.t_total, "t_input": t_input, "years": years, "objective_cny_per_yr": res.objective,
                "certified": res.status == "Optimal", "factors_source": life.blocks[0].factors.get("source")})
    out["blocks"] = res.info.pop("block_results", None)
    return out


def work_gdc(site_path: Path, n: int, exact: bool, n_days: int) -> dict:
    import highspy  # noqa: F401
    import pyomo.environ  # noqa: F401
    import pyomo.repn.plugins.standard_form  # noqa: F401

    if not exact:
        import tsam  # noqa: F401
    from gdc.cli.horizon import default_horizon_workers
    from gdc.optimise.horizon import size_horizon
    from gdc.site.read import read_site

    site = read_site(site_path)
    years = horizon_years(site_path, n)
    workers = default_horizon_workers(site, years)  # what `gdc size --years` runs with
    t0 = time.perf_counter()
    res = size_horizon(site, years, n_days=n_days, exact=exact, workers=workers)
    dt = time.perf_counter() - t0
    hz = res.extra["horizon"]
    d = res.design
    return {"method": "gdc exact" if exact else f"gdc fast ({n_days} typical days)", "seconds": dt, "years": years,
            "objective_cny_per_yr": float(hz["objective_cny_per_yr"]), "certified": hz.get("certified"),
            "rounds": hz.get("rounds"), "cost_basis": hz.get("cost_basis"), "binding": hz.get("binding"),
            "horizon_seconds": hz.get("seconds"), "workers": workers,
            "optimiser": res.extra.get("optimiser"),
            "capacities": {**d.capacities_mw, "storage_power": d.storage_power_mw,
                           "storage_energy": d.storage_energy_mwh}}


def work_gdc_relaxed(site_path: Path, n: int) -> dict:
    """gdc's stacked full-year LP without the self-use-first rows (``LPData.self_use_first=False``):
    the reference's own problem built by gdc (Pyomo per block, gdc.optimise.stack), timed the same way."""
    from dataclasses import replace

    import highspy  # noqa: F401
    import pyomo.environ  # noqa: F401
    import pyomo.repn.plugins.standard_form  # noqa: F401

    from gdc.optimise.horizon import prepare_horizon
    from gdc.optimise.model import lp_data
    from gdc.optimise.stack import StackedLP, compile_block
    from gdc.site.read import read_site

    site = read_site(site_path)
    years = horizon_years(site_path, n)
    t0 = time.perf_counter()
    inp = prepare_horizon(site, years)
    blocks = [compile_block(replace(lp_data(b.site, b.profiles, b.costs, b.rule_set, inp.bounds),
                                    self_use_first=False)) for b in inp.blocks]
    t_build = time.perf_counter() - t0
    stack = StackedLP(blocks, inp.plan)
    sol = stack.solve()
    dt = time.perf_counter() - t0
    adds = stack.additions(sol.x)
    return {"method": "gdc stacked LP, relaxed (no self-use-first rows)", "seconds": dt, "t_build": t_build,
            "years": years, "objective_cny_per_yr": float(sol.objective), "certified": sol.optimal,
            "status": sol.status, "solver": sol.info.get("solver"),
            "capacities": {k: float(sum(v)) for k, v in adds.items()}}


def worker(args: argparse.Namespace) -> None:
    t_imp = time.perf_counter()
    if args.worker == "reference":
        row = work_reference(args.site, args.n, args.solver, args.threads)
    elif args.worker == "exact-relaxed":
        row = work_gdc_relaxed(args.site, args.n)
    else:
        row = work_gdc(args.site, args.n, args.worker == "exact", args.days)
    row["wall_in_process"] = time.perf_counter() - t_imp
    row["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    Path(args.out).write_text(json.dumps(row, default=float))


# ----------------------------------------------------------------------------- driver
def run_one(method: str, n: int, site: Path, solver: str = "hipo", days: int = 16, threads: int | None = None,
            timeout: float | None = None) -> dict:
    """Run one (method, size) in a fresh Python process; returns its row (or an error row)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = Path(fh.name)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", method, "--n", str(n), "--site", str(site),
           "--solver", solver, "--days", str(days), "--out", str(out)]
    if threads:
        cmd += ["--threads", str(threads)]
    key = method if method != "reference" else f"reference-{solver}"
    load_before = load_average()
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=timeout)
        rc, err = proc.returncode, proc.stderr
    except subprocess.TimeoutExpired:
        rc, err = "timeout", f"stopped after {timeout} s"
    wall = time.perf_counter() - t0
    row = {"key": key, "n_years": n, "wall_subprocess": wall, "load_before": load_before, "load_after": load_average()}
    if rc == 0 and out.stat().st_size:
        row.update(json.loads(out.read_text()))
    else:
        row.update({"error": f"exit {rc}: " + err.strip().splitlines()[-1] if err.strip() else f"exit {rc}"})
    out.unlink(missing_ok=True)
    return row


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log(y) on log(x) (nan with fewer than two points)."""
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys, strict=True) if y and y > 0]
    if len(pts) < 2:
        return float("nan")
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx if sxx else float("nan")


def summarise(rows: list[dict]) -> dict:
    """Ratios and cost differences against the reference of the same size (HiPO's defaults, else the
    first configuration run), the time ratio also against the fastest reference configuration of that
    size (the best-configured alternative); growth exponents."""
    refs = [r for r in rows if r["key"].startswith("reference-") and "seconds" in r]
    ref: dict[int, dict] = {}
    for r in refs:
        if r["n_years"] not in ref or r["key"] == "reference-hipo":
            ref[r["n_years"]] = r
    best = {n: min((r for r in refs if r["n_years"] == n), key=lambda r: r["seconds"]) for n in ref}
    for r in rows:
        base = ref.get(r["n_years"])
        if base is None or "seconds" not in r:
            continue
        r["reference_key"] = base["key"]
        r["ratio_time_vs_reference"] = r["seconds"] / base["seconds"]
        r["best_reference_key"] = best[r["n_years"]]["key"]
        r["ratio_time_vs_best_reference"] = r["seconds"] / best[r["n_years"]]["seconds"]
        r["cost_vs_reference_pct"] = 100.0 * (r["objective_cny_per_yr"] - base["objective_cny_per_yr"]) / abs(
            base["objective_cny_per_yr"])
        r["cost_vs_reference_cny_per_yr"] = r["objective_cny_per_yr"] - base["objective_cny_per_yr"]
    growth = {}
    for key in sorted({r["key"] for r in rows}):
        pts = sorted((r["n_years"], r["seconds"]) for r in rows if r["key"] == key and "seconds" in r)
        if len(pts) >= 2:
            growth[key] = {"years": [p[0] for p in pts], "seconds": [p[1] for p in pts],
                           "exponent": slope([p[0] for p in pts], [p[1] for p in pts])}
    return growth


def print_rows(rows: list[dict], growth: dict) -> None:
    log(f"{'years':>5} {'method':<26} {'seconds':>9} {'ratio':>7} {'vs best':>7} {'objective CNY/yr':>18} "
        f"{'vs ref':>9} {'RSS MB':>8} {'cert':>5} {'load before':>16}")
    for r in rows:
        if "error" in r:
            log(f"{r['n_years']:>5} {r['key']:<26} ERROR {r['error']}")
            continue
        ratio = r.get("ratio_time_vs_reference", float("nan"))
        diff = r.get("cost_vs_reference_pct", float("nan"))
        vs_best = r.get("ratio_time_vs_best_reference", float("nan"))
        log(f"{r['n_years']:>5} {r['key']:<26} {r['seconds']:9.2f} {ratio:7.3f} {vs_best:7.3f} "
            f"{r['objective_cny_per_yr']:18,.2f} "
            f"{diff:+8.3f}% {r['max_rss_mb']:8.0f} {str(r.get('certified')):>5} {str(r['load_before']):>16}")
    for key, g in growth.items():
        log(f"growth exponent {key}: {g['exponent']:.2f} (log-log slope over {g['years']} years)")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=int, nargs="+", default=[1, 3, 10], help="horizon lengths [years]")
    ap.add_argument("--methods", default="reference,fast,exact", help="comma list of reference, fast, exact")
    ap.add_argument("--ref-solvers", default="hipo",
                    help="reference configurations (reference_lp.REFERENCE_SOLVERS), comma list: hipo, hipo-amd, "
                         "hipo-amd-nox at every size; ipx, defaults on the first size only")
    ap.add_argument("--site", type=Path, default=SITE)
    ap.add_argument("--days", type=int, default=16, help="typical days per year of gdc's fast path")
    ap.add_argument("--threads", type=int, default=None, help="HiGHS threads of the reference (default HiGHS's)")
    ap.add_argument("--timeout", type=float, default=None, help="seconds per run before it is stopped")
    ap.add_argument("--json", type=Path, help="write the rows and growth exponents here")
    # worker mode (internal): one method in this process
    ap.add_argument("--worker", choices=METHODS, help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--solver", default="hipo", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        worker(a)
        return
    methods = [m.strip() for m in a.methods.split(",") if m.strip()]
    bad = set(methods) - set(METHODS)
    if bad:
        raise SystemExit(f"unknown method(s) {sorted(bad)}; choose from {METHODS}")
    ref_solvers = [s.strip() for s in a.ref_solvers.split(",") if s.strip()] or ["hipo"]
    rows: list[dict] = []
    log(f"bench_life {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, site {a.site}, "
        f"load average {load_average()}, {os.cpu_count()} cores")
    for i, n in enumerate(sorted(a.years)):
        for m in methods:
            # ipx and the defaults are slow: the first size only; the HiPO variants at every size
            solvers = [x for x in ref_solvers if i == 0 or x.startswith("hipo")] if m == "reference" else ["hipo"]
            for s in solvers:
                row = run_one(m, n, a.site, solver=s, days=a.days, threads=a.threads, timeout=a.timeout)
                rows.append(row)
                got = (f"{row['seconds']:.2f} s, {row['objective_cny_per_yr']:,.2f} CNY/yr, "
                       f"RSS {row['max_rss_mb']:.0f} MB") if "seconds" in row else row["error"]
                log(f"  [{n} y] {row['key']}: {got} (load {row['load_before']} -> {row['load_after']})")
                if a.json:  # keep partial results
                    a.json.parent.mkdir(parents=True, exist_ok=True)
                    a.json.write_text(json.dumps({"rows": rows}, indent=2, default=float))
    growth = summarise(rows)
    print_rows(rows, growth)
    if a.json:
        a.json.write_text(json.dumps({"rows": rows, "growth": growth}, indent=2, default=float))
        log(f"wrote {a.json}")


if __name__ == "__main__":
    main()
