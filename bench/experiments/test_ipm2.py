import sys, time
sys.path.insert(0, "bench")
import numpy as np
from reference_lp import *
from formulations import *
from ipm_banded import *
ny = int(sys.argv[1]); cap_copy = sys.argv[2] == "1"; reg = float(sys.argv[3]); bb = float(sys.argv[4])
inp = stack(load_v3_case(), ny)
t0 = time.perf_counter()
lp = build_variant(inp, elim_qm=False, chains=True, time_major=True, cyclic_var=False, cap_copy=cap_copy)
tb = time.perf_counter() - t0
r = solve_ipm(lp, np.array([], int) if cap_copy else np.concatenate([np.atleast_1d(lp.index[k]) for k in ("x","P","E")]), tol=1e-9, max_iter=80, reg=reg, big_bound=bb)
t1 = time.perf_counter(); lb = lagrangian_bound(lp, r.y); tl = time.perf_counter() - t1
REF = 79194414.31191035
print("ny", ny, "copy", cap_copy, "reg", reg, "build %.3f setup %.3f iter %.3f lb %.3f its %d %s" % (tb, r.t_setup, r.t_iter, tl, r.iterations, r.status))
print("pobj %.6f LB %.6f relP %.2e relLB %.2e" % (r.primal_obj, lb, (r.primal_obj-REF)/REF, (REF-lb)/REF), primal_residual(lp, r.x))
