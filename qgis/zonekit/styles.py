"""Styles for the layers zonekit writes: parks by kind, evaluated units by grade."""

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsProcessingLayerPostProcessorInterface,
    QgsRendererCategory,
    QgsSymbol,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor

from .words import said

GRADES = {"A": "#1a9641", "B": "#a6d96a", "C": "#fdae61", "D": "#d7191c"}
KINDS = {
    "main": ("#3182bd", "主园区", "main park"),
    "sub": ("#9ecae1", "分园", "sub-park"),
    "theme": ("#fd8d3c", "园中园", "theme park"),
    "enclave": ("#8856a7", "飞地园区", "enclave park"),
}
_KEPT = []  # QGIS holds post-processors by pointer only: they must outlive the algorithm's run


def keep(post):
    """``post``, kept alive for as long as QGIS may call it."""
    _KEPT.append(post)
    return post


def _category(value, colour, label, geometry_type):
    symbol = QgsSymbol.defaultSymbol(geometry_type)
    symbol.setColor(QColor(colour))
    symbol.setOpacity(0.75)
    return QgsRendererCategory(value, symbol, label)


def style(layer):
    """Parks by kind, a park or zone table with grades by grade; other layers keep QGIS's default."""
    if not isinstance(layer, QgsVectorLayer) or not layer.isSpatial():
        return
    fields = layer.fields().names()
    if "grade" in fields:
        cats = [
            _category(g, c, said(f"{g} 级", f"grade {g}"), layer.geometryType()) for g, c in GRADES.items()
        ]
        layer.setRenderer(QgsCategorizedSymbolRenderer("grade", cats))
    elif "kind" in fields and layer.name() in ("parks", "indicators"):
        cats = [_category(k, c, said(zh, en), layer.geometryType()) for k, (c, zh, en) in KINDS.items()]
        layer.setRenderer(QgsCategorizedSymbolRenderer("kind", cats))
    layer.triggerRepaint()


class StyleLayer(QgsProcessingLayerPostProcessorInterface):
    """Styles each layer an algorithm loads into the project, once it is there."""

    def postProcessLayer(self, layer, context, feedback):
        style(layer)
