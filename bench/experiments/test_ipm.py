import sys, time
sys.path.insert(0, "bench")
import numpy as np
from reference_lp import *
from formulations import *
from ipm_banded import *
ny = int(sys.argv[1]) if len(sys.argv) > 1 else 1
inp = stack(load_v3_case(), ny)
t0 = time.perf_counter()
lp = build_variant(inp, elim_qm=False, chains=True, time_major=True, cyclic_var=True)
tb = time.perf_counter() - t0
ix = lp.index
dense = np.concatenate([np.atleast_1d(ix[k]) for k in ("x", "P", "E", "s0")])
r = solve_ipm(lp, dense, tol=1e-9, verbose=True)
lb = lagrangian_bound(lp, r.y)
print("build %.3f setup %.3f iter %.3f its %d status %s" % (tb, r.t_setup, r.t_iter, r.iterations, r.status))
print("pobj %.10f dobj %.10f LB %.10f ref 79194414.31191035" % (r.primal_obj, r.dual_obj, lb))
print("rel (pobj-ref)", (r.primal_obj-79194414.31191035)/79194414.31191035, "rel (ref-LB)", (79194414.31191035-lb)/79194414.31191035)
print(primal_residual(lp, r.x))
print({k: float(np.ravel(r.x[ix[k]])[0]) if k!="x" else r.x[ix[k]].tolist() for k in ("x","P","E")})
