"""The catalogue and routing use cases told as stories, against the fakes in ``tests/fakes``."""

from __future__ import annotations

import pytest

from kook.application.catalog.create_package import CreatePackage
from kook.application.catalog.find_package import FindPackage
from kook.application.catalog.get_package import GetPackage
from kook.application.catalog.list_operators import ListOperators
from kook.application.catalog.list_packages import ListPackages
from kook.application.catalog.package_command import PackageCommand
from kook.application.catalog.set_package_active import SetPackageActive
from kook.application.catalog.update_airtime_bounds import AirtimeBoundsCommand, UpdateAirtimeBounds
from kook.application.catalog.update_package import UpdatePackage
from kook.application.routing.add_prefix import AddPrefix
from kook.application.routing.delete_prefix import DeletePrefix
from kook.application.routing.look_up_operator import LookUpOperator
from kook.application.routing.prefix_command import PrefixCommand
from kook.application.routing.update_prefix import UpdatePrefix
from kook.application.routing.update_route import UpdateRoute, UpdateRouteCommand
from kook.application.shared.load_operator_routing import LoadOperatorRouting
from kook.application.shared.load_prefix_table import LoadPrefixTable
from kook.application.shared.load_price_list import LoadPriceList
from kook.domain.catalog.product import AmountOutOfRange, PackageInactive, PackageNotFound
from kook.domain.routing.operator import Operator, OperatorCodeInvalid
from kook.domain.routing.operator_routing import RouteUnavailable
from kook.domain.routing.prefix_table import LastPrefix, OperatorUnknown, PrefixUnassigned
from kook.domain.shared.errors import Conflict, NotFound, ValidationFailed
from kook.domain.shared.mobile import MobileInvalid
from tests.fakes.catalog import FakeCatalogUnitOfWork
from tests.fakes.clock import FakeClock

ADMIN = "staff:admin-1"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def uow(clock: FakeClock) -> FakeCatalogUnitOfWork:
    return FakeCatalogUnitOfWork.seeded(clock)


def new_package(**overrides: object) -> PackageCommand:
    values: dict[str, object] = {
        "operator": "ایرانسل",
        "code": "mtn-30d-20gb",
        "title": "بسته ماهانه ۲۰ گیگابایت",
        "volume_mb": "20,480",
        "duration_days": "۳۰",
        "price": "۱٬۹۵۰٬۰۰۰",
        "sim_type": "prepaid",
        "actor": ADMIN,
    }
    values.update(overrides)
    return PackageCommand(**values)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- looking numbers up


async def test_a_number_is_found_by_its_prefix_and_a_ported_one_by_its_code(uow: FakeCatalogUnitOfWork) -> None:
    look_up = LookUpOperator(LoadPrefixTable(uow))
    found = await look_up("+98 936 123 4567")
    assert (found.mobile, found.operator, found.source, found.ported) == (
        "09361234567",
        Operator.IRANCELL,
        "prefix",
        False,
    )
    ported = await look_up("09361234567", "۱")
    assert (ported.operator, ported.source, ported.ported, ported.prefix_operator) == (
        Operator.MCI,
        "given",
        True,
        Operator.IRANCELL,
    )


@pytest.mark.parametrize(
    ("mobile", "operator", "error"),
    [
        ("09991234567", None, OperatorUnknown),
        ("09801234567", None, PrefixUnassigned),
        ("09801234567", "2", PrefixUnassigned),
        ("09121234567", "4", OperatorCodeInvalid),
        ("۰۲۱۸۸۸۸۸۸۸۸", None, MobileInvalid),
    ],
)
async def test_numbers_that_cannot_be_routed(
    uow: FakeCatalogUnitOfWork, mobile: str, operator: str | None, error: type
) -> None:
    with pytest.raises(error):
        await LookUpOperator(LoadPrefixTable(uow))(mobile, operator)


