"""HTML + CSS → PDF with WeasyPrint (pango shapes the Persian: joined letters, right to left).

Rendering is CPU work of a few hundred milliseconds: it runs in a worker thread
(``asyncio.to_thread``), never on the event loop, and at most ``max_concurrent``
documents are rendered at once so a burst of downloads cannot take every core.
The font (Vazirmatn) and the stylesheet are files given at construction; the
HTML names the font by family and the stylesheet's ``@font-face`` points at it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

FONT_FAMILY = "Vazirmatn"


class WeasyPrintRenderer:
    def __init__(self, stylesheet: Path, font: Path, max_concurrent: int = 2) -> None:
        self._stylesheet = stylesheet
        self._font = font
        self._slots = asyncio.Semaphore(max(1, max_concurrent))

    def _font_face(self) -> str:
        return (
            f"@font-face {{ font-family: '{FONT_FAMILY}'; src: url('{self._font.resolve().as_uri()}'); "
            "font-weight: 100 900; }"
        )

    def render_sync(self, html: str) -> bytes:
        from weasyprint import CSS, HTML, URLFetcher  # type: ignore[import-untyped, unused-ignore]
        from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped, unused-ignore]

        allowed = {self._font.resolve().as_uri(), self._stylesheet.resolve().as_uri()}

        class OwnFilesOnly(URLFetcher):  # type: ignore[misc, unused-ignore]
            """Nothing but the font and the stylesheet is fetched (no URL a customer's text could name)."""

            def fetch(self, url: str, headers: Any = None) -> Any:
                if url not in allowed:
                    raise ValueError(f"not fetched: {url[:80]}")
                return super().fetch(url, headers)

        fetcher = OwnFilesOnly()
        fonts = FontConfiguration()
        sheets = [
            CSS(string=self._font_face(), font_config=fonts, url_fetcher=fetcher),
            CSS(filename=str(self._stylesheet), font_config=fonts, url_fetcher=fetcher),
        ]
        document = HTML(string=html, base_url=self._stylesheet.resolve().as_uri(), url_fetcher=fetcher)
        pdf: bytes = document.write_pdf(stylesheets=sheets, font_config=fonts)
        return pdf

    async def render(self, html: str) -> bytes:
        async with self._slots:
            return await asyncio.to_thread(self.render_sync, html)
