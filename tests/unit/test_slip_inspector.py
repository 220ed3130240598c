"""Deposit-slip inspection: type from content, size first, images re-encoded clean, PDFs checked."""

from __future__ import annotations

import resource
import struct
import time
import zlib
from io import BytesIO
from typing import Any

import pytest
from PIL import Image, ImageOps, PngImagePlugin

from kook.adapters.slips.inspector import PDF_ACTIVE_NAMES, PillowSlipInspector, sniff_slip_kind
from kook.application.wallet.ports import InspectedSlip, SlipInspector, SlipTooLarge, SlipTypeInvalid
from kook.application.wallet.slips import MAX_SLIP_BYTES, SlipKind

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


@pytest.fixture
def inspector() -> PillowSlipInspector:
    return PillowSlipInspector()


def _refused(inspector: SlipInspector, content: bytes, filename: str | None = None) -> SlipTypeInvalid:
    with pytest.raises(SlipTypeInvalid) as caught:
        inspector.inspect(content, filename)
    assert caught.value.code == "slip_type_invalid"
    return caught.value


def _too_large(inspector: SlipInspector, content: bytes) -> SlipTooLarge:
    with pytest.raises(SlipTooLarge) as caught:
        inspector.inspect(content, "slip.png")
    assert caught.value.code == "slip_too_large"
    return caught.value


# ------------------------------------------------------------------ builders


def _gradient(mode: str, size: tuple[int, int] = (64, 48)) -> Image.Image:
    image = Image.linear_gradient("L").resize(size)
    if mode == "L":
        return image
    rgb = Image.merge("RGB", (image, image.rotate(90).resize(size), Image.new("L", size, 90)))
    return rgb.convert(mode)


def _jpeg(image: Image.Image | None = None, **save: Any) -> bytes:
    out = BytesIO()
    save.setdefault("quality", 90)
    (image or _gradient("RGB")).save(out, format="JPEG", **save)
    return out.getvalue()


def _png(image: Image.Image | None = None, **save: Any) -> bytes:
    out = BytesIO()
    (image or _gradient("RGBA")).save(out, format="PNG", **save)
    return out.getvalue()


def _gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[MAKE] = "SpyPhone"
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (35.0, 41.0, 22.5)  # Tehran
    gps[3] = "E"
    gps[4] = (51.0, 23.0, 20.1)
    return exif


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _bilevel_png(width: int, height: int) -> bytes:
    """A real single-colour 1-bit PNG, compressed row by row (never held whole in memory)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row) for _ in range(height)]
    parts.append(compressor.flush())
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b"")


def _pdf(objects: list[bytes], *, root: int = 1, tail: bytes = b"") -> bytes:
    """A classic PDF with a correct cross-reference table; objects are numbered from 1."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out) + tail


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


PAGE_CONTENT = b"BT /F1 18 Tf 40 100 Td (Deposit 5,000,000 IRR) Tj ET"
CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def tiny_pdf(*, catalog: bytes = CATALOG, extra: list[bytes] | None = None) -> bytes:
    return _pdf([catalog, PAGES, PAGE, _stream(b"", PAGE_CONTENT), FONT, *(extra or [])])


def objstm_pdf(
    catalog: bytes = CATALOG,
    *,
    filters: bytes = b"/Filter /FlateDecode",
    encode: Any = zlib.compress,
    neighbour: bytes | None = None,
) -> bytes:
    """A PDF 1.5 whose dictionaries live in a compressed object stream, with a cross-reference stream.

    Objects 1, 2, 3, 5 sit in object stream 6; 4 is the page content, 7 the
    cross-reference stream; ``neighbour`` (an unused object 8) goes right before 6.
    """
    inner = [catalog, PAGES, PAGE, FONT]
    numbers = [1, 2, 3, 5]
    bodies = b""
    header = b""
    for number, body in zip(numbers, inner, strict=True):
        header += b"%d %d " % (number, len(bodies))
        bodies += body + b"\n"
    packed = encode(header + bodies)
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {4: len(out)}
    out += b"4 0 obj\n" + _stream(b"", PAGE_CONTENT) + b"\nendobj\n"
    if neighbour is not None:
        offsets[8] = len(out)
        out += b"8 0 obj\n" + neighbour + b"\nendobj\n"
    offsets[6] = len(out)
    out += b"6 0 obj\n" + _stream(b"/Type /ObjStm /N 4 /First %d " % len(header) + filters, packed) + b"\nendobj\n"
    offsets[7] = len(out)
    entries = [(0, 0, 65535)]
    index = {number: i for i, number in enumerate(numbers)}
    for number in range(1, 9):
        if number in index:
            entries.append((2, 6, index[number]))
        elif number in offsets:
            entries.append((1, offsets[number], 0))
        else:
            entries.append((0, 0, 0))
    table = b"".join(struct.pack(">BIH", *entry) for entry in entries)
    out += b"7 0 obj\n" + _stream(b"/Type /XRef /Size 9 /W [1 4 2] /Root 1 0 R", table) + b"\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[7]
    return bytes(out)