async def test_the_operators_with_their_prefixes_bounds_and_packages(uow: FakeCatalogUnitOfWork) -> None:
    views, shared = await ListOperators(uow)()
    assert [v.operator for v in views] == list(Operator)
    mci = views[0]
    assert "0912" in mci.prefixes and "0932" in mci.prefixes and "0936" not in mci.prefixes
    assert (mci.bounds.minimum, mci.bounds.maximum) == (200_000, 1_000_000)
    assert all(v.active_packages >= 8 for v in views)
    assert shared == ["0999"]


# --------------------------------------------------------------------------- prefixes


async def test_staff_add_a_prefix_and_numbers_in_it_are_found(uow: FakeCatalogUnitOfWork) -> None:
    entry = await AddPrefix(uow, FakeClock())(PrefixCommand(prefix="۰۹۳۴", operator="MCI", note="تلکیش", actor=ADMIN))
    assert entry.prefix == "0934" and entry.operator is Operator.MCI
    assert (await LookUpOperator(LoadPrefixTable(uow))("09341234567")).operator is Operator.MCI
    record = uow.committed_state.audit[-1]
    assert (record.actor, record.action, record.subject) == (ADMIN, "prefix.add", f"prefix:{entry.id}")
    assert record.after == {"prefix": "0934", "operator": 1, "note": "تلکیش"}


async def test_a_prefix_that_exists_is_a_conflict_and_nothing_is_written(uow: FakeCatalogUnitOfWork) -> None:
    before = len(uow.committed_state.prefixes)
    with pytest.raises(Conflict) as caught:
        await AddPrefix(uow, FakeClock())(PrefixCommand(prefix="0912", operator=2, actor=ADMIN))
    assert caught.value.details["field"] == "prefix"
    assert len(uow.committed_state.prefixes) == before and uow.audit_actions() == []


async def test_bad_prefix_input_names_every_field(uow: FakeCatalogUnitOfWork) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await AddPrefix(uow, FakeClock())(PrefixCommand(prefix="0812", operator="7", note="x" * 201, actor=ADMIN))
    assert caught.value.fields == {"prefix": "prefix_invalid", "operator": "operator_code_invalid", "note": "too_long"}
    assert uow.audit_actions() == []


async def test_a_shared_block_is_added_without_an_operator(uow: FakeCatalogUnitOfWork) -> None:
    await AddPrefix(uow, FakeClock())(PrefixCommand(prefix="09983", operator="", actor=ADMIN))
    with pytest.raises(OperatorUnknown):
        await LookUpOperator(LoadPrefixTable(uow))("09983123456")


async def test_staff_edit_and_delete_a_prefix_with_audit(uow: FakeCatalogUnitOfWork) -> None:
    entry = uow.stored_prefix("0941")
    assert entry is not None
    await UpdatePrefix(uow, FakeClock())(
        entry.id, PrefixCommand(prefix="0941", operator=3, note="آزمایشی", actor=ADMIN)
    )
    assert (await LookUpOperator(LoadPrefixTable(uow))("09411234567")).operator is Operator.RIGHTEL
    update = uow.committed_state.audit[-1]
    assert update.action == "prefix.update"
    assert update.before == {"prefix": "0941", "operator": 2, "note": "ایرانسل"}
    assert update.after == {"prefix": "0941", "operator": 3, "note": "آزمایشی"}

    with pytest.raises(Conflict):  # renaming onto another row's prefix
        await UpdatePrefix(uow, FakeClock())(entry.id, PrefixCommand(prefix="0912", operator=3, actor=ADMIN))

    await DeletePrefix(uow)(entry.id, ADMIN)
    assert uow.stored_prefix("0941") is None
    assert uow.audit_actions()[-1] == "prefix.delete"
    with pytest.raises(PrefixUnassigned):
        await LookUpOperator(LoadPrefixTable(uow))("09411234567")
    with pytest.raises(NotFound):
        await DeletePrefix(uow)(entry.id, ADMIN)


