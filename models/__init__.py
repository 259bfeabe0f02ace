"""Data-driven models shipped with gdc: rule sets, technology and tariff presets, resources.

Installed as the package ``gdc.models`` (``package_dir`` in setup.cfg), so this folder is
the data folder in an editable and a regular install alike.
"""

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def path(*parts: str) -> Path:
    """Path of a file or folder shipped in ``gdc.models``, e.g. ``path("rules", "national")``."""
    return _HERE.joinpath(*parts)
