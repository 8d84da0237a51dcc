"""Text that staff copy and the scheduling module receives: one line, nothing hidden.

First names and appointment references come from outside (the API, a clinician's form). A line
break could turn a ready-to-paste invitation message into someone else's message; control
characters and bidirectional overrides can make text read differently from what it holds.
"""

import unicodedata

# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), and the
# invisible marks that reorder text (U+200E, U+200F, U+061C).
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)


def unsafe_characters(text: str) -> bool:
    """True when text holds a control character (line breaks, tabs, NUL...), a line or
    paragraph separator, or a bidirectional control."""
    for ch in text or "":
        if ch in BIDI_CONTROLS:
            return True
        if unicodedata.category(ch) in ("Cc", "Zl", "Zp"):
            return True
    return False
