P=/tmp/venv/bin/python
R=bench/experiments/run_variant.py
for v in '{"elim_qm":true,"chains":true,"cap_copy":false}' '{"elim_qm":true,"chains":true,"cap_copy":true}' '{"elim_qm":false,"chains":false,"cap_copy":true}'; do
 for o in '{"solver":"ipm","time_limit":150}' '{"solver":"ipm","presolve":"off","time_limit":150}'; do
  $P $R "$v" "$o" 2>&1 | grep -E "RESULT|Error"
 done
done
