"""A package's form, checked (shared by creating and updating a package)."""

from __future__ import annotations

from dataclasses import dataclass

from kook.domain.catalog.product import PackageTerms


@dataclass(frozen=True)
class PackageCommand:
    """What staff fill in. ``operator`` and ``code`` are only read when creating."""

    title: str
    volume_mb: object
    duration_days: object
    price: object
    sim_type: object
    operator: object = None
    code: str = ""
    actor: str = "staff"


def package_terms(command: PackageCommand) -> PackageTerms:
    return PackageTerms.checked(
        title=command.title,
        volume_mb=command.volume_mb,
        duration_days=command.duration_days,
        price=command.price,
        sim_type=command.sim_type,
    )
