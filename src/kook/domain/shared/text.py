"""Free text as people type it — names, addresses, request names, reasons, titles, notes: one rule
for the whole domain, applied wherever such text enters.

* **Refused** (``ValidationFailed`` naming the field, code ``text_invalid``): control characters —
  NUL and the rest of C0 except tab, line feed and carriage return, DEL, C1 — and lone surrogates.
  They have no place in a name or a reason, NUL cannot even be stored in PostgreSQL text, and a
  clear refusal beats guessing what was meant.
* **Removed**: invisible format characters (Unicode category Cf) — bidi embeddings and overrides
  (U+202A–U+202E), isolates (U+2066–U+2069), direction marks (LRM, RLM, ALM), zero-width space,
  word joiner, BOM, soft hyphen… They can make what staff read differ from what is stored (a
  reason shown backwards, a file name whose extension is spoofed). The zero-width non-joiner
  (نیم‌فاصله, U+200C) and joiner (U+200D) are kept: Persian spelling needs them.
* Whitespace folds to single spaces; multi-line text keeps its line breaks and drops blank lines.
  Text made only of spaces and joiners is empty.
"""

from __future__ import annotations

import unicodedata
from typing import Final

from kook.domain.shared.errors import ValidationFailed

TEXT_INVALID: Final = "text_invalid"
_KEPT_FORMAT: Final = frozenset("\u200c\u200d")  # ZWNJ, ZWJ
_ALLOWED_CONTROLS: Final = frozenset("\t\n\r")


def has_forbidden_characters(value: str) -> bool:
    """Whether ``value`` holds a control character or a lone surrogate."""
    return any(
        (category == "Cc" and ch not in _ALLOWED_CONTROLS) or category == "Cs"
        for ch in value
        for category in (unicodedata.category(ch),)
    )


def strip_invisible(value: str) -> str:
    """``value`` without invisible format characters (ZWNJ and ZWJ kept)."""
    return "".join(ch for ch in value if ch in _KEPT_FORMAT or unicodedata.category(ch) != "Cf")


def clean_text(value: str, field: str, *, multiline: bool = False) -> str:
    """Free text by the one rule above; raises ``ValidationFailed({field: "text_invalid"})``."""
    if has_forbidden_characters(value):
        raise ValidationFailed({field: TEXT_INVALID})
    visible = strip_invisible(value)
    if multiline:
        lines = (" ".join(line.split()) for line in visible.splitlines())
        cleaned = "\n".join(line for line in lines if _has_content(line))
    else:
        cleaned = " ".join(visible.split())
    return cleaned if _has_content(cleaned) else ""


def _has_content(text: str) -> bool:
    return any(not ch.isspace() and ch not in _KEPT_FORMAT for ch in text)
