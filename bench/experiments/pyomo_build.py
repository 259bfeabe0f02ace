"""Measure Pyomo build + translation of the full hourly sizing LP (reference form and elim form)."""
import sys, time, json
sys.path.insert(0, "bench")
import numpy as np
from reference_lp import load_v3_case, stack
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

def build(inp, elim=False):
    T, K = inp.T, inp.K
    w = inp.weights.tolist(); L = inp.load.tolist(); pi = inp.import_price.tolist(); rho = inp.export_price.tolist()
    p = [inp.profiles[k].tolist() for k in range(K)]
    X = inp.export_cap.tolist()
    m = pyo.ConcreteModel()
    m.T = pyo.RangeSet(0, T-1); m.K = pyo.RangeSet(0, K-1)
    m.x = pyo.Var(m.K, bounds=lambda m, k: (float(inp.cap_lo[k]), float(inp.cap_hi[k])))
    m.P = pyo.Var(bounds=(0, inp.p_max)); m.E = pyo.Var(bounds=(0, inp.e_max))
    nn = pyo.NonNegativeReals
    m.u = pyo.Var(m.T, domain=nn); m.c = pyo.Var(m.T, domain=nn); m.e = pyo.Var(m.T, domain=nn, bounds=lambda m,t:(0,X[t]))
    m.d = pyo.Var(m.T, domain=nn); m.s = pyo.Var(m.T, domain=nn)
    if not elim:
        m.q = pyo.Var(m.T, domain=nn); m.mm = pyo.Var(m.T, domain=nn, bounds=(0, inp.import_cap))
        m.ren = pyo.Constraint(m.T, rule=lambda m,t: sum(p[k][t]*m.x[k] for k in range(K)) == m.u[t]+m.c[t]+m.e[t]+m.q[t])
        m.loadbal = pyo.Constraint(m.T, rule=lambda m,t: m.u[t]+m.d[t]+m.mm[t] == L[t])
    else:
        m.ren = pyo.Constraint(m.T, rule=lambda m,t: sum(p[k][t]*m.x[k] for k in range(K)) >= m.u[t]+m.c[t]+m.e[t])
        m.loadbal = pyo.Constraint(m.T, rule=lambda m,t: (L[t]-inp.import_cap, m.u[t]+m.d[t], L[t]))
    a = 1-inp.sigma; ec = inp.eta_c; ed = 1/inp.eta_d
    m.soc = pyo.Constraint(m.T, rule=lambda m,t: m.s[t] == a*m.s[t-1 if t else T-1] + ec*m.c[t] - ed*m.d[t])
    m.cP = pyo.Constraint(m.T, rule=lambda m,t: m.c[t] <= m.P)
    m.dP = pyo.Constraint(m.T, rule=lambda m,t: m.d[t] <= m.P)
    m.smax = pyo.Constraint(m.T, rule=lambda m,t: m.s[t] <= inp.soc_max*m.E)
    m.smin = pyo.Constraint(m.T, rule=lambda m,t: m.s[t] >= inp.soc_min*m.E)
    Ak = (inp.profiles @ inp.weights).tolist()
    A = sum(Ak[k]*m.x[k] for k in range(K))
    S = sum(w[t]*(m.u[t]+m.d[t]) for t in range(T))
    m.r1 = pyo.Constraint(expr=S >= inp.gen_share*A)
    m.r2 = pyo.Constraint(expr=S >= inp.load_share*float(inp.weights @ inp.load))
    m.r3 = pyo.Constraint(expr=sum(w[t]*m.e[t] for t in range(T)) <= inp.export_share*A)
    if not elim:
        m.r4 = pyo.Constraint(expr=sum(w[t]*m.q[t] for t in range(T)) <= (1-inp.util_min)*A)
        op = sum(w[t]*(pi[t]*m.mm[t] - rho[t]*m.e[t]) for t in range(T))
    else:
        m.r4 = pyo.Constraint(expr=sum(w[t]*(m.u[t]+m.c[t]+m.e[t]) for t in range(T)) >= inp.util_min*A)
        op = sum(w[t]*(-pi[t]*(m.u[t]+m.d[t]) - rho[t]*m.e[t]) for t in range(T))
    cs = inp.cost_source.tolist()
    m.obj = pyo.Objective(expr=sum(cs[k]*m.x[k] for k in range(K)) + inp.cost_power*m.P + inp.cost_energy*m.E + op)
    return m

inp = stack(load_v3_case(), int(sys.argv[1]) if len(sys.argv) > 1 else 1)
for elim in (False, True):
  for rep in range(2):
    t0 = time.perf_counter()
    with PauseGC():
        m = build(inp, elim)
    t1 = time.perf_counter()
    with PauseGC():
        repn = LinearStandardFormCompiler().write(m)
    t2 = time.perf_counter()
    print("RESULT", json.dumps(dict(elim=elim, rep=rep, build=t1-t0, translate=t2-t1, shape=repn.A.shape, nnz=int(repn.A.nnz))), file=sys.stderr)
