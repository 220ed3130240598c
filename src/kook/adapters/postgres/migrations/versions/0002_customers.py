"""Customers: profiles, review, messages, services and terms.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op


revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# 1405-02-29: the date of the user manual (version 1.3) the terms go with.
TERMS_PUBLISHED_AT = datetime(2026, 5, 19, 8, 30, tzinfo=UTC)

ENTERPRISE_TOPUP_TERMS_V1 = """قوانین و شرایط استفاده از سرویس شارژ سازمانی کوک (نسخه ۱)

۱. تعاریف
۱-۱. «کوک»: ارائه‌دهندهٔ سرویس شارژ سازمانی و پرتال سازمانی خرید گروهی شارژ و بستهٔ اینترنت.
۱-۲. «مشتری»: شخص حقیقی یا حقوقی که اطلاعات او در پرتال ثبت و توسط کارشناسان کوک تأیید شده است.
۱-۳. «کیف پول»: اعتبار ریالی مشتری نزد کوک که خریدهای پرتال از آن برداشت می‌شود.
۱-۴. «درخواست»: فهرست شماره‌های موبایل و مبلغ شارژ یا بستهٔ اینترنت هر شماره که مشتری ثبت و تأیید نهایی می‌کند.

۲. فعال‌سازی سرویس
۲-۱. فعال‌سازی سرویس تنها پس از تأیید اطلاعات مشتری و پذیرش این قوانین و شرایط ممکن است.
۲-۲. پذیرش این قوانین با ذکر کاربر، زمان، نسخهٔ قوانین و نشانی اینترنتی در سامانه ثبت می‌شود و به منزلهٔ امضای آن است.
۲-۳. مسئولیت صحت اطلاعات ثبت‌شده، از جمله شناسه‌ها و نشانی، بر عهدهٔ مشتری است و هر تغییر باید به کوک اطلاع داده شود.

۳. کیف پول و پرداخت
۳-۱. افزایش اعتبار کیف پول از راه پرداخت اینترنتی یا ثبت فیش واریز به حساب‌های اعلام‌شدهٔ کوک انجام می‌شود.
۳-۲. اعتبار فیش واریزی پس از تطبیق با گردش حساب کوک به کیف پول افزوده می‌شود.
۳-۳. مبالغ کیف پول به ریال است و به آن سودی تعلق نمی‌گیرد. بازگرداندن اعتبار استفاده‌نشده با درخواست کتبی مشتری و پس از کسر کارمزد بانکی انجام می‌شود.

۴. ثبت و اجرای درخواست‌ها
۴-۱. مبلغ هر درخواست هنگام تأیید نهایی از موجودی قابل استفاده کسر و تا پایان اجرا نگه داشته می‌شود.
۴-۲. مسئولیت درستی شماره‌ها، اپراتور هر شماره و مبلغ‌ها بر عهدهٔ مشتری است؛ شارژ یا بستهٔ اعمال‌شده روی شمارهٔ اشتباه قابل بازگشت نیست.
۴-۳. مبلغ تراکنش ناموفق به موجودی قابل استفاده بازمی‌گردد. تراکنشی که نتیجهٔ آن از سوی اپراتور روشن نیست، تا روشن شدن نتیجه نگه داشته می‌شود.
۴-۴. کوک می‌کوشد درخواست‌ها را بی‌درنگ اجرا کند، اما تأخیر ناشی از اختلال در سامانهٔ اپراتورها بر عهدهٔ کوک نیست.

۵. استفادهٔ مجاز
۵-۱. سرویس تنها برای شارژ و خرید بستهٔ اینترنت شماره‌های کارکنان، مشتریان یا طرف‌های قرارداد مشتری و در چارچوب قوانین جمهوری اسلامی ایران به کار می‌رود.
۵-۲. نگهداری کلمهٔ عبور و کلیدهای API بر عهدهٔ مشتری است و هر کاری که با حساب او انجام شود به نام او ثبت می‌شود.
۵-۳. در صورت تخلف از این قوانین، کوک می‌تواند پس از اطلاع به مشتری، سرویس را تعلیق کند.

