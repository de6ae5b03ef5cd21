"""Analysis configuration: TOML files whose defaults ship with zonekit; a user's file overrides them."""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from zonekit.errors import InputError
from zonekit.vocabulary.messages import say


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


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


def is_resolved(config: object) -> bool:
    """Whether ``config`` is already a resolved configuration (what :func:`load_config` returns).

    Parameters
    ----------
    config : object
        Overrides of the default configuration (a TOML path or a dict).

    Returns
    -------
    bool
        Whether ``config`` is already a resolved configuration (what :func:`load_config` returns).
    """
    return isinstance(config, MappingProxyType) and "_source" in config


@functools.lru_cache(maxsize=32)
def _from_file(name: str, path: str | None, mtime_ns: int) -> Mapping[str, Any]:
    text = resources.files("zonekit.analysis").joinpath(f"{name}_default.toml").read_text(encoding="utf-8")
    cfg = tomllib.loads(text)
    source = say("note.default_config", "en", file=f"{name}_default.toml")
    if path is not None:
        try:
            cfg = _merge(cfg, tomllib.loads(Path(path).read_text(encoding="utf-8-sig")))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
            raise InputError("config.unreadable", path=path, err=err, name=name) from None
        source = say("note.config_over", "en", file=path)
    cfg["_source"] = source
    return _frozen(cfg)


def load_config(name: str, user: str | Path | Mapping | None = None) -> Mapping[str, Any]:
    """The default configuration ``<name>_default.toml`` updated with a user's file or dict, resolved once.

    The result is read-only (nested mappings are ``MappingProxyType``, lists tuples) and records where it
    came from under ``"_source"``. Passing a resolved configuration back returns it unchanged, and a file
    is parsed once per process (again only when it changes), so a run that hands its configuration from
    analysis to analysis parses nothing twice.

    Parameters
    ----------
    name : str
        The name.
    user : str | Path | Mapping, optional
        The user's field map (source name → schema name).

    Returns
    -------
    Mapping[str, Any]
        The default configuration ``<name>_default.toml`` updated with a user's file or dict, resolved once.

    Examples
    --------
    >>> cfg = load_config("intensity")
    >>> load_config("intensity", cfg) is cfg, cfg["_source"]
    (True, 'zonekit default (intensity_default.toml)')
    """
    if is_resolved(user):
        return user  # type: ignore[return-value]
    if isinstance(user, Mapping):
        base = _thawed(_from_file(name, None, 0))
        cfg = _merge(base, _thawed(user))
        cfg["_source"] = "defaults + given dict"
        return _frozen(cfg)
    if user is None:
        return _from_file(name, None, 0)
    path = Path(user)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = -1  # _from_file says why it cannot be read
    return _from_file(name, str(path), mtime)


def _thawed(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thawed(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thawed(v) for v in value]
    return value
