"""Text from a plan or a command line made safe to show on a terminal or in a log line."""

from __future__ import annotations

import unicodedata

# Joiners shape emoji sequences and Indic scripts, tag characters spell subdivision flags:
# format characters that change how text looks, never where it goes.
_KEPT_FORMAT = frozenset({"\u200c", "\u200d"}) | frozenset(map(chr, range(0xE0020, 0xE0080)))
_SHORT_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_SURROGATE_BYTES = range(0xDC80, 0xDD00)  # os.fsdecode's stand-ins for undecodable bytes


def _escape(char: str) -> str:
    code = ord(char)
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    if code in _SURROGATE_BYTES:
        return f"\\x{code - 0xDC00:02x}"  # the byte the file name really holds
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _unsafe(char: str) -> bool:
    # Cc: C0, DEL and C1 controls (ESC sequences, CR, LF, CSI); Zl/Zp: line breaks;
    # Cf: bidi overrides and isolates, zero-width and other invisible format characters;
    # Cs: lone surrogates, which no terminal encoding can write.
    category = unicodedata.category(char)
    if category == "Cf":
        return char not in _KEPT_FORMAT
    return category in ("Cc", "Cs", "Zl", "Zp")


def printable(text: str) -> str:
    """``text`` with every control, line-break and invisible format character escaped.

    ESC becomes ``\\x1b``, a newline ``\\n``, U+202E ``\\u202e``: a name read from a plan
    can neither repaint the screen, forge a line nor reverse what follows it. Printable
    characters of every script (Hangul, Arabic, emoji) are kept as they are, and so is the
    backslash, so paths stay readable. One call is one line's worth of text.
    """
    if text.isprintable():  # the common case; isprintable() is False for every escape
        return text
    return "".join(_escape(c) if _unsafe(c) else c for c in text)


def shortened(text: str, limit: int = 200) -> str:
    """``text`` (already printable) cut in the middle when longer than ``limit``."""
    if len(text) <= limit:
        return text
    head, tail = limit * 2 // 3, limit // 4
    return f"{text[:head]}…({len(text) - head - tail} more characters)…{text[-tail:]}"
