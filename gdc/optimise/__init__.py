"""Sizing: the Pyomo LP built from the rule set, its HiGHS solve, typical days (tsam) certified on the full year,
infeasibility advice, sizing over the life (horizon: stacked years, stack; certify: each year's full-year certificate),
objectives.

May import gdc.finance, gdc.life, gdc.check and every layer below them; not exchange, report, screen or cli.
"""
