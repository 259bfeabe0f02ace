"""Presentation: terminal tables, JSON, CSV (and later HTML and Excel) reports."""
