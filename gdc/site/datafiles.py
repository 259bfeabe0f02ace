"""Where gdc's shipped data (``models/``) is: one function for every caller.

Installed, the folder is the package ``gdc.models``. Imported from a checkout (e.g.
``python -m pytest`` in the repository puts the checkout's ``gdc`` first on the path,
where no ``gdc.models`` package exists), it is the checkout's ``models/`` folder.
"""

from __future__ import annotations

from pathlib import Path

#: The repository's ``models/`` folder, for a checkout: this file is ``gdc/site/datafiles.py``.
CHECKOUT_MODELS = Path(__file__).resolve().parents[2] / "models"


def models_path(*parts: str) -> Path:
    """Path of a file or folder of gdc's data models, e.g. ``models_path("rules", "national")``."""
    try:
        from gdc.models import path
    except ModuleNotFoundError:
        return CHECKOUT_MODELS.joinpath(*parts)
    return path(*parts)
