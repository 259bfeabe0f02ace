import sys, json, time
sys.path.insert(0, "bench")
from reference_lp import *
opts = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
inp = load_v3_case()
r = solve_reference(inp, options=opts)
print("RESULT", json.dumps(r.summary()), file=sys.stderr)
