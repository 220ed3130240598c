"""The sales invoice (صورتحساب فروش) of a finished bulk request.

What it says:

* **Lines**: only what was delivered — the request's succeeded lines, grouped by
  product (top-up, or a package by its code), operator and unit price, each with
  its count and amount. Failed lines were refunded to the wallet and are not sold.
* **VAT is included in the prices.** A top-up or package price in Iran is the price
  paid, tax included, and the wallet was charged exactly that. So the invoice's
  total is the money settled for the request, and it is split into the net amount
  and the VAT at the configured rate (``KOOK_VAT_PERCENT``)::

      net   = round_half_up(total × 100 / (100 + rate))
      vat   = total − net

  in whole rials: the total is never changed by rounding and net + vat = total
  exactly; the one rial a rounding can move lands in the VAT (``split_vat``).
* **Number**: ``<Jalali year>-<n>``, ``n`` from a gapless sequence per Jalali
  year (1, 2, 3, …), the year being the one of the invoice's date. A number is
  issued once per request and stored; it never changes nor repeats.
* **Date**: the day the request finished (the supply), in Tehran, in Jalali.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from kook.domain.shared.jalali import TEHRAN, JalaliDate

MAX_VAT_PERCENT: Final = 100


@dataclass(frozen=True, slots=True)
class VatSplit:
    net: int
    vat: int
    total: int
    percent: int


def split_vat(total: int, percent: int) -> VatSplit:
    """The VAT-inclusive ``total`` (rials) split into net and VAT at ``percent``; see the module's rule."""
    if type(total) is not int or total < 0:
        raise ValueError("total must be a whole, non-negative number of rials")
    if type(percent) is not int or not 0 <= percent <= MAX_VAT_PERCENT:
        raise ValueError("percent must be a whole number from 0 to 100")
    base = 100 + percent
    net = (2 * total * 100 + base) // (2 * base)  # round half up, in integers
    return VatSplit(net=net, vat=total - net, total=total, percent=percent)


def invoice_year(finished_at: datetime) -> int:
    """The Jalali year of the day (in Tehran) a request finished: the year of its invoice number."""
    return JalaliDate.from_date(finished_at.astimezone(TEHRAN).date()).year


def invoice_number_text(year: int, number: int) -> str:
    """«1405-000042»: the year, then the sequence number with six digits at least."""
    return f"{year}-{number:06d}"


@dataclass(frozen=True, slots=True)
class SoldGroup:
    """Delivered lines of one product, operator and unit price."""

    product: str  # "airtime" | "package"
    operator: int | None
    package_code: str | None
    package_title: str | None
    unit_price: int
    count: int

    @property
    def amount(self) -> int:
        return self.unit_price * self.count


def order_groups(groups: Iterable[SoldGroup]) -> list[SoldGroup]:
    """Top-ups first, then packages; by operator, then code, then unit price."""
    return sorted(
        groups,
        key=lambda g: (g.product != "airtime", g.operator or 0, g.package_code or "", g.unit_price),
    )


@dataclass(frozen=True, slots=True)
class Party:
    """A seller or a buyer as the invoice names them."""

    kind: str  # "legal" | "natural"
    name: str
    national_id: str  # a company's national ID, a person's national code
    economic_code: str = ""
    registration_number: str = ""
    address: str = ""
    postal_code: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class IssuedNumber:
    """An invoice number as stored: issued once per request."""

    request_id: str
    customer_id: str
    year: int
    number: int
    vat_percent: int  # the rate when issued: the invoice keeps it if the setting changes
    issued_at: datetime

    @property
    def text(self) -> str:
        return invoice_number_text(self.year, self.number)


@dataclass(frozen=True, slots=True)
class Invoice:
    number: IssuedNumber
    request_id: str
    request_name: str
    date: datetime  # when the request finished
    seller: Party
    buyer: Party
    groups: list[SoldGroup]
    amounts: VatSplit

    @property
    def count(self) -> int:
        return sum(g.count for g in self.groups)

    @property
    def jalali_date(self) -> JalaliDate:
        return JalaliDate.from_date(self.date.astimezone(TEHRAN).date())
