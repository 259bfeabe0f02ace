"""gdc: compliance checks, least-cost sizing and screening for green-power direct connection (绿电直连).

Quick Start
-----------
Check a design against its jurisdiction's rules (from the repository root):

>>> import gdc
>>> site = gdc.read_site("sample_sites/shandong-export-battery/site.yaml")
>>> result = gdc.check_site(site)
>>> result.status, result.exit_code
('pass', 0)
>>> m = result.metrics   # annual energies [MWh/yr], ratios [%]
>>> round(m.S), round(m.L)   # self-consumed renewables, consumption
(208608, 447389)
>>> round(m.load_share, 2)   # S / L = 208,608 / 447,389
46.63
>>> v = next(v for v in result.verdicts if v.rule.id == "load_share")
>>> v.status, v.threshold, v.unit   # Shandong: S / L at least 30 % up to 2029
('pass', 30, '%')
>>> rules = gdc.load_rule_set("shandong")
>>> rules.key
'shandong/2025-10'

``gdc.size_site(site)`` solves the sizing LP of a site whose capacities are ``{min, max}``
bounds (Pyomo + HiGHS) and returns the same :class:`~gdc.check.CheckResult` for the
least-cost design, with its cost breakdown in ``result.extra["cost"]``.

The pipeline, one package per stage (imports go down this list only; README "Code map")::

    gdc.cli        the command line
    gdc.screen     batches of candidate sites (local processes or Dask)
    gdc.report     terminal, HTML, Excel, the rules listing
    gdc.exchange   the planning tools' Excel template, site files written back, cell helpers
    gdc.optimise   sizing LP, HiGHS, typical days, infeasibility advice
    gdc.check      the check pipeline: site -> profiles -> balance -> metrics -> verdicts
    gdc.rules      rule sets (data, schema-validated), indicators, export caps, verdicts
    gdc.operation  dispatch, meters, the hourly balance, annual metrics, prices and costs
    gdc.profiles   hourly series: CSV, pvlib PV, windpowerlib wind, loads, synthesis, calendar
    gdc.site       the site-file schema, reading, input errors, shipped data

Importing ``gdc`` is cheap: the functions above load their modules on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gdc.check import check_site
    from gdc.optimise.size import size_site
    from gdc.rules.ruleset import load_rule_set
    from gdc.site.read import read_site

__version__ = "0.1.0"

__all__ = ["__version__", "check_site", "load_rule_set", "read_site", "size_site"]

#: Public function -> the module that defines it (imported on first use).
_API = {
    "read_site": "gdc.site.read",
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
