"""Staff rich text made safe with nh3 (the Rust ``ammonia`` sanitiser): a small allow-list,
https links only (opened with ``rel="noopener noreferrer nofollow"``); everything else —
scripts, styles, event handlers, other tags and schemes — is removed."""

from __future__ import annotations

from typing import Final

import nh3

from kook.application.messaging.ports import HtmlSanitizer

TAGS: Final = frozenset({"p", "br", "strong", "b", "em", "ul", "ol", "li", "a"})
ATTRIBUTES: Final = {"a": {"href"}}


class Nh3Sanitizer(HtmlSanitizer):
    def clean(self, html: str) -> str:
        return nh3.clean(
            html,
            tags=set(TAGS),
            attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
            url_schemes={"https"},
            link_rel="noopener noreferrer nofollow",
            strip_comments=True,
        )
