"""The command line (``gdc``): one module per command group; the top layer, it may import every package.

``main`` is the click group (entry point ``gdc = gdc.cli:main``).
"""

from gdc.cli.main import main

__all__ = ["main"]
