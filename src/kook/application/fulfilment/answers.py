"""An operator's answer about one line, as fulfilment records it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from kook.domain.recharges.fulfilment import Answer


@dataclass(frozen=True, slots=True)
class Answered:
    line_id: int
    answer: Answer
    code: str | None = None
    provider_ref: str | None = None


def _by_request(lines: Iterable[tuple[str, Answered]]) -> dict[str, list[Answered]]:
    grouped: dict[str, list[Answered]] = defaultdict(list)
    for request_id, answered in lines:
        grouped[request_id].append(answered)
    return grouped
