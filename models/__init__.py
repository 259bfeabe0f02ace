"""Data-driven models shipped with gdc: rule sets, technology and tariff presets.

Installed as the package ``gdc.models``; this file only makes the folder importable so
that ``importlib.resources`` finds the data in editable and regular installs alike.
"""
