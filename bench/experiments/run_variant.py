"""usage: run_variant.py '<variant kwargs json>' '<highs options json>' [nyears]"""
import sys, json, time
sys.path.insert(0, "bench")
import numpy as np
from reference_lp import *
from formulations import *
vk = json.loads(sys.argv[1]); opts = json.loads(sys.argv[2]); ny = int(sys.argv[3]) if len(sys.argv) > 3 else 1
inp = stack(load_v3_case(), ny)
t0 = time.perf_counter(); lp = build_variant(inp, **vk); tb = time.perf_counter() - t0
h, tp, ts = solve_lp_arrays(lp, opts)
info = h.getInfo(); sol = h.getSolution()
x = np.asarray(sol.col_value); y = np.asarray(sol.row_value)
yd = np.asarray(sol.row_dual)
lb = lagrangian_bound(lp, yd) if sol.dual_valid else float("nan")
caps = capacities_from(x, {"x": lp.index["x"] if isinstance(lp.index["x"], slice) else lp.index["x"], "P": lp.index["P"], "E": lp.index["E"]}, inp.source_names)
obj = float(lp.c @ x + lp.offset)
out = dict(variant=vk, opts=opts, ny=ny, status=h.modelStatusToString(h.getModelStatus()), obj_highs=info.objective_function_value,
           obj=obj, lagr_lb=lb, rel_gap=(obj-lb)/abs(obj), caps=caps, t_build=tb, t_pass=tp, t_solve=ts,
           it_simplex=info.simplex_iteration_count, it_ipm=info.ipm_iteration_count, it_cross=info.crossover_iteration_count,
           shape=lp.shape, nnz=int(lp.A.nnz), resid=primal_residual(lp, x))
print("RESULT", json.dumps(out), file=sys.stderr)
