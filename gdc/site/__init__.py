"""The site file: its schema (units and descriptions on every field), reading, input errors, shipped data.

The bottom layer: imports nothing else of gdc (only ``gdc.models`` for the data folder).
"""
