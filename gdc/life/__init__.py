"""The project's whole life: the check of a design in every year and weather year of its life.

Lives here: the yearly path (:mod:`gdc.life.path`). Imports check, rules, operation, profiles
and site; read by finance (the years' energy), the optimiser (sizing over a horizon) and the reports.
"""
