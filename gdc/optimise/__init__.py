"""Sizing: the Pyomo LP built from the rule set, its HiGHS solve, typical days and aggregation, costs.

May import gdc.check and every layer below it (rules, operation, profiles, site); not exchange, report, screen or cli.
"""
