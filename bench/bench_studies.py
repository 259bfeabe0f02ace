"""Wall time of a 21-point study on the V3 case with typical days (issue 14: under 60 s on 2 cores).

A sensitivity of two parameters (10 changes each + the base = 21 points: ``--params``, ``--range``,
``--step``) and/or a Pareto run of 21 levels (``--pareto``), each point sized on ``--days`` typical
days and certified on the full year, on a local pool of ``--workers`` processes (the screen
machinery, as ``gdc size --sensitivity`` runs it). Prints the wall time from the call to the
last row (worker start-up included), the points' own times, their statuses and how many fell
back to the exact full-year LP.

    python bench/bench_studies.py                         # both studies, 16 days, 2 workers
    python bench/bench_studies.py --study sensitivity --days 8 --json out.json
    python bench/bench_studies.py --study sensitivity --certify dispatch    # constructive certificate first
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITE = HERE / "sites" / "v3-size.yaml"


def summary(study, wall: float) -> dict:
    rows = study.rows
    times = sorted(r.get("run_time_s") or 0.0 for r in rows)
    return {
        "study": study.kind, "points": len(rows), "wall_s": round(wall, 2), "workers": study.run["workers"],
        "backend": study.run["backend"], "statuses": dict(Counter(r["status"] for r in rows)),
        "fallback_exact_lp": sum(r.get("sizing") == "full-year LP" for r in rows),
        "uncertified": sum(r.get("certified_full_year") is False for r in rows),
        "point_s": {"sum": round(sum(times), 2), "median": round(times[len(times) // 2], 2),
                    "max": round(times[-1], 2)},
        "base_cost_cny_per_year": (study.base or {}).get("cost_cny_per_year"),
    }


def report(st, seconds: float) -> dict:
    """The study's summary (also on stderr) and one line per point."""
    row = summary(st, seconds)
    print(json.dumps(row), file=sys.stderr)
    for r in st.rows:
        print(f"  {r['id']:<20} {r['status']:<10} {r.get('run_time_s', 0):6.1f} s  "
              f"cost {(r.get('cost_cny_per_year') or 0) / 1e4:10,.1f} x10^4  {r.get('sizing', '')}",
              file=sys.stderr)
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--study", choices=["sensitivity", "pareto", "both"], default="both")
    ap.add_argument("--days", type=int, default=16, help="typical days of each point")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--certify", choices=["lp", "dispatch"], default="lp", help="the typical-day certificate")
    ap.add_argument("--params", default="capex_pv,capex_storage")
    ap.add_argument("--range", type=float, default=25.0)
    ap.add_argument("--step", type=float, default=5.0)
    ap.add_argument("--pareto", default="export_share=10:30:1",
                    help="21 levels by default; V3's binding rule (its load share is about 72 %%, so 30-50 %% costs nothing)")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()

    sys.path.insert(0, str(HERE.parent))
    from gdc.screen.pareto import run_pareto
    from gdc.screen.points import HowToSize
    from gdc.screen.sensitivity import parse_parameters, run_sensitivity
    from gdc.site.schema import read_site

    site = read_site(SITE)
    how = HowToSize(typical_days=args.days, certificate=args.certify)
    out = []
    if args.study in ("sensitivity", "both"):
        t0 = time.perf_counter()
        st = run_sensitivity(site, parse_parameters(args.params), args.range, args.step, how=how,
                             workers=args.workers)
        out.append(report(st, time.perf_counter() - t0))
    if args.study in ("pareto", "both"):
        t0 = time.perf_counter()
        st = run_pareto(site, args.pareto, how=how, workers=args.workers)
        out.append(report(st, time.perf_counter() - t0))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
