"""Folium maps of a study and its analysis results: they draw, never compute."""
