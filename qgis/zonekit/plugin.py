"""The plugin: registers the zonekit Processing provider."""

from qgis.core import QgsApplication

from .provider import ZonekitProvider


class ZonekitPlugin:
    """Adds the provider when QGIS (or qgis_process) starts Processing, removes it on unload."""

    def __init__(self, iface=None):
        self.iface = iface
        self.provider = None

    def initProcessing(self):
        self.provider = ZonekitProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):
        self.initProcessing()

    def unload(self):
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
