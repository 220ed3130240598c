"""What Kook sells (SPEC §6.3): airtime and internet packages.

* **Airtime (شارژ)**: a whole number of rials per line, within the operator's
  bounds (200,000–1,000,000 rials by default; staff may change them per
  operator). ``parse_rials`` reads an amount the way it arrives from a form or
  a spreadsheet: ``200000``, ``200000.0``, ``"200,000"``, ``"۲۰۰٬۰۰۰"``,
  ``"٢٠٠,٠٠٠ ریال"``.
* **Internet packages (بسته اینترنت)**: per operator, with a code, a Persian
  title, volume, days, price and SIM type, kept by staff; a line keeps a
  ``PackageSnapshot`` of the package's price and title when it was added.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from kook.domain.routing.operator import Operator
from kook.domain.shared.errors import DomainError, NotFound, ValidationFailed
from kook.domain.shared.mobile import to_latin_digits
from kook.domain.shared.money import AmountMissing, parse_rials
from kook.domain.shared.text import clean_text

DEFAULT_AIRTIME_MIN: Final = 200_000
DEFAULT_AIRTIME_MAX: Final = 1_000_000
AIRTIME_HARD_MAX: Final = 100_000_000  # bounds staff may set never exceed this
PACKAGE_PRICE_MAX: Final = 1_000_000_000
AIRTIME_PRODUCT: Final = "airtime"  # how an airtime line names its product on the wire


# --------------------------------------------------------------------------- errors


class AmountOutOfRange(DomainError):
    code = "amount_out_of_range"

    def __init__(self, amount: int, minimum: int, maximum: int) -> None:
        super().__init__(details={"amount": amount, "min": minimum, "max": maximum})


class PackageNotFound(NotFound):
    code = "package_not_found"


class PackageInactive(DomainError):
    code = "package_inactive"


@dataclass(frozen=True, slots=True)
class AirtimeBounds:
    """The airtime amounts one operator accepts per line, in rials, both ends included."""

    minimum: int = DEFAULT_AIRTIME_MIN
    maximum: int = DEFAULT_AIRTIME_MAX

    def __post_init__(self) -> None:
        if not 1 <= self.minimum <= self.maximum <= AIRTIME_HARD_MAX:
            raise ValidationFailed({"airtime_min": "out_of_range", "airtime_max": "out_of_range"})

    def check(self, amount: int) -> int:
        if not self.minimum <= amount <= self.maximum:
            raise AmountOutOfRange(amount, self.minimum, self.maximum)
        return amount

    def parse(self, value: object) -> int:
        """``parse_rials`` then ``check``: the one call for an airtime line's amount."""
        return self.check(parse_rials(value))


@dataclass(eq=False)
class OperatorSettings:
    """Per-operator settings staff keep: the airtime bounds."""

    operator: Operator
    airtime_min: int
    airtime_max: int
    updated_at: datetime

    @property
    def bounds(self) -> AirtimeBounds:
        return AirtimeBounds(self.airtime_min, self.airtime_max)

    def set_bounds(self, minimum: int, maximum: int, now: datetime) -> None:
        AirtimeBounds(minimum, maximum)  # raises when they do not make sense
        self.airtime_min, self.airtime_max, self.updated_at = minimum, maximum, now


# --------------------------------------------------------------------------- packages


class SimType(enum.StrEnum):
    PREPAID = "prepaid"
    POSTPAID = "postpaid"
    BOTH = "both"

    @property
    def name_fa(self) -> str:
        return {"prepaid": "اعتباری", "postpaid": "دائمی", "both": "اعتباری و دائمی"}[self.value]


_PACKAGE_CODE: Final = re.compile(r"[A-Z0-9][A-Z0-9_-]{1,31}")
MAX_TITLE: Final = 120
MAX_VOLUME_MB: Final = 10_000_000  # 10 TB: anything above is a typo
MAX_DAYS: Final = 366


def check_package_code(value: str) -> str:
    code = to_latin_digits(value).strip().upper()
    if not _PACKAGE_CODE.fullmatch(code) or code.lower() == AIRTIME_PRODUCT:
        raise ValidationFailed({"code": "package_code_invalid"})
    return code


@dataclass(frozen=True, slots=True)
class PackageTerms:
    """What staff fill in for a package (everything but its identity and status)."""

    title: str
    volume_mb: int
    duration_days: int
    price: int
    sim_type: SimType

    @classmethod
    def checked(
        cls, *, title: str, volume_mb: object, duration_days: object, price: object, sim_type: object
    ) -> PackageTerms:
        """Build from form or JSON values, collecting every bad field in one ``ValidationFailed``."""
        fields: dict[str, str] = {}
        clean_title = ""
        try:
            clean_title = clean_text(title, "title") if isinstance(title, str) else ""
        except ValidationFailed as exc:
            fields.update(exc.fields)
        if not clean_title and "title" not in fields:
            fields["title"] = "required"
        elif len(clean_title) > MAX_TITLE:
            fields["title"] = "too_long"
        volume = _whole(volume_mb, "volume_mb", 1, MAX_VOLUME_MB, fields)
        days = _whole(duration_days, "duration_days", 1, MAX_DAYS, fields)
        amount = _whole(price, "price", 1, PACKAGE_PRICE_MAX, fields)
        try:
            sim = SimType(sim_type if isinstance(sim_type, str) else "")
        except ValueError:
            fields["sim_type"] = "invalid"
            sim = SimType.BOTH
        if fields:
            raise ValidationFailed(fields)
        return cls(title=clean_title, volume_mb=volume, duration_days=days, price=amount, sim_type=sim)


