"""Deposit-slip inspection with Pillow (images) and a structural check (PDF).

The type is decided from the first bytes, never from the file name:

* JPEG ``FF D8 FF`` and PNG ``89 50 4E 47 0D 0A 1A 0A`` are decoded with Pillow
  (``verify()`` first, then a fresh decode), bounded in pixels *before* any
  pixel memory is allocated, turned upright by their EXIF orientation, stripped
  of every piece of metadata (EXIF with GPS, XMP, ICC, comments, text chunks)
  and re-encoded. Re-encoding writes only pixels, so anything smuggled after
  the image (HTML or script after ``IEND``/``EOI``, polyglot tails) is gone.
* PDF (``%PDF-x.y`` within the first 1024 bytes, ``startxref`` and ``%%EOF`` at
  the end) is stored as uploaded, after a check for active content: any name
  ``/JavaScript``, ``/JS``, ``/Launch``, ``/EmbeddedFile(s)``, ``/RichMedia``,
  ``/SubmitForm``, ``/ImportData``, ``/XFA`` — written plainly, with ``#xx``
  escapes, or inside a Flate-compressed object stream — refuses the file. An
  object stream we cannot read (another filter, a predictor, encryption) is
  refused too: what cannot be looked at is not kept.

This is a filter, not a PDF parser: a rare benign PDF may be refused (a
binary image stream that happens to contain the bytes ``/JS`` followed by a
delimiter), and the stored file is still only ever served as an attachment
with ``nosniff`` to its owner and staff.

Size is checked before anything is decoded. The work is CPU-bound: callers
run ``inspect`` in a worker thread.
"""

from __future__ import annotations

import re
import warnings
import zlib
from collections.abc import Iterator
from io import BytesIO
from itertools import pairwise
from typing import Final

from PIL import Image, ImageOps

from kook.application.wallet.ports import InspectedSlip, SlipInspector, SlipTooLarge, SlipTypeInvalid
from kook.application.wallet.slips import MAX_SLIP_BYTES, MAX_SLIP_PIXELS, SlipKind

JPEG_MAGIC: Final = b"\xff\xd8\xff"
PNG_MAGIC: Final = b"\x89PNG\r\n\x1a\n"

_PDF_HEADER: Final = re.compile(rb"%PDF-[12]\.[0-9]")
_PDF_HEADER_WITHIN: Final = 1024
_PDF_TAIL: Final = 1024  # %%EOF must sit in the last KiB (a trailing newline or two is common)
_PDF_OBJECT: Final = re.compile(rb"[0-9]+[ \t\r\n\f\x00]+[0-9]+[ \t\r\n\f\x00]+obj(?![A-Za-z])")
# A PDF name: "/" then regular characters up to a delimiter or white space.
_PDF_NAME: Final = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
_PDF_NAME_ESCAPE: Final = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM: Final = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_OBJSTM_HEADER: Final = re.compile(rb"[ \t\r\n\f\x00]*[0-9]+[ \t\r\n\f\x00]+[0-9]+[ \t\r\n\f\x00]")

# Names that make a PDF do something rather than show something.
PDF_ACTIVE_NAMES: Final = frozenset(
    {"JavaScript", "JS", "Launch", "EmbeddedFile", "EmbeddedFiles", "RichMedia", "SubmitForm", "ImportData", "XFA"}
)
# Filters other than Flate: an object stream encoded with one of these cannot be read here.
_OTHER_FILTERS: Final = frozenset(
    {
        "ASCIIHexDecode", "AHx", "ASCII85Decode", "A85", "LZWDecode", "LZW", "RunLengthDecode", "RL",
        "Crypt", "Predictor", "JBIG2Decode", "DCTDecode", "DCT", "JPXDecode", "CCITTFaxDecode", "CCF",
    }
)  # fmt: skip
_FILTER_LOOKBACK: Final = 1024
_MAX_OBJSTM_BYTES: Final = 8 * 1024 * 1024
_MAX_OBJSTM_TOTAL: Final = 32 * 1024 * 1024

_JPEG_FORMATS: Final = frozenset({"JPEG", "MPO"})  # MPO: multi-picture JPEG from phone cameras; first picture kept
_PNG_KEEP_MODES: Final = frozenset({"1", "L", "LA", "P", "RGB", "RGBA"})


def sniff_slip_kind(content: bytes) -> SlipKind | None:
    """The kind the first bytes announce, or ``None``. The file name plays no part."""
    if content.startswith(JPEG_MAGIC):
        return SlipKind.JPEG
    if content.startswith(PNG_MAGIC):
        return SlipKind.PNG
    if _pdf_header_at(content) is not None:
        return SlipKind.PDF
    return None