# ------------------------------------------------------------------ images


def test_the_adapter_fits_the_port() -> None:
    port: SlipInspector = PillowSlipInspector()
    assert port.inspect(_jpeg(), "x.jpg").kind is SlipKind.JPEG


def test_jpeg_is_re_encoded(inspector: PillowSlipInspector) -> None:
    original = _jpeg()
    slip = inspector.inspect(original, "slip.jpg")
    assert isinstance(slip, InspectedSlip)
    assert (slip.kind, slip.width, slip.height, slip.pages) == (SlipKind.JPEG, 64, 48, None)
    assert slip.content.startswith(b"\xff\xd8\xff") and slip.content.endswith(b"\xff\xd9")
    assert slip.content != original  # re-encoded (quality 85), not stored as sent
    with Image.open(BytesIO(slip.content)) as image:
        assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (64, 48))


def test_jpeg_exif_with_gps_is_stripped(inspector: PillowSlipInspector) -> None:
    original = _jpeg(exif=_gps_exif(), comment=b"<script>alert(1)</script>")
    with Image.open(BytesIO(original)) as before:  # the fixture really carries it
        assert before.getexif().get_ifd(GPS_IFD)[1] == "N"
        assert b"<script>" in before.info["comment"]
    slip = inspector.inspect(original, "slip.jpg")
    with Image.open(BytesIO(slip.content)) as after:
        assert dict(after.getexif()) == {}
        assert after.getexif().get_ifd(GPS_IFD) == {}
        assert not {"exif", "comment", "xmp", "icc_profile"} & set(after.info)
    assert b"Exif" not in slip.content and b"SpyPhone" not in slip.content and b"<script" not in slip.content


def test_exif_orientation_is_applied_before_stripping(inspector: PillowSlipInspector) -> None:
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # "rotate 90° clockwise to view"
    slip = inspector.inspect(_jpeg(_gradient("RGB", (80, 40)), exif=exif))
    assert (slip.width, slip.height) == (40, 80)  # upright, so it still looks right without the tag
    with Image.open(BytesIO(slip.content)) as image:
        assert image.size == (40, 80)
        assert ORIENTATION not in image.getexif()


def test_cmyk_jpeg_becomes_rgb(inspector: PillowSlipInspector) -> None:
    slip = inspector.inspect(_jpeg(_gradient("CMYK")))
    with Image.open(BytesIO(slip.content)) as image:
        assert (image.format, image.mode) == ("JPEG", "RGB")


def test_greyscale_jpeg_stays_greyscale(inspector: PillowSlipInspector) -> None:
    slip = inspector.inspect(_jpeg(_gradient("L")))
    with Image.open(BytesIO(slip.content)) as image:
        assert image.mode == "L"


def test_html_after_jpeg_end_is_dropped(inspector: PillowSlipInspector) -> None:
    payload = b"<html><script>fetch('/api/v1/wallet')</script></html>"
    slip = inspector.inspect(_jpeg() + payload, "slip.jpg")
    assert b"<script" not in slip.content
    assert slip.content.endswith(b"\xff\xd9")


def test_rgba_png_stays_png_with_its_alpha(inspector: PillowSlipInspector) -> None:
    slip = inspector.inspect(_png(), "slip.png")
    assert (slip.kind, slip.width, slip.height) == (SlipKind.PNG, 64, 48)
    with Image.open(BytesIO(slip.content)) as image:
        assert (image.format, image.mode) == ("PNG", "RGBA")
        assert image.getpixel((10, 10)) == _gradient("RGBA").getpixel((10, 10))  # lossless


def test_png_text_chunks_and_trailing_html_are_removed(inspector: PillowSlipInspector) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(document.cookie)</script>")
    info.add_text("GPS", "35.68,51.38", zip=True)
    original = _png(pnginfo=info, exif=_gps_exif())
    after_iend = _chunk(b"tEXt", b"Evil\x00<svg onload=alert(1)>") + b"<html><script>alert(2)</script></html>"
    slip = inspector.inspect(original + after_iend, "slip.png")
    assert slip.content.endswith(_chunk(b"IEND", b""))
    for needle in (b"<script", b"<svg", b"<html", b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"SpyPhone"):
        assert needle not in slip.content
    with Image.open(BytesIO(slip.content)) as image:
        assert image.text == {}  # type: ignore[attr-defined]
        assert dict(image.getexif()) == {}