async def test_the_last_prefix_of_an_operator_with_a_route_stays(uow: FakeCatalogUnitOfWork) -> None:
    first, last, shared = uow.stored_prefix("09981"), uow.stored_prefix("09982"), uow.stored_prefix("0999")
    assert first is not None and last is not None and shared is not None
    await DeletePrefix(uow)(first.id, ADMIN)
    with pytest.raises(LastPrefix) as raised:
        await DeletePrefix(uow)(last.id, ADMIN)
    assert raised.value.code == "last_prefix" and raised.value.details == {"operator": 5, "prefix": "09982"}
    for operator in (1, ""):  # moved to another operator, or made a shared block: the same loss
        with pytest.raises(LastPrefix):
            await UpdatePrefix(uow, FakeClock())(last.id, PrefixCommand(prefix="09982", operator=operator, actor=ADMIN))
    await UpdatePrefix(uow, FakeClock())(last.id, PrefixCommand(prefix="09983", operator=5, actor=ADMIN))
    await DeletePrefix(uow)(shared.id, ADMIN)  # a shared block has no route of its own
    assert uow.audit_actions()[-3:] == ["prefix.delete", "prefix.update", "prefix.delete"]
    assert (await LookUpOperator(LoadPrefixTable(uow))("09983123456")).operator is Operator.SHATEL


# --------------------------------------------------------------------------- packages


async def test_staff_create_a_package_and_customers_see_it(uow: FakeCatalogUnitOfWork, clock: FakeClock) -> None:
    package = await CreatePackage(uow, clock)(new_package())
    assert (package.code, package.operator, package.volume_mb, package.price) == (
        "MTN-30D-20GB",
        Operator.IRANCELL,
        20480,
        1_950_000,
    )
    listed = await ListPackages(uow)(Operator.IRANCELL)
    assert package.id in [p.id for p in listed]
    assert [p.duration_days for p in listed] == sorted(p.duration_days for p in listed)
    record = uow.committed_state.audit[-1]
    assert (record.action, record.actor, record.after["price"]) == ("package.create", ADMIN, 1_950_000)  # type: ignore[index]


async def test_bad_package_input_writes_nothing(uow: FakeCatalogUnitOfWork, clock: FakeClock) -> None:
    count = len(uow.committed_state.packages)
    with pytest.raises(ValidationFailed) as caught:
        await CreatePackage(uow, clock)(new_package(operator="4", code="a", price="-1", volume_mb="x"))
    assert caught.value.fields == {
        "operator": "operator_code_invalid",
        "code": "package_code_invalid",
        "price": "not_whole",
        "volume_mb": "not_whole",
    }
    with pytest.raises(Conflict):
        await CreatePackage(uow, clock)(new_package(code="MCI-1D-1GB"))
    assert len(uow.committed_state.packages) == count and uow.audit_actions() == []


async def test_a_revised_package_leaves_earlier_snapshots_alone(uow: FakeCatalogUnitOfWork, clock: FakeClock) -> None:
    snapshot = await FindPackage(uow)("mci-30d-10gb")
    stored = uow.stored_package("MCI-30D-10GB")
    assert stored is not None
    await UpdatePackage(uow, clock)(
        stored.id,
        PackageCommand(title="بسته ماهانه ۱۰ گیگ", volume_mb=10240, duration_days=30, price=1_400_000, sim_type="both"),
    )
    assert snapshot.price == 1_250_000 and snapshot.title == "بسته ماهانه ۱۰ گیگابایت"
    assert (await FindPackage(uow)("MCI-30D-10GB")).price == 1_400_000
    record = uow.committed_state.audit[-1]
    assert record.before["price"] == 1_250_000 and record.after["price"] == 1_400_000  # type: ignore[index]


