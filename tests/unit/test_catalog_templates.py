"""The catalogue's templates render: realistic and empty contexts, CSRF on every form, errors under fields.

The shared template test (``test_templates_render.py``) requires a realistic
context for every page template; the catalogue's are registered into its
``REALISTIC`` table here (this module is collected first), and checked here
as well so they stay covered on their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jinja2
import pytest

from kook.application.catalog.list_operators import OperatorView
from kook.domain.catalog.product import AirtimeBounds, SimType
from kook.domain.routing.operator import Operator
from tests.fakes.catalog import seeded_state
from tests.unit import test_templates_render as shared

WHEN = datetime(2026, 5, 22, 6, 50, tzinfo=UTC)
STATE = seeded_state(WHEN)
PACKAGES = sorted(STATE.packages.values(), key=lambda p: (int(p.operator), p.duration_days, p.volume_mb))
PREFIXES = sorted(STATE.prefixes.values(), key=lambda p: p.prefix)
ROUTES = [STATE.routes[op] for op in Operator]


@dataclass
class StaffMember:
    mobile: str = "09120000000"
    role: str = "admin"


def staff_context(**extra: Any) -> dict[str, Any]:
    ctx: dict[str, Any] = {
        "csrf_token": shared.CSRF,
        "flash": [("success", "بستهٔ اینترنت اضافه شد.")],
        "current_staff": StaffMember(),
        "enabled_menu": {"dashboard", "catalog"},
        "values": {},
        "errors": {},
        "form_error": None,
    }
    ctx.update(extra)
    return ctx


VIEWS = [OperatorView(op, [p.prefix for p in PREFIXES if p.operator is op], AirtimeBounds(), 9) for op in Operator]

CATALOG_CONTEXTS: dict[str, dict[str, Any]] = {
    "catalog/packages.html": shared.app_context(
        operators=list(Operator),
        selected=Operator.IRANCELL,
        packages=[p for p in PACKAGES if p.operator is Operator.IRANCELL],
    ),
    "catalog/admin_catalog.html": staff_context(
        active_menu="catalog",
        operators=list(Operator),
        operator_filter=None,
        status_filter="all",
        packages=PACKAGES,
        operator_views=VIEWS,
        shared_prefixes=["0999"],
        routes=ROUTES,
        bounds_errors={3: {"airtime_min": "یک عدد صحیح وارد کنید."}},
        bounds_values={3: {"airtime_min": "x", "airtime_max": "1000000"}},
    ),
    "catalog/admin_package_form.html": staff_context(
        package=None,
        package_id=None,
        operators=list(Operator),
        sim_types=list(SimType),
        values={"operator": "2", "code": "MTN-7D-1GB", "title": "بسته هفتگی", "price": "ارزان", "sim_type": "both"},
        errors={"price": "یک عدد صحیح وارد کنید."},
    ),
    "catalog/admin_prefixes.html": staff_context(
        prefixes=PREFIXES,
        operators=list(Operator),
        values={"prefix": "۰۸۱۲", "operator": "7"},
        errors={"prefix": "پیش‌شماره باید با ۰۹ شروع شود."},
    ),
    "catalog/admin_prefix_form.html": staff_context(
        entry=PREFIXES[0], operators=list(Operator), values={"prefix": "0910", "operator": "1", "note": "همراه اول"}
    ),
    "catalog/admin_route_form.html": staff_context(
        route=ROUTES[1],
        limits=["rate_limit_per_second", "max_concurrency"],
        values={"name": "sandbox-mtn", "operator_code": "2", "rate_limit_per_second": "20", "active": "on"},
        errors={"max_concurrency": "این مقدار خارج از محدودهٔ مجاز است."},
    ),
}
shared.REALISTIC.update(CATALOG_CONTEXTS)

FORMS = {
    "catalog/admin_package_form.html": (
        "/admin/catalog/packages",
        ["code", "title", "volume_mb", "duration_days", "price"],
        ["operator", "sim_type"],
    ),
    "catalog/admin_prefixes.html": ("/admin/prefixes", ["prefix", "note"], ["operator"]),
    "catalog/admin_prefix_form.html": (f"/admin/prefixes/{PREFIXES[0].id}", ["prefix", "note"], ["operator"]),
    "catalog/admin_route_form.html": ("/admin/catalog/routes/2", ["name", "base_url", "operator_code"], []),
}


@pytest.fixture(scope="module")
def env() -> jinja2.Environment:
    return shared.make_env()


def test_every_catalogue_page_template_has_a_context() -> None:
    pages = {name for name in shared.all_templates() if name.startswith("catalog/")}
    assert pages == set(CATALOG_CONTEXTS)


@pytest.mark.parametrize("name", sorted(CATALOG_CONTEXTS))
def test_renders_with_a_realistic_context(env: jinja2.Environment, name: str) -> None:
    html = env.get_template(name).render(**CATALOG_CONTEXTS[name])
    shared.assert_shell(html)
    for form in shared.forms(html):
        if 'method="post"' in form:
            assert f'name="csrf_token" value="{shared.CSRF}"' in form


@pytest.mark.parametrize("name", sorted(CATALOG_CONTEXTS))
def test_renders_with_an_empty_context_even_strict(name: str) -> None:
    html = shared.make_env(jinja2.StrictUndefined).get_template(name).render()
    shared.assert_shell(html)


@pytest.mark.parametrize("name", sorted(FORMS))
def test_forms_post_to_their_url_with_labels_errors_and_kept_values(env: jinja2.Environment, name: str) -> None:
    action, inputs, selects = FORMS[name]
    fields = inputs + selects
    ctx = dict(CATALOG_CONTEXTS[name])
    ctx["values"] = {f: f"val-{f}" for f in fields}
    ctx["errors"] = {f: f"خطای {f}" for f in fields}
    html = env.get_template(name).render(**ctx)
    form = next(f for f in shared.forms(html) if f'action="{action}"' in f)
    for field in fields:
        tag = "input" if field in inputs else "select"
        match = re.search(rf'<{tag} id="([^"]+)" name="{field}"[^>]*>', form)
        assert match, field
        assert f'<label for="{match.group(1)}"' in form
        assert "is-invalid" in match.group(0)
        assert f"خطای {field}" in form
        if tag == "input":
            assert f'value="val-{field}"' in match.group(0)


def test_the_package_partials_render_alone(env: jinja2.Environment) -> None:
    mine = [p for p in PACKAGES if p.operator is Operator.RIGHTEL]
    table = env.get_template("catalog/_package_table.html").render(packages=mine, operator=Operator.RIGHTEL)
    assert "<html" not in table and table.count("<tr data-code=") == len(mine)
    assert "۱۵۰٬۰۰۰ ریال" in table and "۱۵٬۰۰۰ تومان" in table and "۱ روزه" in table
    options = env.get_template("catalog/_package_options.html").render(
        packages=mine, operator=Operator.RIGHTEL, selected_code="RTL-7D-4GB"
    )
    assert options.count("<option") == len(mine) + 1
    assert '<option value="RTL-7D-4GB" data-price="420000" selected>' in options
    empty = env.get_template("catalog/_package_table.html").render(packages=[], operator=Operator.SHATEL)
    assert "در حال حاضر بسته‌ای برای شاتل فروخته نمی‌شود." in empty
    error = env.get_template("catalog/_package_error.html").render(message="<b>x</b>", format="options")
    assert "<option" in error and "&lt;b&gt;" in error


def test_admin_catalogue_shows_bounds_errors_and_routes(env: jinja2.Environment) -> None:
    html = env.get_template("catalog/admin_catalog.html").render(**CATALOG_CONTEXTS["catalog/admin_catalog.html"])
    assert 'id="f-min-3" name="airtime_min"' in html
    bad_min = re.search(r'<input id="f-min-3" name="airtime_min"[^>]*>', html)
    assert bad_min and "is-invalid" in bad_min.group(0) and 'value="x"' in bad_min.group(0)
    assert "پیش‌فرض استقرار" in html and "sandbox-shatel" not in html and "sandbox-sht" in html
    deactivations = re.findall(r'<form [^>]*action="/admin/catalog/packages/[^"]+/deactivate"[^>]*>', html)
    assert len(deactivations) == len(PACKAGES)
    assert all("data-confirm=" in form for form in deactivations)  # every deactivation asks first
