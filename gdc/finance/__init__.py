"""Money: a design's initial investment, its yearly cash flows, NPV, IRRs, payback, LCOE and the composite price.

May import gdc.check and every layer below it (rules, operation, profiles, site); not optimise or above.
"""
