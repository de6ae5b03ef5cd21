"""Text encodings of files made on Chinese Windows: .cpg, the DBF language byte, and the bytes themselves.

GDAL decodes a shapefile by its ``.cpg``, else by the DBF language byte (LDID); a GBK file with no ``.cpg``
and LDID 0 or 0x57 comes back as Latin-1 mojibake without a warning. zonekit decides such files from their
bytes: valid UTF-8 is UTF-8; otherwise bytes that decode as GB18030 to mostly Chinese text are GB18030;
anything else is an error that asks for ``--encoding``.
"""

from __future__ import annotations

import struct
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zonekit.errors import EncodingError
from zonekit.vocabulary.messages import Reasons

# DBF language driver ids (LDID) → Python codec, after GDAL's table (ogr/ogrsf_frmts/shape)
LDID_CODECS = {
    0x01: "cp437",
    0x02: "cp850",
    0x03: "cp1252",
    0x4D: "gbk",
    0x4E: "cp949",
    0x4F: "big5",
    0x57: None,
    0x7A: "gbk",
    0x7B: "shift_jis",
    0x7C: "cp874",
    0xC8: "cp1250",
    0xC9: "cp1251",
}
_CPG_ALIASES = {
    "936": "gbk",
    "cp936": "gbk",
    "gbk": "gbk",
    "gb2312": "gbk",
    "gb18030": "gb18030",
    "ansi 936": "gbk",
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "65001": "utf-8",
    "950": "big5",
    "big5": "big5",
    "1252": "cp1252",
    "ansi 1252": "cp1252",
    "88591": "latin-1",
    "8859_1": "latin-1",
    "iso-8859-1": "latin-1",
}


@dataclass(frozen=True)
class EncodingDecision:
    """The encoding chosen for a source and how it was decided."""

    encoding: str
    how: Reasons
    guessed: bool = False


_CJK_RANGES = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x3000, 0x303F), (0xFF00, 0xFFEF))
_CJK_SYMBOLS = set("°±×÷²³·—–“”‘’…①②③④⑤⑥⑦⑧⑨⑩ⅠⅡⅢⅣⅤ")


def _is_chinese_text_char(c: str) -> bool:
    o = ord(c)
    if any(lo <= o <= hi for lo, hi in _CJK_RANGES) or c in _CJK_SYMBOLS:
        return True
    return unicodedata.category(c).startswith(("L", "N")) and unicodedata.east_asian_width(c) in "WF"


