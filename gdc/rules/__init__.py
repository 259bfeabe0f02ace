"""Rule sets as data (schema-validated when loaded), the indicators rules test, linear forms, export caps, verdicts.

May import gdc.operation (the annual metrics a verdict reads, the dispatch export caps keep), gdc.profiles and gdc.site.
"""