def _pdf_header_at(content: bytes) -> int | None:
    match = _PDF_HEADER.search(content, 0, _PDF_HEADER_WITHIN + 8)
    if match is None or match.start() >= _PDF_HEADER_WITHIN:
        return None
    return match.start()


class PillowSlipInspector(SlipInspector):
    def __init__(
        self,
        *,
        max_bytes: int = MAX_SLIP_BYTES,
        max_pixels: int = MAX_SLIP_PIXELS,
        max_stored_bytes: int | None = None,
        jpeg_quality: int = 85,
    ) -> None:
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels
        # A re-encoded image may legitimately grow a little; a crafted one
        # (a tiny low-quality JPEG of 40 MP of noise) must not fill the disk.
        self.max_stored_bytes = max_stored_bytes if max_stored_bytes is not None else 2 * max_bytes
        self.jpeg_quality = jpeg_quality

    def inspect(self, content: bytes, filename: str | None = None) -> InspectedSlip:
        del filename  # deliberately unused: the name never decides the type
        if not isinstance(content, bytes | bytearray | memoryview):
            raise TypeError("slip content must be bytes")
        content = bytes(content)
        size = len(content)
        if size > self.max_bytes:
            raise SlipTooLarge({"reason": "bytes", "max_bytes": self.max_bytes, "size": size})
        if size == 0:
            raise SlipTypeInvalid("empty")
        kind = sniff_slip_kind(content)
        if kind is None:
            raise SlipTypeInvalid("unrecognised")
        if kind is SlipKind.PDF:
            return self._inspect_pdf(content)
        return self._inspect_image(content, kind)

    # -- images ---------------------------------------------------------------

    def _inspect_image(self, content: bytes, kind: SlipKind) -> InspectedSlip:
        formats = ["JPEG"] if kind is SlipKind.JPEG else ["PNG"]
        try:
            with warnings.catch_warnings():
                # Pillow warns past Image.MAX_IMAGE_PIXELS and raises past twice
                # that; the global is left alone, our own (lower) limit is
                # checked on the header before any pixel is decoded.
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(BytesIO(content), formats=formats) as probe:
                    self._check_pixels(probe.size)
                    probe.verify()
                with Image.open(BytesIO(content), formats=formats) as image:
                    self._check_pixels(image.size)
                    if (kind is SlipKind.JPEG) != (image.format in _JPEG_FORMATS):
                        raise SlipTypeInvalid("format_mismatch", {"format": image.format})
                    image.load()
                    clean = self._clean(image, kind)
                    width, height = clean.size
                    encoded = self._encode(clean, kind)
        except (SlipTooLarge, SlipTypeInvalid):
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning, MemoryError) as exc:
            raise SlipTooLarge({"reason": "pixels", "max_pixels": self.max_pixels}) from exc
        except Exception as exc:  # Pillow raises OSError, SyntaxError, ValueError, struct.error, EOFError, …
            raise SlipTypeInvalid("undecodable", {"error": type(exc).__name__}) from exc
        if len(encoded) > self.max_stored_bytes:
            raise SlipTooLarge({"reason": "reencoded", "max_bytes": self.max_bytes, "size": len(encoded)})
        return InspectedSlip(kind=kind, content=encoded, width=width, height=height)

    def _check_pixels(self, size: tuple[int, int]) -> None:
        width, height = size
        if width <= 0 or height <= 0:
            raise SlipTypeInvalid("no_pixels")
        if width * height > self.max_pixels:
            raise SlipTooLarge({"reason": "pixels", "max_pixels": self.max_pixels, "width": width, "height": height})

    @staticmethod
    def _clean(image: Image.Image, kind: SlipKind) -> Image.Image:
        """Upright, a mode the target format stores, and no metadata at all."""
        try:
            upright = ImageOps.exif_transpose(image)
        except Exception:  # a broken EXIF block: keep the pixels as they are
            upright = image.copy()
        transparency = upright.info.get("transparency") if upright.mode == "P" else None
        if kind is SlipKind.JPEG:
            clean = upright if upright.mode in ("L", "RGB") else upright.convert("RGB")  # CMYK, YCbCr, … → RGB
        elif upright.mode in _PNG_KEEP_MODES:
            clean = upright
        elif upright.mode.startswith("I"):  # 16-bit grey: scale, do not clip
            clean = upright.convert("I").point(lambda value: value * (1 / 256)).convert("L")
        elif "A" in upright.getbands():
            clean = upright.convert("RGBA")
        else:
            clean = upright.convert("RGB")
        if clean is image:
            clean = image.copy()
        clean.info = {}  # EXIF, XMP, ICC, comments, text chunks: never copied to the output
        if isinstance(transparency, int | bytes) and clean.mode == "P":
            clean.info["transparency"] = transparency
        return clean

    def _encode(self, image: Image.Image, kind: SlipKind) -> bytes:
        out = BytesIO()
        if kind is SlipKind.JPEG:
            image.save(out, format="JPEG", quality=self.jpeg_quality, optimize=True)
        else:
            image.save(out, format="PNG", optimize=True)
        return out.getvalue()

    # -- PDF -------------------------------------------------------------------

    def _inspect_pdf(self, content: bytes) -> InspectedSlip:
        header = _pdf_header_at(content)
        if header is None:
            raise SlipTypeInvalid("pdf_header")
        if b"<" in content[:header]:  # junk before the header may be binary, never markup
            raise SlipTypeInvalid("pdf_prefix")
        tail = content[-_PDF_TAIL:]
        if b"%%EOF" not in tail:
            raise SlipTypeInvalid("pdf_eof")
        if b"startxref" not in content[-(_PDF_TAIL + 1024) :]:
            raise SlipTypeInvalid("pdf_xref")
        if _PDF_OBJECT.search(content) is None:
            raise SlipTypeInvalid("pdf_no_objects")

        names = list(_pdf_names(content))
        for text in self._object_streams(content):
            names.extend(_pdf_names(text))
        found = set(names)
        active = sorted(found & PDF_ACTIVE_NAMES)
        if active:
            raise SlipTypeInvalid("pdf_active_content", {"names": active})
        if "Root" not in found:
            raise SlipTypeInvalid("pdf_no_catalog")
        pages = sum(1 for before, name in pairwise(names) if before == "Type" and name == "Page")
        if pages == 0:
            raise SlipTypeInvalid("pdf_no_pages")
        return InspectedSlip(kind=SlipKind.PDF, content=content, pages=pages)

    @staticmethod
    def _object_streams(content: bytes) -> Iterator[bytes]:
        """The decompressed text of every object stream (``/Type /ObjStm``).

        Found from the name itself, forwards to the next ``stream`` keyword, so
        padding inside the dictionary cannot hide one. Anything unreadable
        refuses the file.
        """
        total = 0
        seen: set[int] = set()
        for match in _PDF_NAME.finditer(content):
            if _decode_name(match.group(1)) != "ObjStm":
                continue
            stream = _PDF_STREAM.search(content, match.end())
            if stream is None:
                raise SlipTypeInvalid("pdf_objstm_unreadable")
            if stream.end() in seen:
                continue
            seen.add(stream.end())
            # The dictionary: from this object's "N G obj" (looked for a little way
            # back) to the stream keyword, so a neighbour's filters do not count.
            start = max(0, match.start() - _FILTER_LOOKBACK)
            for header in _PDF_OBJECT.finditer(content, start, match.start()):
                start = header.end()
            filters = set(_pdf_names(content[start : stream.start()]))
            if filters & _OTHER_FILTERS:
                raise SlipTypeInvalid("pdf_objstm_unreadable")
            end = content.find(b"endstream", stream.end())
            if end < 0:
                raise SlipTypeInvalid("pdf_objstm_unreadable")
            inflater = zlib.decompressobj()
            try:
                text = inflater.decompress(content[stream.end() : end], _MAX_OBJSTM_BYTES)
            except zlib.error as exc:
                raise SlipTypeInvalid("pdf_objstm_unreadable") from exc
            if inflater.unconsumed_tail:
                raise SlipTypeInvalid("pdf_objstm_too_large")
            if not inflater.eof:
                raise SlipTypeInvalid("pdf_objstm_unreadable")
            # An object stream opens with pairs of integers and holds dictionaries;
            # anything else (a predictor, a second encoding) could hide names.
            if _OBJSTM_HEADER.match(text) is None or b"/" not in text:
                raise SlipTypeInvalid("pdf_objstm_unreadable")
            total += len(text)
            if total > _MAX_OBJSTM_TOTAL:
                raise SlipTypeInvalid("pdf_objstm_too_large")
            yield text


def _pdf_names(text: bytes) -> Iterator[str]:
    for match in _PDF_NAME.finditer(text):
        yield _decode_name(match.group(1))


def _decode_name(raw: bytes) -> str:
    """A PDF name with its ``#xx`` escapes resolved (``/J#61vaScript`` is ``/JavaScript``)."""
    if b"#" in raw:
        raw = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
    return raw.decode("latin-1")
