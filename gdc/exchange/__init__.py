"""Files other tools read or write: the Chinese planning tools' Excel template (definition, import, export), site files written back, spreadsheet/CSV cell helpers.

May import gdc.optimise, gdc.check and the layers below them; not report, screen or cli (which use its cell helpers).
"""
