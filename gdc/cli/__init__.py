"""The command line (``gdc``): the click group in main.py, command groups and shared options in their own modules.

The top layer: it may import every package. ``main`` is the entry point (``gdc = gdc.cli.main:main``).
"""

from gdc.cli.main import main

__all__ = ["main"]
