"""Which operator a mobile number belongs to (SPEC §6.2).

The operator is found by the **longest** prefix of the normalised number
(``09XXXXXXXXX``) in a table staff can edit. A row's operator may be empty:
the block is shared by several operators (the 0999x MVNO ranges), and a number
in it needs an explicit operator code. A number that matches no row has an
unassigned prefix and is refused (``mobile_prefix_unassigned``).

A ported number (ترابرد) keeps its prefix: the code given with it wins over the
prefix, and the answer records that it was ported (given operator ≠ prefix
operator).

Rows never overlap ambiguously: a prefix appears at most once, so for every
number the longest match is a single row. Nested prefixes are allowed
(``0999`` shared, ``09991`` assigned): the longer one wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from kook.domain.routing.operator import Operator, parse_optional_operator
from kook.domain.shared.errors import Conflict, DomainError, ValidationFailed
from kook.domain.shared.mobile import normalize_mobile, to_latin_digits
from kook.domain.shared.text import clean_text

PREFIX_MIN_LENGTH: Final = 4  # "0912"
PREFIX_MAX_LENGTH: Final = 10  # one digit short of a whole number
MAX_NOTE: Final = 200
_ROUTES_KEPT: Final = 10_000
_PREFIX: Final = re.compile(rf"09[0-9]{{{PREFIX_MIN_LENGTH - 2},{PREFIX_MAX_LENGTH - 2}}}")


class OperatorUnknown(DomainError):
    """The number's prefix is shared by several operators; it needs an explicit operator code."""

    code = "operator_unknown"


class PrefixUnassigned(DomainError):
    """No operator has the number's prefix (e.g. ``0980…``)."""

    code = "mobile_prefix_unassigned"


class LastPrefix(DomainError):
    """The operator has a route and this is its last prefix: without it no number reaches the route."""

    code = "last_prefix"


def check_prefix(value: str) -> str:
    """A prefix as staff type it → Latin digits ``09…`` (4–10 digits), or ``ValidationFailed``."""
    text = "".join(ch for ch in to_latin_digits(value) if not ch.isspace() and ch not in "-\u200c\u200e\u200f")
    if text.startswith("+98"):
        text = "0" + text[3:]
    elif text.startswith("9"):
        text = "0" + text
    if _PREFIX.fullmatch(text) is None:
        raise ValidationFailed({"prefix": "prefix_invalid"})
    return text


def check_note(value: str) -> str:
    cleaned = clean_text(value, "note")
    if len(cleaned) > MAX_NOTE:
        raise ValidationFailed({"note": "too_long"})
    return cleaned


@dataclass(eq=False)
class OperatorPrefix:
    """One editable row of the prefix table. ``operator`` None: shared block, code required."""

    id: str
    prefix: str
    operator: Operator | None
    note: str
    created_at: datetime
    updated_at: datetime

    def as_rule(self) -> PrefixRule:
        return PrefixRule(prefix=self.prefix, operator=self.operator)

    def audit_view(self) -> dict[str, object]:
        return {
            "prefix": self.prefix,
            "operator": int(self.operator) if self.operator is not None else None,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class PrefixRule:
    prefix: str
    operator: Operator | None


@dataclass(frozen=True, slots=True)
class OperatorLookup:
    """The answer for one number: the operator, and how it was decided."""

    mobile: str
    operator: Operator
    source: Literal["given", "prefix"]
    prefix: str
    prefix_operator: Operator | None

    @property
    def ported(self) -> bool:
        """A code was given and it names another operator than the prefix's."""
        return self.source == "given" and self.prefix_operator is not None and self.operator != self.prefix_operator


class PrefixTable:
    """Longest-prefix match over the rows; immutable once built."""

    def __init__(self, rules: Iterable[PrefixRule]) -> None:
        by_prefix: dict[str, PrefixRule] = {}
        for rule in rules:
            if _PREFIX.fullmatch(rule.prefix) is None:
                raise ValueError(f"not a mobile prefix: {rule.prefix!r}")
            if rule.prefix in by_prefix:
                raise Conflict(details={"prefix": rule.prefix})
            by_prefix[rule.prefix] = rule
        self._rules = by_prefix
        self._lengths = sorted({len(p) for p in by_prefix}, reverse=True)
        # The answer depends on the first ``longest`` digits only: an upload asks about the same few
        # thousand prefixes 100,000 times, so successful answers are kept (bounded).
        self._longest = self._lengths[0] if self._lengths else 0
        self._routes: dict[tuple[str, Operator | None], tuple[Operator, bool]] = {}

    def __len__(self) -> int:
        return len(self._rules)

    @property
    def rules(self) -> list[PrefixRule]:
        return sorted(self._rules.values(), key=lambda r: r.prefix)

    def match(self, mobile: str) -> PrefixRule | None:
        """The row with the longest prefix of ``mobile`` (already normalised), or None."""
        for length in self._lengths:
            rule = self._rules.get(mobile[:length])
            if rule is not None:
                return rule
        return None

    def route(self, mobile: str, given: Operator | None = None) -> tuple[Operator, bool]:
        """``(operator, ported)`` for a normalised ``mobile`` — ``resolve``'s decision without the answer object.

        Raises ``PrefixUnassigned`` or ``OperatorUnknown`` as ``resolve`` does.
        """
        key = (mobile[: self._longest], given)
        found = self._routes.get(key)
        if found is not None:
            return found
        rule = self.match(mobile)
        if rule is None:
            raise PrefixUnassigned(details={"mobile": mobile})
        if given is not None:
            found = (given, rule.operator is not None and given != rule.operator)
        elif rule.operator is None:
            raise OperatorUnknown(details={"mobile": mobile, "prefix": rule.prefix})
        else:
            found = (rule.operator, False)
        if len(self._routes) < _ROUTES_KEPT:
            self._routes[key] = found
        return found

    def prefixes_of(self, operator: Operator) -> list[str]:
        return [r.prefix for r in self.rules if r.operator == operator]

    def shared_prefixes(self) -> list[str]:
        return [r.prefix for r in self.rules if r.operator is None]

    def resolve(self, mobile: object, operator: object = None) -> OperatorLookup:
        """Normalise ``mobile``, parse the optional ``operator`` code, and decide.

        Raises ``MobileInvalid``, ``OperatorCodeInvalid``, ``PrefixUnassigned``
        or ``OperatorUnknown`` (shared block and no code).
        """
        normalized = normalize_mobile(mobile)
        given = parse_optional_operator(operator)
        rule = self.match(normalized)
        if rule is None:
            raise PrefixUnassigned(details={"mobile": normalized})
        if given is not None:
            return OperatorLookup(normalized, given, "given", rule.prefix, rule.operator)
        if rule.operator is None:
            raise OperatorUnknown(details={"mobile": normalized, "prefix": rule.prefix})
        return OperatorLookup(normalized, rule.operator, "prefix", rule.prefix, rule.operator)
