"""Presentation of a check or a sizing: the terminal report, self-contained HTML with SVG plots, the Excel workbook, the ``gdc rules`` listing.

May import gdc.exchange, gdc.optimise, gdc.check and the layers below; not screen or cli.
"""