def test_palette_png_keeps_palette_and_transparency(inspector: PillowSlipInspector) -> None:
    palette = _gradient("RGB").convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    slip = inspector.inspect(_png(palette, transparency=0))
    with Image.open(BytesIO(slip.content)) as image:
        assert image.mode == "P"
        assert image.info.get("transparency") == 0


@pytest.mark.parametrize("mode", ["1", "L", "LA", "RGB"])
def test_other_png_modes_round_trip(inspector: PillowSlipInspector, mode: str) -> None:
    source = _gradient("RGBA").convert(mode)
    slip = inspector.inspect(_png(source))
    with Image.open(BytesIO(slip.content)) as image:
        assert image.mode == mode
        assert image.tobytes() == source.tobytes()


def test_sixteen_bit_grey_png_is_scaled_not_clipped(inspector: PillowSlipInspector) -> None:
    deep = Image.new("I;16", (8, 8), 32768)  # half-way grey in 16 bits
    slip = inspector.inspect(_png(deep))
    with Image.open(BytesIO(slip.content)) as image:
        assert image.mode == "L"
        assert image.getpixel((0, 0)) == 128


def test_the_file_name_never_decides(inspector: PillowSlipInspector) -> None:
    assert inspector.inspect(_png(), "receipt.pdf").kind is SlipKind.PNG
    assert inspector.inspect(_jpeg(), "index.html").kind is SlipKind.JPEG
    assert inspector.inspect(tiny_pdf(), "photo.jpg").kind is SlipKind.PDF
    assert inspector.inspect(_jpeg(), None).kind is SlipKind.JPEG


# ------------------------------------------------------------------ refused


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"<html><body><script>alert(1)</script></body></html>", "slip.png"),
        (b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "slip.png"),
        (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01", "slip.gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "slip.webp"),
        (b"PK\x03\x04" + b"\x00" * 100, "slip.pdf"),
        (b"MZ\x90\x00\x03", "slip.jpg"),
        (b"\xef\xbb\xbf%PDF-1.4 but only words", "slip.txt"),
        (b" ", "slip.jpg"),
    ],
)
def test_anything_but_jpeg_png_pdf_is_refused(inspector: PillowSlipInspector, content: bytes, filename: str) -> None:
    refused = _refused(inspector, content, filename)
    assert refused.reason in {"unrecognised", "pdf_eof"}


def test_empty_upload_is_refused(inspector: PillowSlipInspector) -> None:
    assert _refused(inspector, b"", "slip.png").reason == "empty"


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>",  # the right magic, nothing behind it
        b"\xff\xd8\xff<html><script>alert(1)</script></html>",
        _jpeg()[:400],  # truncated
        _png()[:60],
    ],
)
def test_fake_or_broken_images_are_refused(inspector: PillowSlipInspector, content: bytes) -> None:
    assert _refused(inspector, content, "slip.png").reason == "undecodable"


def test_png_with_a_corrupt_chunk_is_refused(inspector: PillowSlipInspector) -> None:
    good = bytearray(_png())
    good[40] ^= 0xFF  # inside IDAT: the CRC no longer matches
    _refused(inspector, bytes(good))


def test_six_megabytes_is_too_large_before_any_decoding(
    inspector: PillowSlipInspector, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_decoding(*args: object, **kwargs: object) -> None:
        raise AssertionError("decoded before the size check")

    monkeypatch.setattr(Image, "open", no_decoding)
    refused = _too_large(inspector, _png() + b"\x00" * (6 * 1024 * 1024))
    assert refused.details["max_bytes"] == MAX_SLIP_BYTES == 5 * 1024 * 1024
    _too_large(inspector, b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024) + b"\n%%EOF\n")


def test_the_limit_is_five_mebibytes_inclusive(inspector: PillowSlipInspector) -> None:
    junk = b"<" * MAX_SLIP_BYTES
    assert _refused(inspector, junk).reason == "unrecognised"  # exactly 5 MiB: judged on its type
    _too_large(inspector, junk + b"<")


