"""Land-use code systems and their analysis classes (``domain.md`` §5).

The same 4-digit code means different things in different systems — 0601 is 工业用地 in 三调/GB 21010 but
乡村道路用地 in 用地用海 — so a code is classified only together with its declared system. Classification is
by longest prefix. 三调 suffixes (``0307K`` adjustable land, ``1104A`` aquaculture ponds) are stripped for
the class and kept as a flag. Codes a system does not know are reported, never dropped.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from zonekit.choices import CODE_SYSTEMS
from zonekit.errors import CodeSystemHintWarning, InputError
from zonekit.vocabulary.messages import Reasons, say

CLASSES = (
    "industrial",
    "logistics",
    "commercial",
    "residential",
    "public_services",
    "transport",
    "green_open",
    "water",
    "farmland",
    "ecological_unused",
    "other",
)
UNKNOWN = "unknown"


def _rng(prefix: str, a: int, b: int, width: int = 2) -> list[str]:
    return [f"{prefix}{i:0{width}d}" for i in range(a, b + 1)]


# (class, is_construction, flag) per code prefix
Rule = tuple[str, bool, str | None]


def _table(entries: list[tuple[list[str], Rule]]) -> dict[str, Rule]:
    return {code: rule for codes, rule in entries for code in codes}


_GB_COMMON = [
    (["0601"], ("industrial", True, None)),
    (["0602"], ("industrial", True, "mining")),
    (_rng("05", 1, 7), ("commercial", True, None)),
    (["0701", "0702"], ("residential", True, None)),
    ([*_rng("08", 1, 9), "1109"], ("public_services", True, None)),
    (_rng("10", 1, 5) + _rng("10", 7, 9), ("transport", True, None)),
    (["1006"], ("transport", False, "rural_road")),
    (["0810"], ("green_open", True, None)),
    ([*_rng("11", 1, 4), "1107", "1110"], ("water", False, None)),
    (["01", "02", "1202", "1203"], ("farmland", False, None)),
    (["03", "04", "1105", "1106", "1108", *_rng("12", 4, 7)], ("ecological_unused", False, None)),
    (["09"], ("other", True, "special")),
    (["0603"], ("other", False, "salt_pan")),
    (["1201"], ("other", False, "vacant")),
]
GB21010_2017 = _table([*_GB_COMMON, (["0604"], ("logistics", True, None))])
SANDIAO = _table(
    [
        *_GB_COMMON,
        (["0508"], ("logistics", True, None)),
        (["05H1"], ("commercial", True, None)),
        (["08H1", "08H2"], ("public_services", True, None)),
    ]
)
YDYH = _table(
    [
        (["1001"], ("industrial", True, None)),
        (["1002"], ("industrial", True, "mining")),
        (["1101", "1102"], ("logistics", True, None)),
        (["09"], ("commercial", True, None)),
        (["0701", "0703"], ("residential", True, None)),
        (["0702", "0704"], ("residential", True, "community_facilities")),
        (["08", "13"], ("public_services", True, None)),
        (["12"], ("transport", True, None)),
        (["0601"], ("transport", False, "rural_road")),
        (["14"], ("green_open", True, None)),
        (["17"], ("water", False, None)),
        (["01", "02", "06", "2302", "2303"], ("farmland", False, None)),
        (["03", "04", "05", "2304", "2305", "2306", "2307"], ("ecological_unused", False, None)),
        (["15"], ("other", True, "special")),
        (["16"], ("other", False, "reserved")),
        (["1003"], ("other", False, "salt_pan")),
        (["2301"], ("other", False, "vacant")),
        (["18", "19", "20", "21", "22", "24"], ("other", False, "sea")),
    ]
)
SYSTEMS: dict[str, dict[str, Rule]] = {
    "gb21010_2017": GB21010_2017,
    "sandiao": SANDIAO,
    "ydyh_2020": YDYH,
    "ydyh_2023": YDYH,
}
assert tuple(SYSTEMS) == CODE_SYSTEMS
_SUFFIX = re.compile(r"^(?P<base>[0-9]{2}(?:[0-9]{2}|H[0-9])(?:[0-9]{2})?)(?P<suffix>[A-Z]*)$")
_SUFFIX_FLAGS = {"K": "adjustable", "A": "aquaculture"}


def normalise_code(code: object) -> str | None:
    """Code as text: strip spaces, upper-case letters, restore a leading zero lost to a number column.

    Only values that arrive as numbers get their zero back (601 → 0601): a text ``201`` may be an older
    (二调) code and is left as it is.

    Parameters
    ----------
    code : object
        A code.

    Returns
    -------
    str | None
        Code as text: strip spaces, upper-case letters, restore a leading zero lost to a number column.
    """
    if code is None or (isinstance(code, float) and np.isnan(code)) or code is pd.NA:
        return None
    if isinstance(code, float | np.floating) and float(code).is_integer():
        code = int(code)
    was_number = isinstance(code, int | np.integer)
    s = str(code).strip().upper()
    if was_number and len(s) in (3, 5):  # 601 → 0601, 10101 → 010101
        s = "0" + s
    return s or None


def normalise_codes(codes: pd.Series | list) -> np.ndarray:
    """:func:`normalise_code` of every code, computed once per distinct value (object array).

    Parameters
    ----------
    codes : Series or list
        Land-use codes, as read (text or numbers).

    Returns
    -------
    numpy.ndarray
        The normalised codes, ``None`` where missing.

    Examples
    --------
    >>> normalise_codes([601, " 05h1", None, 601.0]).tolist()
    ['0601', '05H1', None, '0601']
    """
    values = codes.to_numpy(dtype=object) if isinstance(codes, pd.Series) else np.asarray(codes, dtype=object)
    position, distinct = pd.factorize(values, use_na_sentinel=True)
    said = np.array([normalise_code(c) for c in distinct] + [None], dtype=object)
    return said[position]  # -1 (missing) takes the last, None


def classify(codes: pd.Series | list, system: str) -> pd.DataFrame:
    """Analysis class, construction flag and flag for each code under ``system``.

    Parameters
    ----------
    codes : Series or list of str
    system : {"gb21010_2017", "sandiao", "ydyh_2020", "ydyh_2023"}

    Returns
    -------
    DataFrame
        Columns ``land_use_code`` (normalised), ``analysis_class`` (``"unknown"`` when the system has no such
        code), ``is_construction`` (bool, NA when unknown) and ``land_use_flag``; index as ``codes``.

    Examples
    --------
    >>> classify(["0601", "05H1"], "sandiao")["analysis_class"].tolist()
    ['industrial', 'commercial']
    >>> classify(["0601"], "ydyh_2023")["analysis_class"].tolist()
    ['transport']
    """
    table = SYSTEMS[system]
    index = codes.index if isinstance(codes, pd.Series) else None
    norm = normalise_codes(codes)
    position, distinct = pd.factorize(norm, use_na_sentinel=True)
    rules = [_classify_one(c, table, system) for c in distinct] + [_classify_one(None, table, system)]
    picked = np.array(rules, dtype=object)[position]  # each distinct code classified once
    df = pd.DataFrame(
        {
            "analysis_class": picked[:, 0] if len(picked) else [],
            "is_construction": picked[:, 1] if len(picked) else [],
            "land_use_flag": picked[:, 2] if len(picked) else [],
        },
        index=index,
    )
    df.insert(0, "land_use_code", norm if index is None else pd.Series(norm, index=index))
    df["is_construction"] = df["is_construction"].astype("boolean")
    return df


def _classify_one(code: str | None, table: dict[str, Rule], system: str) -> tuple[str, object, str | None]:
    if code is None:
        return (UNKNOWN, None, "no_code")
    m = _SUFFIX.match(code)
    if not m:
        return (UNKNOWN, None, None)
    base, suffix = m["base"], m["suffix"]
    if suffix and system != "sandiao":
        return (UNKNOWN, None, None)
    for n in range(len(base), 1, -1):
        rule = table.get(base[:n])
        if rule:
            cls, constr, flag = rule
            sflag = "+".join(_SUFFIX_FLAGS.get(ch, ch) for ch in suffix) if suffix else None
            return (cls, constr, "+".join(f for f in (flag, sflag) if f) or None)
    return (UNKNOWN, None, None)


def _looks_ydyh(code: str) -> bool:
    """用地用海 evidence: a 6-digit code, or a 4-digit code whose first level (13–24) 三调 does not have."""
    if not code.isdigit():
        return False
    return len(code) == 6 or (len(code) == 4 and 13 <= int(code[:2]) <= 24)


def detect_system(codes: pd.Series | list) -> tuple[str | None, str]:
    """Guess the code system from the codes themselves: a hint, never a decision.

    Returns
    -------
    (system or None, evidence)

    Parameters
    ----------
    codes : pd.Series | list
        Land-use codes.
    """
    norm = {c for c in normalise_codes(codes) if c}
    sandiao = sorted(
        c for c in norm if c in {"05H1", "08H1", "08H2", "0508"} or re.fullmatch(r"\d{4}[KA]", c)
    )
    if sandiao:
        return "sandiao", f"三调 codes such as {', '.join(sandiao[:3])}"
    ydyh = sorted(c for c in norm if _looks_ydyh(c))
    if ydyh:
        return "ydyh_2023", f"用地用海 codes such as {', '.join(ydyh[:3])}"
    return None, "only codes that several systems share"


def resolve_system(codes: pd.Series, declared: str | None, *, path: str) -> tuple[str, Reasons]:
    """Decide the system of a land-use layer: the declared one, else a warned hint, else an error.

    Parameters
    ----------
    codes : pd.Series
        Land-use codes.
    declared : str
        What the file or user declared.
    path : str
        The file.

    Returns
    -------
    tuple[str, str]
        The system and how it was decided.
    """
    if declared:
        if declared not in SYSTEMS:
            raise InputError("codes.system_unknown", path=path, system=declared, systems=", ".join(SYSTEMS))
        hint, evidence = detect_system(codes)
        if (
            hint
            and hint.split("_")[0] != declared.split("_")[0]
            and not ({hint, declared} <= {"sandiao", "gb21010_2017"})
        ):
            warnings.warn(
                say("codes.system_mismatch", path=path, declared=declared, hint=hint, evidence=evidence),
                CodeSystemHintWarning,
                stacklevel=3,
            )
        return declared, Reasons.of("how.codes_declared")
    hint, evidence = detect_system(codes)
    if hint is None:
        raise InputError("codes.system_ambiguous", path=path, systems=", ".join(SYSTEMS))
    warnings.warn(
        say("codes.system_detected", path=path, hint=hint, evidence=evidence),
        CodeSystemHintWarning,
        stacklevel=3,
    )
    return hint, Reasons.of("how.codes_detected", evidence=evidence)
