"""The site file: its pydantic models (schema.py), reading with errors a user can act on (read.py), input errors, plausible ranges, where shipped data is.

The bottom layer: imports nothing else of gdc (only ``gdc.models``, the shipped data folder).
"""
