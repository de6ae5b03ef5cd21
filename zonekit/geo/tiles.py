"""Features cut into compact tiles of about equal counts, from their boxes alone.

A layer too big to hold whole is worked through tile by tile, each tile read with its neighbours through
the file's R-tree (:meth:`zonekit.layers.stream.LayerStream.tiles`). The tiles come from splitting the
boxes' centres at the median of their longer side until each part holds at most ``size`` features (a k-d
split): tiles of balanced counts whatever the density, each compact, so few neighbours are read twice.
"""

from __future__ import annotations

import numpy as np


def balanced_tiles(boxes: np.ndarray, size: int) -> list[np.ndarray]:
    """The features cut into tiles of at most ``size``, by the centres of their boxes.

    Parameters
    ----------
    boxes : numpy.ndarray
        n × 4 boxes (minx, miny, maxx, maxy).
    size : int
        The most features in a tile (at least 1).

    Returns
    -------
    list of numpy.ndarray
        The positions of each tile's features, ascending; every feature in exactly one tile, neighbouring
        tiles next to each other in the list.

    Examples
    --------
    >>> xs = np.arange(8.0)
    >>> boxes = np.column_stack([xs, np.zeros(8), xs + 1, np.ones(8)])  # eight in a row
    >>> [t.tolist() for t in balanced_tiles(boxes, 3)]
    [[0, 1], [2, 3], [4, 5], [6, 7]]
    """
    centres = (boxes[:, :2] + boxes[:, 2:]) / 2.0
    size = max(int(size), 1)
    todo, tiles = [np.arange(len(boxes))], []
    while todo:  # one step per tile, not per feature
        part = todo.pop()
        if len(part) <= size:
            if len(part):
                tiles.append(np.sort(part))
            continue
        c = centres[part]
        axis = int(np.argmax(np.nanmax(c, axis=0) - np.nanmin(c, axis=0)))
        half = len(part) // 2
        split = np.argpartition(c[:, axis], half)
        todo += [part[split[half:]], part[split[:half]]]  # the lower half comes out first
    return tiles
