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


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, dict | Mapping):
        return "table"
    return "other"  # dates, times


def check_types(default: Mapping, user: Mapping, *, path: str | Path, name: str, where: str = "") -> None:
    """Stop on a setting of ``user`` that the defaults do not know, or whose kind differs from theirs.

    A key the defaults have must keep its kind (a number stays a number, a list a list, element by
    element like the default's first); a key they lack is welcome inside a table whose entries share
    one kind (industries, weight nodes, synonyms, city grades) if it has that kind too, and refused at
    the top, where it is a misspelt section.

    Parameters
    ----------
    default : Mapping
        The shipped configuration (or a part of it).
    user : Mapping
        The user's overrides of that part.
    path : str or Path
        The user's file (for the message).
    name : str
        Which configuration (``intensity``, ``consolidate``).
    where : str, optional
        The dotted position of ``default`` in the whole.

    Raises
    ------
    InputError
        Naming the setting, what it should be and what it is.

    Examples
    --------
    >>> check_types({"scoring": {"cap": 100.0}}, {"scoring": {"cap": 90}}, path="c.toml", name="intensity")
    >>> check_types({"scoring": {"cap": 100.0}}, {"scoring": {"cap": "90"}}, path="c.toml", name="intensity")
    Traceback (most recent call last):
    ...
    zonekit.errors.InputError: ...
    """
    for key, value in user.items():
        here = f"{where}.{key}" if where else str(key)
        if key in default:
            template = default[key]
        else:
            kinds = {_kind(v) for v in default.values()}
            if not where or len(kinds) > 1:
                known = ", ".join(map(str, default)) or "—"
                raise InputError("config.unknown_key", path=path, key=here, known=known, name=name)
            # an open table: like its entries (an empty one, e.g. fixed benchmarks, takes numbers)
            template = next(iter(default.values())) if default else 0.0
        _check_value(template, value, path=path, name=name, where=here)


def _check_value(template: Any, value: Any, *, path: str | Path, name: str, where: str) -> None:
    want, got = _kind(template), _kind(value)
    if want != got:
        raise InputError(
            "config.wrong_kind",
            path=path,
            key=where,
            want=say(f"kind.{want}"),
            got=say(f"kind.{got}"),
            value=repr(value)[:60],
            name=name,
        )
    if want == "table":
        check_types(template, value, path=path, name=name, where=where)
    elif want == "list" and len(template):
        uniform = len({_kind(t) for t in template}) == 1
        if not uniform and len(value) != len(template):  # a record such as [85.0, "A"]
            raise InputError(
                "config.wrong_length",
                path=path,
                key=where,
                n=len(template),
                value=repr(value)[:60],
                name=name,
            )
        for i, item in enumerate(value):
            _check_value(template[0 if uniform else i], item, path=path, name=name, where=f"{where}[{i}]")


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
            user = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
            raise InputError("config.unreadable", path=path, err=err, name=name) from None
        check_types(cfg, user, path=path, name=name)
        cfg = _merge(cfg, user)
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
        base.pop("_source", None)
        check_types(base, user, path="config", name=name)
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
