"""Chinese or English: the language of QGIS's interface decides, and what zonekit is asked to speak."""

from qgis.core import QgsSettings


def chinese():
    """Whether QGIS speaks Chinese (its locale, else the system's)."""
    settings = QgsSettings()
    locale = settings.value("locale/userLocale", "") or ""
    if not locale:
        from qgis.PyQt.QtCore import QLocale

        locale = QLocale.system().name()
    return str(locale).lower().startswith("zh")


def lang():
    """``zh`` or ``en``, for zonekit's ``--lang``."""
    return "zh" if chinese() else "en"


def said(zh, en):
    """The text in QGIS's language."""
    return zh if chinese() else en
