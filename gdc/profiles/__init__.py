"""Hourly inputs of a site: reading its CSV series, and PV, wind and load profiles computed or synthesised.

May import gdc.site only (the schema a series is named by, input errors, shipped data).

One module per concept, in the style of pvlib-python:

- :mod:`gdc.profiles.series` - the site's time series read from CSV and checked
  (:class:`~gdc.profiles.series.Profiles`, :func:`~gdc.profiles.series.get_profiles`).
- :mod:`gdc.profiles.computed` - profiles a site file asks for from weather or synthesis.
- :mod:`gdc.profiles.life` - the year model: year Y of the project's life (degradation, load
  growth, storage fade) and :func:`~gdc.profiles.life.year_profiles`.
- :mod:`gdc.profiles.weather_years` - the sources' profiles in several weather years (files, a
  folder of weather files, or synthesised).
- :mod:`gdc.profiles.calendar` - the hourly index of a year, Chinese holidays.
- :mod:`gdc.profiles.weather` - readers for EPW, TMY3, PVGIS and plain CSV weather files.
- :mod:`gdc.profiles.pv` - PV system model (pvlib: solar position, decomposition,
  transposition, cell temperature, PVWatts DC and inverter).
- :mod:`gdc.profiles.wind` - power curves, height extrapolation, air density, wind profile.
- :mod:`gdc.profiles.synth` - synthetic PV and wind profiles calibrated to regional data.
- :mod:`gdc.profiles.load` - synthetic industrial load archetypes.
- :mod:`gdc.profiles.resources` - regional defaults and turbine curves shipped in ``gdc.models``.

Conventions: hourly, timestamps label the START of the hour in local time (China:
``Asia/Shanghai``), 8760 rows (8784 in a leap year). A profile value is output [MW] per
MW of the source's stated capacity (PV: DC peak MWp, AC output after the inverter;
wind: rated capacity), in [0, 1].

pvlib, windpowerlib, chinesecalendar and holidays are imported lazily inside functions so
that importing this package stays fast.
"""

from __future__ import annotations

__all__ = [
    "calendar",
    "computed",
    "life",
    "load",
    "pv",
    "resources",
    "series",
    "synth",
    "weather",
    "weather_years",
    "wind",
]
