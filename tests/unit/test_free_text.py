"""The one rule for free text (issue 20): control characters refused naming the field, invisible
format characters removed (ZWNJ and ZWJ kept), whitespace folded."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kook.domain.shared.errors import ValidationFailed
from kook.domain.shared.text import clean_text, has_forbidden_characters, strip_invisible

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
ZWNJ, ZWJ = "\u200c", "\u200d"


@pytest.mark.parametrize(
    "control", ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f", "\ud800"]
)
@pytest.mark.parametrize("multiline", [False, True])
def test_control_characters_are_refused_naming_the_field(control: str, multiline: bool) -> None:
    with pytest.raises(ValidationFailed) as raised:
        clean_text(f"شارژ{control}اسفند", "name", multiline=multiline)
    assert raised.value.fields == {"name": "text_invalid"}


@pytest.mark.parametrize("mark", [*BIDI, "\u200b", "\u2060", "\ufeff", "\u00ad"])
def test_bidi_overrides_isolates_and_marks_are_removed(mark: str) -> None:
    assert clean_text(f"{mark}شارژ{mark} اسفند{mark}", "name") == "شارژ اسفند"


def test_joiners_are_kept_and_text_of_only_joiners_is_empty() -> None:
    assert clean_text(f"  نیم{ZWNJ}فاصله  ", "name") == f"نیم{ZWNJ}فاصله"
    assert clean_text(f"👩{ZWJ}💻", "name") == f"👩{ZWJ}💻"
    assert clean_text(f" {ZWNJ}\u202e {ZWJ} ", "name") == ""


def test_multiline_keeps_line_breaks_and_drops_blank_lines() -> None:
    assert clean_text("  اول \u202e\r\n\n\t دوم  \n", "reason", multiline=True) == "اول\nدوم"
    assert clean_text("  اول \n دوم ", "name") == "اول دوم"


@given(st.text(max_size=60), st.booleans())
def test_any_text_is_refused_or_clean_and_stable(raw: str, multiline: bool) -> None:
    if has_forbidden_characters(raw):
        with pytest.raises(ValidationFailed):
            clean_text(raw, "field", multiline=multiline)
        return
    cleaned = clean_text(raw, "field", multiline=multiline)
    assert clean_text(cleaned, "field", multiline=multiline) == cleaned
    assert all(unicodedata.category(ch) not in ("Cc", "Cs") or ch == "\n" for ch in cleaned)
    assert all(unicodedata.category(ch) != "Cf" or ch in (ZWNJ, ZWJ) for ch in cleaned)
    assert cleaned == cleaned.strip() and "  " not in cleaned
    assert multiline or "\n" not in cleaned
    visible = [ch for ch in raw if not ch.isspace() and unicodedata.category(ch) != "Cf"]
    assert bool(visible) == bool(cleaned)  # nothing visible is lost, nothing invisible is left alone


@given(st.text(alphabet=st.sampled_from([*BIDI, "a", "ب", " "]), max_size=40))
def test_strip_invisible_leaves_only_what_is_seen(raw: str) -> None:
    assert strip_invisible(raw) == "".join(ch for ch in raw if ch not in BIDI)
