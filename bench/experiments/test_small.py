import sys, time
sys.path.insert(0, "bench")
import numpy as np
from dataclasses import replace
from reference_lp import *
from formulations import *
from ipm_banded import *
inp0 = load_v3_case()
T = int(sys.argv[1]) if len(sys.argv) > 1 else 168
sl = slice(0, T)
inp = replace(inp0, load=inp0.load[sl], profiles=inp0.profiles[:, sl], import_price=inp0.import_price[sl],
              export_price=inp0.export_price[sl], export_cap=inp0.export_cap[sl], weights=inp0.weights[sl])
ref = solve_reference(inp)
print("ref", ref.objective, ref.capacities)
for kw in [dict(elim_qm=False, chains=True, time_major=True, cyclic_var=True), dict(elim_qm=False, chains=False), dict(elim_qm=False, chains=True), dict(cyclic_var=True), dict(time_major=True)]:
    lp = build_variant(inp, **kw)
    h, tp, ts = solve_lp_arrays(lp)
    print(kw, h.getInfo().objective_function_value)
lp = build_variant(inp, elim_qm=False, chains=True, time_major=True, cyclic_var=True)
ix = lp.index
dense = np.concatenate([np.atleast_1d(ix[k]) for k in ("x", "P", "E", "s0")])
r = solve_ipm(lp, dense, tol=1e-9, verbose=False)
print("ipm", r.status, r.iterations, r.primal_obj, lagrangian_bound(lp, r.y))
