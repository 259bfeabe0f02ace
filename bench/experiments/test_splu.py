import sys, time
sys.path.insert(0, "bench")
import numpy as np, scipy.sparse as sp, scipy.sparse.linalg as spl
from reference_lp import *
from formulations import *
inp = load_v3_case()
for tm in (True,):
    lp = build_variant(inp, elim_qm=False, chains=True, time_major=tm)
    A = lp.A.tocsc()
    nnzc = np.diff(A.indptr)
    dense = nnzc > 200
    As = A[:, ~dense]
    th = np.random.rand(As.shape[1]) + 0.1
    t0 = time.perf_counter()
    M = (As @ sp.diags(th) @ As.T).tocsc() + sp.identity(A.shape[0]) * 1e-8
    t1 = time.perf_counter()
    for spec in ("MMD_AT_PLUS_A", "COLAMD"):
        t2 = time.perf_counter()
        f = spl.splu(M, permc_spec=spec, diag_pivot_thresh=0.0, options=dict(SymmetricMode=True))
        t3 = time.perf_counter()
        xx = f.solve(np.ones(M.shape[0]))
        t4 = time.perf_counter()
        print(tm, spec, "dense", dense.sum(), "M nnz", M.nnz, "form %.3f fact %.3f solve %.4f fill %d" % (t1-t0, t3-t2, t4-t3, f.L.nnz + f.U.nnz))