def test_decompression_bomb_is_refused_quickly_without_allocating() -> None:
    bomb = _bilevel_png(20_000, 20_000)  # 400 megapixels in about 50 KB
    assert len(bomb) < 200_000
    inspector = PillowSlipInspector()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    started = time.perf_counter()
    refused = _too_large(inspector, bomb)
    elapsed = time.perf_counter() - started
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert refused.details["reason"] == "pixels"
    assert refused.details["max_pixels"] == 40_000_000
    assert elapsed < 1.0
    assert grown_mib < 100  # decoding would need 400 MB at least
    assert Image.MAX_IMAGE_PIXELS == 89_478_485  # Pillow's global is left alone


def test_our_pixel_limit_is_below_pillows(inspector: PillowSlipInspector) -> None:
    refused = _too_large(inspector, _bilevel_png(9_000, 9_000))  # 81 MP: Pillow alone would decode it
    assert (refused.details["width"], refused.details["height"]) == (9_000, 9_000)
    small = PillowSlipInspector(max_pixels=64 * 48 - 1)
    assert _too_large(small, _jpeg()).details["reason"] == "pixels"
    assert PillowSlipInspector(max_pixels=64 * 48).inspect(_jpeg()).width == 64


def test_a_re_encoding_that_balloons_is_refused() -> None:
    noise = Image.effect_noise((256, 256), 120).convert("RGB")
    low = _jpeg(noise, quality=5)
    tight = PillowSlipInspector(max_stored_bytes=len(low))
    assert _too_large(tight, low).details["reason"] == "reencoded"


# ------------------------------------------------------------------ PDF


def test_a_hand_written_pdf_is_accepted_as_sent(inspector: PillowSlipInspector) -> None:
    pdf = tiny_pdf()
    slip = inspector.inspect(pdf, "slip.pdf")
    assert (slip.kind, slip.content, slip.pages, slip.width) == (SlipKind.PDF, pdf, 1, None)
    assert sniff_slip_kind(pdf) is SlipKind.PDF


def test_a_pdf_with_compressed_object_streams_is_accepted(inspector: PillowSlipInspector) -> None:
    pdf = objstm_pdf()
    assert b"/Catalog" not in pdf  # the dictionaries are only inside the compressed stream
    slip = inspector.inspect(pdf, "slip.pdf")
    assert (slip.kind, slip.pages) == (SlipKind.PDF, 1)


def test_a_neighbours_filter_is_not_taken_for_the_object_streams(inspector: PillowSlipInspector) -> None:
    tiny_image = _stream(
        b"/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8"
        b" /Filter /DCTDecode",
        _jpeg(_gradient("L", (8, 8))),
    )
    pdf = objstm_pdf(neighbour=tiny_image)
    assert pdf.index(b"/ObjStm") - pdf.index(b"/DCTDecode") < 1024
    assert inspector.inspect(pdf).pages == 1


def test_binary_junk_before_the_header_is_tolerated(inspector: PillowSlipInspector) -> None:
    assert inspector.inspect(b"\x00" * 128 + tiny_pdf()).kind is SlipKind.PDF


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"%PDF-1.4\nThis is not a PDF, just words.\n", "pdf_eof"),
        (b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n", "pdf_xref"),
        (b"%PDF-1.7\nstartxref\n0\n%%EOF\n", "pdf_no_objects"),
        (b"<html><script>alert(1)</script>" + tiny_pdf(), "pdf_prefix"),
        (tiny_pdf() + b"\n" + b" " * 2048, "pdf_eof"),  # %%EOF is not at the end
        (_pdf([b"<< /Type /Pages /Kids [] /Count 0 >>"], root=1), "pdf_no_pages"),
        (tiny_pdf().replace(b"/Root", b"/Rot"), "pdf_no_catalog"),
    ],
)
def test_a_pdf_that_is_not_a_pdf_is_refused(inspector: PillowSlipInspector, content: bytes, reason: str) -> None:
    assert _refused(inspector, content, "slip.pdf").reason == reason


def test_header_must_come_within_the_first_kilobyte(inspector: PillowSlipInspector) -> None:
    assert _refused(inspector, b"\x00" * 1024 + tiny_pdf()).reason == "unrecognised"


OPEN_ACTION_JS = b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"


