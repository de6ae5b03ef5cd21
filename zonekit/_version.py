"""The version of zonekit (one place: the package, the wheel and the study files read it here)."""

__version__ = "0.1.0"
