"""How a fixed design runs: renewable-first dispatch, meters, the hourly balance, annual metrics, prices and costs.

May import gdc.profiles and gdc.site; knows no rule set (gdc.rules.export_caps hands dispatch its export budget).
"""
