"""gdc: compliance checks, least-cost sizing and screening for green-power direct connection.

The pipeline, one module per stage::

    site file -> Site (gdc.site) -> hourly profiles (gdc.profiles)
      -> [sizing LP (gdc.optimise)] -> hourly balance (gdc.balance)
      -> annual metrics (gdc.metrics) -> rule verdicts (gdc.verdicts) -> report (gdc.report)
"""

__version__ = "0.1.0"