۶. پشتیبانی و تغییر قوانین
۶-۱. پشتیبانی کوک از طریق شمارهٔ ۰۲۱-۴۴۲۰۰۹۵۳ و پیام‌های پرتال در دسترس است.
۶-۲. تغییر این قوانین با نسخهٔ تازه در پرتال اعلام می‌شود و ادامهٔ استفاده از سرویس به پذیرش نسخهٔ تازه نیاز دارد."""

SERVICES = [
    {
        "code": "enterprise_topup",
        "title": "سرویس شارژ سازمانی",
        "description": (
            "خرید گروهی شارژ و بستهٔ اینترنت برای شماره‌های همراه اول، ایرانسل، رایتل و شاتل با بارگذاری فایل اکسل "
            "یا ثبت تک‌تک شماره‌ها، پرداخت از کیف پول و گزارش لحظه‌ای هر تراکنش."
        ),
        "activatable": True,
        "sort_order": 1,
        "contact_phone": None,
        "current_terms_version": "1",
    },
    {
        "code": "topup_gateway",
        "title": "سرویس درگاه شارژ",
        "description": (
            "درگاه شارژ راهکار دیگری از کوک برای فروش شارژ و بستهٔ اینترنت در وب‌سایت و اپلیکیشن کسب‌وکار شماست. "
            "برای کسب اطلاعات بیشتر به سایت kook.ir مراجعه کنید یا با کارشناسان ما تماس بگیرید."
        ),
        "activatable": False,
        "sort_order": 2,
        "contact_phone": "021-44200953",
        "current_terms_version": None,
    },
]


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("owner_user_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("rejection_reason", sa.String(length=500), nullable=True),
        sa.Column("postal_code", sa.String(length=10), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("phone", sa.String(length=11), nullable=True),
        sa.Column("first_name", sa.String(length=50), nullable=True),
        sa.Column("last_name", sa.String(length=50), nullable=True),
        sa.Column("father_name", sa.String(length=50), nullable=True),
        sa.Column("national_code", sa.String(length=10), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("company_name", sa.String(length=150), nullable=True),
        sa.Column("national_id", sa.String(length=11), nullable=True),
        sa.Column("registration_number", sa.String(length=20), nullable=True),
        sa.Column("economic_code", sa.String(length=14), nullable=True),
        sa.Column("representative_name", sa.String(length=100), nullable=True),
        sa.Column("representative_national_code", sa.String(length=10), nullable=True),
        sa.Column("representative_mobile", sa.String(length=11), nullable=True),
        sa.ForeignKeyConstraint(["owner_user_id"], ["users.id"], name=op.f("fk_customers_owner_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("owner_user_id", name=op.f("uq_customers_owner_user_id")),
    )
    op.create_index("ix_customers_status_changed", "customers", ["status", "status_changed_at", "id"], unique=False)

    services = op.create_table(
        "services",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("activatable", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("sort_order", sa.Integer(), server_default="0", nullable=False),
        sa.Column("contact_phone", sa.String(length=20), nullable=True),
        sa.Column("current_terms_version", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_services")),
    )
    service_terms = op.create_table(
        "service_terms",
        sa.Column("service_code", sa.String(length=32), nullable=False),
        sa.Column("version", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_code"], ["services.code"], name=op.f("fk_service_terms_service_code_services")
        ),
        sa.PrimaryKeyConstraint("service_code", "version", name=op.f("pk_service_terms")),
    )
    op.create_table(
        "service_activations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("service_code", sa.String(length=32), nullable=False),
        sa.Column("terms_version", sa.String(length=16), nullable=False),
        sa.Column("accepted_by_user_id", sa.String(length=32), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_service_activations_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["service_code"], ["services.code"], name=op.f("fk_service_activations_service_code_services")
        ),
        sa.ForeignKeyConstraint(
            ["accepted_by_user_id"],
            ["users.id"],
            name=op.f("fk_service_activations_accepted_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_activations")),
        sa.UniqueConstraint("customer_id", "service_code", name="uq_service_activations_customer_service"),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_messages_user_id_users")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name=op.f("fk_messages_customer_id_customers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    op.create_index("ix_messages_user_created", "messages", ["user_id", "created_at", "id"], unique=False)
    op.create_index("ix_messages_user_read", "messages", ["user_id", "read_at"], unique=False)

    op.bulk_insert(services, SERVICES)
    op.bulk_insert(
        service_terms,
        [
            {
                "service_code": "enterprise_topup",
                "version": "1",
                "text": ENTERPRISE_TOPUP_TERMS_V1,
                "published_at": TERMS_PUBLISHED_AT,
            }
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_messages_user_read", table_name="messages")
    op.drop_index("ix_messages_user_created", table_name="messages")
    op.drop_table("messages")
    op.drop_table("service_activations")
    op.drop_table("service_terms")
    op.drop_table("services")
    op.drop_index("ix_customers_status_changed", table_name="customers")
    op.drop_table("customers")
