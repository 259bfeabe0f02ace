"""Small Pyomo master: capacities, storage, annual aggregates S, E, C and the rules; hourly part stays arrays."""
import sys, time, json
sys.path.insert(0, "bench")
from reference_lp import load_v3_case
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler
inp = load_v3_case()
Ak = (inp.profiles @ inp.weights).tolist(); L = float(inp.weights @ inp.load)
for rep in range(3):
    t0 = time.perf_counter()
    with PauseGC():
        m = pyo.ConcreteModel()
        m.x = pyo.Var(range(inp.K), bounds=(0, 500)); m.P = pyo.Var(bounds=(0, inp.p_max)); m.E = pyo.Var(bounds=(0, inp.e_max))
        m.S = pyo.Var(bounds=(0, None)); m.Ex = pyo.Var(bounds=(0, None)); m.C = pyo.Var(bounds=(0, None)); m.op = pyo.Var()
        A = sum(Ak[k]*m.x[k] for k in range(inp.K))
        m.r1 = pyo.Constraint(expr=m.S >= 0.6*A); m.r2 = pyo.Constraint(expr=m.S >= inp.load_share*L)
        m.r3 = pyo.Constraint(expr=m.Ex <= 0.2*A); m.r4 = pyo.Constraint(expr=m.C <= 0.05*A)
        m.obj = pyo.Objective(expr=sum(inp.cost_source[k]*m.x[k] for k in range(inp.K)) + inp.cost_power*m.P + inp.cost_energy*m.E + m.op)
    t1 = time.perf_counter()
    repn = LinearStandardFormCompiler().write(m)
    t2 = time.perf_counter()
    print("RESULT", json.dumps(dict(rep=rep, build=t1-t0, translate=t2-t1, shape=repn.A.shape)), file=sys.stderr)
