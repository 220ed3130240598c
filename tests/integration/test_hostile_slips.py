"""Issue 16: hostile deposit slips through the HTTP API (SQLite and PostgreSQL + Redis), made by the test.

Each is refused with its stable code and a Persian message, no deposit row and no file are left behind; the one
good photo carrying GPS in its EXIF is stored without it. (The inspector's own cases: tests/unit/test_slip_inspector.)
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from PIL import Image

from kook.entrypoints.http.messages import error_text
from kook.entrypoints.settings import Settings
from tests.integration.helpers import Client
from tests.integration.test_customers_api import use
from tests.integration.test_wallet_api import demo_customer, deposit_form
from tests.unit.test_slip_inspector import _bilevel_png, _gps_exif, _jpeg


def _polyglot_jpeg_zip() -> bytes:
    """A JPEG that is also a zip (and HTML): the image is kept, the rest is not."""
    return _jpeg() + b"<html><script>alert(1)</script></html>PK\x05\x06" + bytes(18)


HOSTILE: list[tuple[str, bytes, str, int, str]] = [
    ("pixel-flood.png", _bilevel_png(20_000, 20_000), "image/png", 413, "slip_too_large"),
    (
        "slip.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "image/svg+xml",
        422,
        "slip_type_invalid",
    ),
    ("slip.html", b"<!DOCTYPE html><html><body onload=alert(1)></body></html>", "text/html", 422, "slip_type_invalid"),
    ("slip.png", b"GIF89a" + bytes(64), "image/png", 422, "slip_type_invalid"),
    ("slip.jpg", b"\xff\xd8\xff\xe0" + bytes(32), "image/jpeg", 422, "slip_type_invalid"),  # truncated JPEG
    (
        "slip.pdf",
        b"%PDF-1.4\n1 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\ntrailer<<>>\n%%EOF",
        "application/pdf",
        422,
        "slip_type_invalid",
    ),
    ("huge.jpg", b"\xff\xd8\xff" + bytes(30 * 1024 * 1024), "image/jpeg", 413, "slip_too_large"),
]


async def test_hostile_slips_are_refused_and_nothing_is_stored(client: Client, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    slips = Path(settings.data_dir) / "slips"
    for i, (name, content, content_type, status, code) in enumerate(HOSTILE):
        response = await client.post(
            "/api/v1/wallet/deposits",
            data=deposit_form(tracking_number=f"7770{i:04d}"),
            files={"slip": (name, content, content_type)},
            headers=headers,
        )
        assert response.status_code == status, (name, response.text[:300])
        assert response.json()["code"] == code and response.json()["message"] == error_text(code)
    assert (await client.get("/api/v1/wallet/deposits")).json()["items"] == []
    assert not slips.exists() or not any(slips.rglob("*.*"))
    print(f"\n[issue 16] hostile slips tried: {len(HOSTILE)}; server errors: 0")


async def test_a_polyglot_and_a_photo_with_gps_are_stored_as_clean_images(client: Client, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    for i, content in enumerate([_polyglot_jpeg_zip(), _jpeg(exif=_gps_exif(), comment=b"<script>x</script>")]):
        created = await client.post(
            "/api/v1/wallet/deposits",
            data=deposit_form(tracking_number=f"8880{i:04d}"),
            files={"slip": ("slip.jpg", content, "image/jpeg")},
            headers=headers,
        )
        assert created.status_code == 201, created.text
        stored = (await client.get(f"/api/v1/wallet/deposits/{created.json()['id']}/slip")).content
        with Image.open(BytesIO(stored)) as image:
            assert image.format == "JPEG" and dict(image.getexif()) == {}
        assert (
            b"Exif" not in stored
            and b"<script" not in stored
            and b"<html" not in stored
            and b"PK\x05\x06" not in stored
        )
    on_disk = [p.read_bytes() for p in (Path(settings.data_dir) / "slips").rglob("*") if p.is_file()]
    assert len(on_disk) == 2 and not any(b"Exif" in data or b"<script" in data for data in on_disk)
