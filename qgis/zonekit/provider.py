"""The zonekit Processing provider (id ``zonekit``) and its setting: where the zonekit executable is."""

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .algorithms import ALGORITHMS, ZonekitAlgorithm
from .runner import SETTING
from .words import chinese


class ZonekitProvider(QgsProcessingProvider):
    """The provider ``zonekit``: one algorithm per zonekit command."""

    def id(self):
        return "zonekit"

    def name(self):
        return "zonekit 开发区" if chinese() else "zonekit"

    def longName(self):
        return "zonekit — 开发区规划 (development-zone planning)"

    def icon(self):
        return QIcon()

    def load(self):
        try:  # the executable's path, in Settings > Options > Processing > Providers
            from processing.core.ProcessingConfig import ProcessingConfig, Setting

            ProcessingConfig.settingIcons[self.name()] = self.icon()
            ProcessingConfig.addSetting(
                Setting(
                    self.name(),
                    SETTING,
                    "zonekit executable / zonekit 可执行文件",
                    "",
                    valuetype=Setting.FILE,
                )
            )
            ProcessingConfig.readSettings()
        except ImportError:  # Processing's Python side is not there: the variable or PATH decide
            pass
        self.refreshAlgorithms()
        return True

    def unload(self):
        try:
            from processing.core.ProcessingConfig import ProcessingConfig

            ProcessingConfig.removeSetting(SETTING)
        except (ImportError, KeyError):
            pass

    def loadAlgorithms(self):
        for spec in ALGORITHMS:
            self.addAlgorithm(ZonekitAlgorithm(spec))
