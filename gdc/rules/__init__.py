"""Rule sets as data (schema-validated when loaded), the indicators rules test, and verdicts.

May import gdc.operation (the annual metrics a verdict reads), gdc.profiles and gdc.site.
"""
