P=/tmp/venv/bin/python
$P bench/experiments/run_ref_opts.py '{"solver":"ipm","run_crossover":"off"}' 2>&1 | grep RESULT
$P bench/experiments/run_variant.py '{"elim_qm":false,"chains":false,"time_major":true}' '{"solver":"ipm","time_limit":150}' 2>&1 | grep RESULT
$P bench/experiments/run_ref_opts.py '{"parallel":"on","time_limit":250}' 2>&1 | grep RESULT
