"""Geometry, coordinates and files: no planning vocabulary lives here."""
