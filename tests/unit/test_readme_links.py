"""The README's relative links lead to files inside the clone, and no path it names leaves the clone: it
used to send readers to ``../shared/design/ARCHITECTURE.md``, outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
NAMED_PATH = re.compile(r"`(\.{1,2}/[^`\s]+)`")  # a path spelled out relative to the clone, e.g. `./.kook`


def _relative(targets: list[str]) -> list[str]:
    return [t for t in targets if not re.match(r"^[a-z][a-z0-9+.-]*:|^#", t)]


def links(text: str) -> list[str]:
    return _relative([m.group(1) for m in LINK.finditer(text)])


def named_paths(text: str) -> list[str]:
    return _relative([m.group(1) for m in NAMED_PATH.finditer(text)])


def _inside(target: str) -> Path:
    path = (ROOT / target.split("#", 1)[0]).resolve()
    assert path.is_relative_to(ROOT), f"{target} points outside the repository"
    return path


def test_every_relative_link_in_the_readme_resolves_inside_the_repository() -> None:
    text = README.read_text(encoding="utf-8")
    assert "docs/ARCHITECTURE.md" in links(text)  # the architecture document is linked, and kept here
    for target in links(text):
        assert _inside(target).exists(), f"{target} does not exist"
    for target in named_paths(text):  # e.g. the data directory `./.kook`, made at run time
        _inside(target)


def test_the_checks_see_what_leaves_the_clone() -> None:
    text = "See [the design](../shared/design/ARCHITECTURE.md), `../x.md`, [site](https://example.com), [top](#a)."
    assert links(text) == ["../shared/design/ARCHITECTURE.md"]
    assert named_paths(text) == ["../x.md"]
