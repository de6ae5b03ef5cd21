"""Analysis configuration: TOML files whose defaults ship with zonekit; a user's file overrides them."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from zonekit.errors import InputError


def _merge(base: dict, over: dict, *, path: tuple[str, ...] = ()) -> dict:
    """Merge ``over`` into ``base``; a node of a weight tree (``weights.<type>.<node>``) is replaced whole."""
    out = dict(base)
    for k, v in over.items():
        here = (*path, k)
        whole = len(here) == 3 and here[0] == "weights"
        if isinstance(v, dict) and isinstance(out.get(k), dict) and not whole:
            out[k] = _merge(out[k], v, path=here)
        else:
            out[k] = v
    return out


def load_config(name: str, user: str | Path | dict | None = None) -> dict[str, Any]:
    """The default configuration ``<name>_default.toml`` updated with a user's file or dict.

    The result records where it came from under ``"_source"``.
    """
    text = resources.files("zonekit.analysis").joinpath(f"{name}_default.toml").read_text(encoding="utf-8")
    cfg = tomllib.loads(text)
    source = f"zonekit default ({name}_default.toml)"
    if isinstance(user, dict):
        cfg, source = _merge(cfg, user), "defaults + given dict"
    elif user is not None:
        path = Path(user)
        try:
            cfg = _merge(cfg, tomllib.loads(path.read_text(encoding="utf-8-sig")))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
            raise InputError(
                f"The configuration cannot be read ({err}).",
                path=path,
                fix=f"Start from a copy of zonekit's {name}_default.toml and keep it valid TOML.",
            ) from None
        source = f"{path} over zonekit defaults"
    cfg["_source"] = source
    return cfg
