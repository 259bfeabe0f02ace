"""How a fixed design runs: dispatch (renewable-first), meters, the hourly balance, annual metrics, prices.

May import gdc.profiles and gdc.site; knows nothing of rule sets (check.py passes the rules' export budgets in).
"""