def _whole(value: object, name: str, low: int, high: int, fields: dict[str, str]) -> int:
    try:
        number = parse_rials(value)
    except AmountMissing:
        fields[name] = "required"
        return 0
    except DomainError:
        fields[name] = "not_whole"
        return 0
    if not low <= number <= high:
        fields[name] = "out_of_range"
    return number


@dataclass(frozen=True, slots=True)
class PackageSnapshot:
    """A package as it was when a line was added: the line keeps this price and title."""

    package_id: str
    code: str
    operator: Operator
    title: str
    volume_mb: int
    duration_days: int
    price: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "package_id": self.package_id,
            "code": self.code,
            "operator": int(self.operator),
            "title": self.title,
            "volume_mb": self.volume_mb,
            "duration_days": self.duration_days,
            "price": self.price,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PackageSnapshot:
        return cls(
            package_id=str(data["package_id"]),
            code=str(data["code"]),
            operator=Operator(int(data["operator"])),
            title=str(data["title"]),
            volume_mb=int(data["volume_mb"]),
            duration_days=int(data["duration_days"]),
            price=int(data["price"]),
        )


@dataclass(eq=False)
class Package:
    id: str
    operator: Operator
    code: str
    title: str
    volume_mb: int
    duration_days: int
    price: int
    sim_type: SimType
    active: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def create(cls, *, id: str, operator: Operator, code: str, terms: PackageTerms, now: datetime) -> Package:
        return cls(
            id=id,
            operator=operator,
            code=check_package_code(code),
            title=terms.title,
            volume_mb=terms.volume_mb,
            duration_days=terms.duration_days,
            price=terms.price,
            sim_type=terms.sim_type,
            active=True,
            created_at=now,
            updated_at=now,
        )

    def revise(self, terms: PackageTerms, now: datetime) -> None:
        self.title = terms.title
        self.volume_mb = terms.volume_mb
        self.duration_days = terms.duration_days
        self.price = terms.price
        self.sim_type = terms.sim_type
        self.updated_at = now

    def deactivate(self, now: datetime) -> None:
        if self.active:
            self.active = False
            self.updated_at = now

    def activate(self, now: datetime) -> None:
        if not self.active:
            self.active = True
            self.updated_at = now

    def snapshot(self) -> PackageSnapshot:
        """What a line keeps; refuses an inactive package (``package_inactive``)."""
        if not self.active:
            raise PackageInactive(details={"code": self.code})
        return PackageSnapshot(
            package_id=self.id,
            code=self.code,
            operator=self.operator,
            title=self.title,
            volume_mb=self.volume_mb,
            duration_days=self.duration_days,
            price=self.price,
        )

    def audit_view(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "operator": int(self.operator),
            "title": self.title,
            "volume_mb": self.volume_mb,
            "duration_days": self.duration_days,
            "price": self.price,
            "sim_type": self.sim_type.value,
            "active": self.active,
        }


# --------------------------------------------------------------------------- a price list for many lines


class PriceList:
    """Bounds and packages loaded once, for pricing many lines (an upload) without a query each."""

    def __init__(self, bounds: dict[Operator, AirtimeBounds], packages: list[Package]) -> None:
        self._bounds = dict(bounds)
        self._packages = {p.code: p for p in packages}

    def bounds_for(self, operator: Operator) -> AirtimeBounds:
        return self._bounds.get(operator, AirtimeBounds())

    def airtime_amount(self, operator: Operator, value: object) -> int:
        """The airtime amount of a line for ``operator``: parsed, whole and in range."""
        return self.bounds_for(operator).parse(value)

    def package(self, code: str) -> PackageSnapshot:
        """``package_not_found`` / ``package_inactive``, else the snapshot a line keeps."""
        key = to_latin_digits(code).strip().upper() if isinstance(code, str) else ""
        found = self._packages.get(key)
        if found is None:
            raise PackageNotFound(details={"code": key[:40]})
        return found.snapshot()

    def active_packages(self, operator: Operator) -> list[Package]:
        return sorted(
            (p for p in self._packages.values() if p.operator == operator and p.active),
            key=package_sort_key,
        )


def package_sort_key(package: Package) -> tuple[int, int, int, str]:
    return (int(package.operator), package.duration_days, package.volume_mb, package.code)