@pytest.mark.parametrize(
    ("catalog", "extra", "names"),
    [
        (OPEN_ACTION_JS, [], ["JS", "JavaScript"]),
        (b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R >>", [b"<< /S /JS 7 0 R >>"], ["JS"]),
        (
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Launch /F (cmd.exe) >> >>",
            [],
            ["Launch"],
        ),
        (
            b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 6 0 R >> >>",
            [b"<< /Type /EmbeddedFile /Length 0 >>\nstream\n\nendstream"],
            ["EmbeddedFile", "EmbeddedFiles"],
        ),
        (b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /J#61va#53cript /J#53 (x) >> >>", [], ["JS", "JavaScript"]),
        (b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /XFA 6 0 R >> >>", [b"<< >>"], ["XFA"]),
        (b"<< /Type /Catalog /Pages 2 0 R /AA << /O << /S/SubmitForm/F(http://x)>> >> >>", [], ["SubmitForm"]),
    ],
)
def test_pdf_with_active_content_is_refused(
    inspector: PillowSlipInspector, catalog: bytes, extra: list[bytes], names: list[str]
) -> None:
    refused = _refused(inspector, tiny_pdf(catalog=catalog, extra=extra), "slip.pdf")
    assert refused.reason == "pdf_active_content"
    assert refused.details["names"] == names
    assert set(names) <= PDF_ACTIVE_NAMES


def test_javascript_hidden_in_a_compressed_object_stream_is_refused(inspector: PillowSlipInspector) -> None:
    pdf = objstm_pdf(OPEN_ACTION_JS)
    assert b"JavaScript" not in pdf
    refused = _refused(inspector, pdf, "slip.pdf")
    assert (refused.reason, refused.details["names"]) == ("pdf_active_content", ["JS", "JavaScript"])


def test_object_stream_name_written_with_escapes_is_still_opened(inspector: PillowSlipInspector) -> None:
    pdf = objstm_pdf(OPEN_ACTION_JS).replace(b"/ObjStm", b"/Obj#53tm")
    assert _refused(inspector, pdf).reason == "pdf_active_content"


@pytest.mark.parametrize(
    ("filters", "encode"),
    [
        (b"/Filter /ASCIIHexDecode", lambda data: data.hex().encode() + b">"),
        (b"/Filter [/FlateDecode /ASCIIHexDecode]", lambda data: zlib.compress(data.hex(" ").encode() + b">")),
        (b"/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 4 >>", zlib.compress),
        (b"/Filter /FlateDecode", lambda data: b"garbage, not zlib " + data),
        (b"/Filter /FlateDecode", lambda data: zlib.compress(data)[:-8]),  # truncated
    ],
)
def test_object_streams_that_cannot_be_read_are_refused(
    inspector: PillowSlipInspector, filters: bytes, encode: Any
) -> None:
    pdf = objstm_pdf(OPEN_ACTION_JS, filters=filters, encode=encode)
    assert _refused(inspector, pdf).reason == "pdf_objstm_unreadable"


def test_padding_cannot_push_the_filter_out_of_sight(inspector: PillowSlipInspector) -> None:
    # Flate then ASCIIHex, with the filter named far before /ObjStm: the hex text has no names -> refused.
    hexed = objstm_pdf(
        OPEN_ACTION_JS,
        filters=b"",
        encode=lambda data: zlib.compress(b"1 0 2 30 " + data.hex(" ").encode() + b">"),
    )
    assert _refused(inspector, hexed).reason == "pdf_objstm_unreadable"


def test_an_object_stream_bomb_is_refused(inspector: PillowSlipInspector) -> None:
    def bomb(data: bytes) -> bytes:
        return zlib.compress(data + b" " * (9 * 1024 * 1024), 9)

    pdf = objstm_pdf(encode=bomb)
    assert len(pdf) < 100_000
    assert _refused(inspector, pdf).reason == "pdf_objstm_too_large"


def test_refusals_keep_the_upload_out_of_reach_of_pillow_for_pdfs(
    inspector: PillowSlipInspector, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_decoding(*args: object, **kwargs: object) -> None:
        raise AssertionError("a PDF is never handed to Pillow")

    monkeypatch.setattr(Image, "open", no_decoding)
    assert inspector.inspect(tiny_pdf()).kind is SlipKind.PDF


def test_exif_transpose_is_what_pillow_would_do() -> None:
    exif = Image.Exif()
    exif[ORIENTATION] = 3  # upside down
    source = _gradient("RGB")
    with Image.open(BytesIO(_jpeg(source, exif=exif))) as decoded:
        expected = ImageOps.exif_transpose(decoded)
    slip = PillowSlipInspector().inspect(_jpeg(source, exif=exif))
    with Image.open(BytesIO(slip.content)) as image:
        assert image.size == expected.size
        # lossy both ways: compare a corner loosely
        got, want = image.getpixel((2, 2)), expected.getpixel((2, 2))
        assert isinstance(got, tuple) and isinstance(want, tuple)
        assert all(abs(a - b) < 12 for a, b in zip(got, want, strict=True))
