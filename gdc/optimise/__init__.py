"""The sizing optimisation: the Pyomo LP (model.py) and its HiGHS solve (solve.py)."""
