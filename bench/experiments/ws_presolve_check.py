"""How much HiGHS presolve shrinks the exact LP and the fixed-capacity LP (sizes, time)."""
import time
from ws_common import build_exact, cap_columns, setup, typical_design, with_caps_fixed, log
from gdc.optimise.solve import make_highs

site, profiles, costs, rule_set, full = setup()
m, lp, _ = build_exact(full)
caps = cap_columns(m, lp)
y0, _, _ = typical_design(site, profiles, costs, rule_set)
for name, L in (("exact", lp), ("fixed y0", with_caps_fixed(lp, caps, y0))):
    h = make_highs(L, {"solver": "simplex"})
    t0 = time.perf_counter()
    h.presolve()
    dt = time.perf_counter() - t0
    p = h.getPresolvedLp()
    log(f"{name}: {L.A.shape} nnz {L.A.nnz} -> presolved {p.num_row_} x {p.num_col_} nnz {len(p.a_matrix_.value_)} in {dt:.2f} s")