async def test_a_deactivated_package_is_not_sold_and_can_come_back(
    uow: FakeCatalogUnitOfWork, clock: FakeClock
) -> None:
    stored = uow.stored_package("RTL-7D-4GB")
    assert stored is not None
    await SetPackageActive(uow, clock)(stored.id, active=False, actor=ADMIN)
    assert stored.id not in [p.id for p in await ListPackages(uow)(Operator.RIGHTEL)]
    assert stored.id in [p.id for p in await ListPackages(uow)(Operator.RIGHTEL, active_only=False)]
    with pytest.raises(PackageInactive):
        await FindPackage(uow)("RTL-7D-4GB")
    prices = await LoadPriceList(uow)()
    with pytest.raises(PackageInactive):
        prices.package("RTL-7D-4GB")
    # deactivating twice records nothing more
    await SetPackageActive(uow, clock)(stored.id, active=False, actor=ADMIN)
    assert uow.audit_actions() == ["package.deactivate"]
    await SetPackageActive(uow, clock)(stored.id, active=True, actor=ADMIN)
    assert (await FindPackage(uow)("RTL-7D-4GB")).code == "RTL-7D-4GB"
    assert uow.audit_actions() == ["package.deactivate", "package.activate"]


async def test_unknown_packages(uow: FakeCatalogUnitOfWork) -> None:
    with pytest.raises(PackageNotFound):
        await FindPackage(uow)("NOPE-30D")
    with pytest.raises(PackageNotFound):
        await FindPackage(uow)("")
    with pytest.raises(NotFound):
        await GetPackage(uow)("no-such-id")


# --------------------------------------------------------------------------- airtime bounds and routes


async def test_staff_change_an_operators_airtime_bounds(uow: FakeCatalogUnitOfWork, clock: FakeClock) -> None:
    await UpdateAirtimeBounds(uow, clock)(
        AirtimeBoundsCommand(operator=Operator.SHATEL, minimum="۱۰۰٬۰۰۰", maximum="500,000", actor=ADMIN)
    )
    prices = await LoadPriceList(uow)()
    assert prices.airtime_amount(Operator.SHATEL, 100_000) == 100_000
    with pytest.raises(AmountOutOfRange):
        prices.airtime_amount(Operator.SHATEL, 600_000)
    assert prices.airtime_amount(Operator.MCI, 600_000) == 600_000
    record = uow.committed_state.audit[-1]
    assert record.before == {"airtime_min": 200_000, "airtime_max": 1_000_000}
    assert record.after == {"airtime_min": 100_000, "airtime_max": 500_000}
    with pytest.raises(ValidationFailed):
        await UpdateAirtimeBounds(uow, clock)(AirtimeBoundsCommand(operator=Operator.MCI, minimum=5, maximum=1))
    with pytest.raises(ValidationFailed):
        await UpdateAirtimeBounds(uow, clock)(AirtimeBoundsCommand(operator=Operator.MCI, minimum="x", maximum=1))
    assert len(uow.audit_actions()) == 1


async def test_routing_gives_each_operator_its_route(uow: FakeCatalogUnitOfWork, clock: FakeClock) -> None:
    routing = await LoadOperatorRouting(uow)()
    assert {r.operator for r in routing.routes} == set(Operator)
    await UpdateRoute(uow, clock)(
        UpdateRouteCommand(
            operator=Operator.IRANCELL,
            changes={
                "name": "aggregator-x",
                "base_url": "https://aggregator.example.ir/v1",
                "operator_codes": {Operator.IRANCELL: "1", Operator.MCI: "2"},
                "rate_limit_per_second": 5,
                "active": True,
            },
            actor=ADMIN,
        )
    )
    route = (await LoadOperatorRouting(uow)()).route_for(Operator.IRANCELL)
    assert route.code_for(Operator.IRANCELL) == "1" and route.base_url == "https://aggregator.example.ir/v1"
    record = uow.committed_state.audit[-1]
    assert record.action == "route.update" and record.after["operator_codes"] == {"1": "2", "2": "1"}  # type: ignore[index]

    await UpdateRoute(uow, clock)(UpdateRouteCommand(operator=Operator.RIGHTEL, changes={"active": False}, actor=ADMIN))
    with pytest.raises(RouteUnavailable):
        (await LoadOperatorRouting(uow)()).route_for(Operator.RIGHTEL)
    with pytest.raises(ValidationFailed):
        await UpdateRoute(uow, clock)(UpdateRouteCommand(operator=Operator.MCI, changes={"max_concurrency": 0}))
    assert uow.audit_actions() == ["route.update", "route.update"]
