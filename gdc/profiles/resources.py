"""Data shipped in ``gdc.models``: regional defaults and generic turbine power curves.

Files are found with :func:`gdc.site.datafiles.models_path` (re-exported here as ``models_path``).
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from gdc.site.datafiles import models_path
from gdc.site.errors import InputError


@functools.cache
def _load_resources() -> dict[str, Any]:
    import yaml

    path = models_path("resources.yaml")
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for key, val in over.items():
        if isinstance(val, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], val)
        else:
            out[key] = copy.deepcopy(val)
    return out


def list_regions() -> list[str]:
    """Names of the regions in ``models/resources.yaml``."""
    return sorted(_load_resources()["regions"])


def get_region(region: str | None = None) -> dict[str, Any]:
    """Regional defaults, merged over the ``default`` region.

    Parameters
    ----------
    region : str, optional
        e.g. ``"shandong"`` or ``"ningxia"`` (case-insensitive); ``None`` gives ``default``.

    Returns
    -------
    dict
        Keys ``altitude_m``, ``pv`` and ``wind`` (see ``models/resources.yaml``).
    """
    regions = _load_resources()["regions"]
    base = regions["default"]
    if region is None:
        return copy.deepcopy(base)
    key = str(region).strip().lower().replace("-", "_").replace(" ", "_")
    if key not in regions:
        raise InputError(f"unknown region '{region}'", field="region",
                         fix=f"use one of {', '.join(list_regions())}")
    return _merge(base, regions[key])


def list_generic_turbines() -> list[str]:
    """Names of gdc's generic power curves shipped in ``models/turbines``."""
    folder = models_path("turbines")
    return sorted(p.stem for p in folder.glob("*.csv"))
