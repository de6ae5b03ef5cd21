"""zonekit inside QGIS: a Processing provider whose algorithms run the zonekit command.

QGIS's own Python cannot import zonekit (their numpy versions differ), so every algorithm runs the zonekit
executable of zonekit's own environment as a subprocess and brings its outputs back as layers.
"""


def classFactory(iface):
    """The plugin object QGIS asks for (``iface`` is None under qgis_process)."""
    from .plugin import ZonekitPlugin

    return ZonekitPlugin(iface)
