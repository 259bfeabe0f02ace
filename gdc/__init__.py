"""gdc: compliance checks, least-cost sizing and screening for green-power direct connection (绿电直连).

Quick Start
-----------
Check a design against its jurisdiction's rules, then size the least-cost one:

>>> import gdc
>>> site = gdc.read_site("sample_sites/shandong-export-battery/site.yaml")
>>> result = gdc.check_site(site)
>>> result.status, result.exit_code
('pass', 0)
>>> round(result.metrics.load_share, 1)   # S/L [%]
39.6
>>> rules = gdc.load_rule_set("shandong")
>>> rules.key
'shandong/2025-10'

``gdc.size_site(site)`` solves the sizing LP of a site whose capacities are ``{min, max}``
bounds (Pyomo + HiGHS) and returns the same :class:`~gdc.check.CheckResult`.

The pipeline, one package per stage (imports go down this list only; README "Code map")::

    gdc.cli        the command line
    gdc.screen     batches of candidate sites (local processes or Dask)
    gdc.report     terminal, HTML, Excel
    gdc.exchange   the planning tools' Excel template, site files written back
    gdc.optimise   sizing LP, HiGHS, typical days, costs
    gdc.check      the check pipeline: site -> profiles -> balance -> metrics -> verdicts
    gdc.rules      rule sets (data, schema-validated), indicators, verdicts
    gdc.operation  dispatch, meters, the hourly balance, annual metrics, prices
    gdc.profiles   hourly series: CSV, pvlib PV, windpowerlib wind, loads, synthesis, calendar
    gdc.site       the site-file schema, reading, input errors, shipped data

Importing ``gdc`` is cheap: the functions below load their modules on first use.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "check_site", "load_rule_set", "read_site", "size_site"]

_API = {
    "read_site": "gdc.site.schema",
    "check_site": "gdc.check",
    "size_site": "gdc.optimise.size",
    "load_rule_set": "gdc.rules.ruleset",
}


def __getattr__(name: str) -> Any:
    """Load a public function's module on first use (keeps ``import gdc`` fast)."""
    if name in _API:
        import importlib

        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'gdc' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
