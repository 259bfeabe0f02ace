"""Files other tools read or write: the Chinese planning tools' Excel template (definition, import, export), site files.

May import gdc.check and the layers below it (rules, operation, profiles, site); not report, screen or cli.
"""