def cjk_share(text: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are Chinese text (ideographs, CJK punctuation, full width).

    Parameters
    ----------
    text : str
        The text.

    Returns
    -------
    float
        Share of the non-ASCII characters of ``text`` that are Chinese text (ideographs, CJK punctuation, full width).
    """
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return 1.0
    return sum(_is_chinese_text_char(c) for c in non_ascii) / len(non_ascii)


def decide_from_bytes(data: bytes, *, path: str | Path | None = None, what: str = "text") -> EncodingDecision:
    """Decide between UTF-8 and GB18030 (a superset of GBK) from raw bytes.

    Parameters
    ----------
    data : bytes
        The bytes.
    path : str | Path, optional
        The file.
    what : str, default 'text'
        What the bytes are, for messages.

    Returns
    -------
    EncodingDecision
        The encoding and how it was decided.

    Raises
    ------
    EncodingError
        When the bytes are neither valid UTF-8 nor plausible Chinese in GB18030.
    """
    if all(b < 128 for b in data):
        return EncodingDecision("utf-8", Reasons.of("how.ascii"), True)
    try:
        data.decode("utf-8")
        return EncodingDecision("utf-8", Reasons.of("how.utf8"), True)
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and cjk_share(text) >= 0.9:
        return EncodingDecision("gb18030", Reasons.of("how.gb18030"), True)
    raise EncodingError("encoding.undecidable", path=path)


@dataclass(frozen=True)
class DbfHeader:
    """What zonekit needs from a DBF header."""

    n_records: int
    header_len: int
    record_len: int
    ldid: int
    char_fields: list[tuple[int, int]]  # (offset in record, length)
    field_name_bytes: bytes
    wide_integers: list[tuple[int, int, int]] = field(default_factory=list)
    """(field index, offset in record, length) of the whole-number fields of 19 digits or more: GDAL reads
    them as floating point, which keeps 15–17 significant digits of an id."""

    def records_present(self, file_size: int) -> int:
        """How many whole records the file really holds (a truncated file holds fewer than declared).

        Parameters
        ----------
        file_size : int
            The declared size, bytes.

        Returns
        -------
        int
            How many whole records the file really holds (a truncated file holds fewer than declared).
        """
        if self.record_len <= 0:
            return 0
        return max(0, min(self.n_records, (file_size - self.header_len) // self.record_len))

    def records(self, path: Path) -> np.ndarray:
        """The whole records of the DBF ``path`` as a read-only (records × bytes) memory map.

        Parameters
        ----------
        path : Path
            The file.

        Returns
        -------
        numpy.ndarray
            One row per record present (none for an empty or truncated file); nothing is read until used.
        """
        n = self.records_present(path.stat().st_size)
        if n == 0:
            return np.zeros((0, max(self.record_len, 1)), dtype=np.uint8)
        return np.memmap(path, dtype=np.uint8, mode="r", offset=self.header_len, shape=(n, self.record_len))

    def has_deleted(self, path: Path) -> bool:
        """Whether any record of the DBF ``path`` is marked deleted (GDAL then skips it).

        Parameters
        ----------
        path : Path
            The file.

        Returns
        -------
        bool
            True when a record's deletion flag is ``*``.
        """
        return bool((self.records(path)[:, 0] == 0x2A).any())


SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
"""A shapefile's files, in the order they are read."""


def shapefile_set(shp: Path) -> dict[str, Path]:
    """The files of a shapefile's set, by lower-case suffix (``.shp`` … ``.cpg``), whatever their case.

    Parameters
    ----------
    shp : Path
        The .shp file.

    Returns
    -------
    dict[str, Path]
        Suffix → file, in the order of :data:`SHAPEFILE_PARTS`, for the files present.
    """
    found = {p.suffix.lower(): p for p in shp.parent.iterdir() if p.stem == shp.stem}
    return {s: found[s] for s in SHAPEFILE_PARTS if s in found}


def sidecar(shp: Path, suffix: str) -> Path | None:
    """The file of a shapefile's set with ``suffix`` (``.dbf``, ``.cpg`` …), whatever the case of its suffix.

    Parameters
    ----------
    shp : Path
        The .shp file.
    suffix : str
        The lower-case suffix wanted.

    Returns
    -------
    Path or None
        The file, or None when the set lacks it.
    """
    if suffix in SHAPEFILE_PARTS:
        return shapefile_set(shp).get(suffix)
    return next((p for p in shp.parent.iterdir() if p.stem == shp.stem and p.suffix.lower() == suffix), None)


def read_dbf_header(path: Path) -> DbfHeader:
    """Parse the header of a DBF file.

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    DbfHeader
        Record count, header length, record length, LDID byte and the text fields.
    """
    with open(path, "rb") as f:
        head = f.read(32)
        if len(head) < 32:
            raise EncodingError("encoding.dbf_short", path=path)
        n_records, header_len, record_len = struct.unpack("<IHH", head[4:12])
        ldid = head[29]
        fields_raw = f.read(max(0, header_len - 32))
    char_fields: list[tuple[int, int]] = []
    wide: list[tuple[int, int, int]] = []
    names = bytearray()
    offset = 1  # deletion flag
    for i in range(0, len(fields_raw) - 31, 32):
        desc = fields_raw[i : i + 32]
        if desc[0] == 0x0D:
            break
        names += desc[:11].split(b"\x00")[0] + b" "
        ftype, flen, decimals = chr(desc[11]), desc[16], desc[17]
        if ftype == "C":
            char_fields.append((offset, flen))
        elif ftype in "NF" and decimals == 0 and flen >= 19:
            wide.append((i // 32, offset, flen))
        offset += flen
    return DbfHeader(n_records, header_len, record_len, ldid, char_fields, bytes(names), wide)


def dbf_column_text(
    path: Path, header: DbfHeader, offset: int, length: int, start: int, stop: int
) -> np.ndarray:
    """One fixed-width field of records ``start`` to ``stop`` of a DBF, as its exact text (None if blank).

    Parameters
    ----------
    path : Path
        The file.
    header : DbfHeader
        Its header.
    offset, length : int
        Where the field sits in a record.
    start, stop : int
        The records.

    Returns
    -------
    numpy.ndarray
        The values as text (object array), read through a memory map: only those records are touched.
    """
    present = header.records_present(path.stat().st_size)
    stop = min(stop, present)
    if stop <= start:
        return np.array([], dtype=object)
    records = header.records(path)
    cells = np.ascontiguousarray(records[start:stop, offset : offset + length]).view(f"S{length}").ravel()
    text = np.char.strip(np.char.decode(cells, "ascii", errors="replace"))
    out = text.astype(object)
    out[text == ""] = None
    return out


def dbf_text_bytes(path: Path, header: DbfHeader, *, limit: int = 32 << 20, names: bool = True) -> bytes:
    """The bytes of every character field (and the field names) of a DBF, up to ``limit`` bytes.

    Parameters
    ----------
    path : Path
        The file.
    header : DbfHeader
        The header.
    limit : int, default 32 << 20
        Largest size allowed, bytes.
    names : bool, default True
        Include the field names (cut at 10 bytes, they may end inside a character).

    Returns
    -------
    bytes
        The bytes of every character field (and the field names) of a DBF, up to ``limit`` bytes.
    """
    present = header.records_present(path.stat().st_size)
    width = sum(length for _, length in header.char_fields)
    head = [header.field_name_bytes] if names else []
    if present == 0 or width == 0:
        return b"\n".join(head)
    n = max(1, min(present, limit // width))  # the first records, as many as the limit holds
    records = header.records(path)
    cells = np.concatenate(
        [
            np.ascontiguousarray(records[:n, off : off + length]).view(f"S{length}")
            for off, length in header.char_fields
        ],
        axis=1,
    ).ravel()  # numpy's bytes strip trailing NULs; spaces go below
    cells = np.char.rstrip(cells, b" ")
    return b"\n".join([*head, *cells[np.char.str_len(cells) > 0].tolist()])


def shapefile_encoding(shp: Path, *, override: str | None = None) -> EncodingDecision:
    """Decide the encoding of a shapefile's attributes: ``--encoding``, ``.cpg``, the LDID, then the bytes.

    Parameters
    ----------
    shp : Path
        The .shp file.
    override : str, optional
        The user's value, which wins.

    Returns
    -------
    EncodingDecision
        The encoding and how it was decided.
    """
    if override:
        return EncodingDecision(codec_name(override), Reasons.of("how.encoding_option"))
    cpg = shp.with_suffix(".cpg")
    if not cpg.exists():
        cpg = sidecar(shp, ".cpg") or cpg
    dbf = sidecar(shp, ".dbf")
    if cpg.exists():
        declared = cpg.read_bytes().decode("ascii", "replace").strip()
        codec = normalise_codec(declared, strict=False)
        if codec:
            if dbf is not None:
                values = dbf_text_bytes(dbf, read_dbf_header(dbf), names=False)
                _refuse_contradicted(cpg, declared, codec, values)
            return EncodingDecision(codec, Reasons.of("how.cpg", declared=declared))
    if dbf is None:
        return EncodingDecision("utf-8", Reasons.of("how.no_dbf"))
    header = read_dbf_header(dbf)
    codec = LDID_CODECS.get(header.ldid)
    if header.ldid not in (0, 0x57) and codec:
        return EncodingDecision(codec, Reasons.of("how.ldid", ldid=f"{header.ldid:02X}", codec=codec))
    found = decide_from_bytes(dbf_text_bytes(dbf, header), path=dbf, what="attribute text")
    return EncodingDecision(
        found.encoding, Reasons.of("how.no_cpg_ldid", ldid=f"{header.ldid:02X}") + found.how, guessed=True
    )


_CHINESE_CODECS = ("gbk", "gb2312", "gb18030", "cp936", "hz")


def _refuse_contradicted(cpg: Path, declared: str, codec: str, data: bytes) -> None:
    """Stop when the .cpg names one encoding and the attribute bytes are plainly in another.

    A .cpg saying UTF-8 over GBK bytes would reject every feature (or store "?"), one saying GBK over
    UTF-8 bytes would store mojibake; both happen when files pass between tools.
    """
    if all(b < 128 for b in data):
        return
    as_utf8 = data.decode("utf-8", errors="replace")
    non_ascii = sum(ord(c) > 127 for c in as_utf8)
    # a field name cut at the .dbf's 10 bytes breaks a character or two; other text breaks everywhere
    is_utf8 = as_utf8.count("\ufffd") <= 0.05 * non_ascii and cjk_share(as_utf8.replace("\ufffd", "")) >= 0.9
    actual = None
    if codec == "utf-8" and not is_utf8:
        actual = "GBK" if cjk_share(data.decode("gb18030", errors="replace")) >= 0.9 else None
    elif codec in _CHINESE_CODECS and is_utf8:
        actual = "UTF-8"
    if actual is None:
        return
    text = data.decode("utf-8" if actual == "UTF-8" else "gb18030", errors="replace")
    sample = next((w for w in text.split() if any(ord(c) > 127 for c in w)), "")[:20]
    raise EncodingError(
        "encoding.cpg_contradicted",
        path=cpg,
        declared=declared,
        actual=actual,
        sample=sample,
        option=actual.lower(),
    )


def normalise_codec(name: str, *, strict: bool = True) -> str | None:
    """Return the Python codec name for an encoding name, or raise for an unknown one.

    Parameters
    ----------
    name : str
        The name.
    strict : bool, default True
        Raise instead of warning.

    Returns
    -------
    str | None
        The Python codec name.
    """
    import codecs

    key = name.strip().lower()
    if key in _CPG_ALIASES:
        return _CPG_ALIASES[key]
    try:
        return codecs.lookup(key).name
    except LookupError:
        if not strict:
            return None
        raise EncodingError("encoding.unknown", name=name) from None


def codec_name(name: str) -> str:
    """The Python codec name for an encoding name; raise :class:`EncodingError` for an unknown one.

    Parameters
    ----------
    name : str
        The name.

    Returns
    -------
    str
        The Python codec name for an encoding name; raise :class:`EncodingError` for an unknown one.
    """
    found = normalise_codec(name)
    assert found is not None  # strict lookups raise instead of returning None
    return found
