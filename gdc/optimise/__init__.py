"""Sizing: the Pyomo LP built from the rule set, its HiGHS solve, typical days (tsam) certified on the full year, infeasibility advice.

May import gdc.check and every layer below it (rules, operation, profiles, site); not exchange, report, screen or cli.
"""
