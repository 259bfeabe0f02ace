"""Presentation: terminal tables, self-contained HTML with plots, the Excel workbook, the rules listing.

May import gdc.exchange, gdc.optimise, gdc.check and the layers below; not screen or cli.
"""
