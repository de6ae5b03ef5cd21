"""Reasons and repairs stored in the study in one canonical (English) form, said in either language.

A rejected feature's reason, a repair, an import note, how an import decided its encoding or CRS are
kept in the study as the English text of a
message of :data:`~zonekit.vocabulary.messages.MESSAGES` (``"park_id is empty"``), so that a study reads
the same whatever language wrote it; :func:`translate` recognises such text and says it in Chinese.
Text it does not recognise is shown as it is.

>>> translate("park_id is empty; made valid (Self-intersection[1 1])", "zh")
'园区代码 为空;已修复为有效几何(Self-intersection[1 1])'
"""

from __future__ import annotations

import functools
import re

from zonekit.vocabulary.messages import MESSAGES, language, render

STORED = tuple(code for code in MESSAGES if code.split(".")[0] in ("row", "repair", "note", "how"))


def _literal(text: str, lang: str) -> int:
    """How much of ``text`` the template that recognises it spells out (0: none does): its specificity."""
    head = _COUNTED.match(text)
    text = head.group(1) if head else text
    for rx, code in _patterns():
        if rx.match(text):
            return sum(len(p) for p in re.split(r"\{\w+(?:[^}]*)\}", MESSAGES[code].en))
    return 0


@functools.cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    out = []
    for code in STORED:
        parts = re.split(r"\{(\w+)(?:[^}]*)\}", MESSAGES[code].en)
        seen: set[str] = set()
        pieces = []
        for k, p in enumerate(parts):
            if k % 2 == 0:
                pieces.append(re.escape(p))
            else:  # a blank named twice ({other} … {other}) matches the same text again
                pieces.append(f"(?P={p})" if p in seen else f"(?P<{p}>.+?)")
                seen.add(p)
        rx = "".join(pieces)
        literal = sum(len(p) for p in parts[::2])
        out.append((literal, re.compile(f"^{rx}$", re.S), code))
    # the most specific first: "{indicator}: {why}" must not catch what a longer template says exactly
    return tuple((rx, code) for _, rx, code in sorted(out, key=lambda t: -t[0]))


_COUNTED = re.compile(r"^(.*?)( ×\d+(?: \([^)]*\))?)$", re.S)  # "reason ×3", "made valid ×1 (+2.00 m²)"


def _one(text: str, lang: str) -> str | None:
    counted = _COUNTED.match(text)
    if counted:
        head = _one(counted.group(1), lang)
        return None if head is None else head + counted.group(2).replace("m²", "平方米")
    for rx, code in _patterns():
        m = rx.match(text)
        if m:
            values = m.groupdict()
            if lang == "zh" and "col" in values:  # a study column is named as its header says it
                from zonekit.vocabulary.labels import LABELS_ZH

                values["col"] = LABELS_ZH.get(values["col"], values["col"])
            if lang == "zh" and "weights" in values:  # consolidation rules by their names
                from zonekit.vocabulary.labels import RULE_ZH

                values["weights"] = re.sub(
                    r"[a-z][a-z_]+", lambda w: RULE_ZH.get(w.group(), w.group()), values["weights"]
                ).replace(", ", "、")
            try:
                return render(code, lang, values)[0]
            except (ValueError, KeyError, IndexError):  # a template that formats a number: shown as stored
                return None
    return None


def translate(text: object, lang: str | None = None) -> object:
    """Stored text (one phrase or several joined by ``"; "``) in ``lang``; other values as they are.

    Parameters
    ----------
    text : object
        A stored reason, repair or note; anything else is returned unchanged.
    lang : {"zh", "en"}, optional
        Defaults to the language in force.

    Returns
    -------
    object
        The text in ``lang``.
    """
    lang = lang or language()
    if lang == "en" or not isinstance(text, str) or not text:
        return text
    parts = text.split("; ")
    said = [_one(p, lang) for p in parts]
    whole = _one(text, lang)
    # several reasons, each known: said one by one (a template's last blank must not swallow the reasons
    # after it) — unless one template spells out more of the whole than they do together (a stored phrase
    # with "; " of its own)
    each = len(parts) > 1 and all(s is not None for s in said)
    if each and (whole is None or sum(_literal(p, lang) for p in parts) >= _literal(text, lang)):
        return ";".join(s for s in said if s is not None)
    if whole is not None:
        return whole
    if any(s is not None for s in said):
        return ";".join(s if s is not None else p for s, p in zip(said, parts, strict=True))
    return text
