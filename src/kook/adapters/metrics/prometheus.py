"""Prometheus metrics (``prometheus-client``), safe with several web and worker processes.

Counters and histograms are incremented where events happen, in the process where they happen:

* ``kook_http_requests_total{method,route,status}`` and ``kook_http_request_duration_seconds{method,route}``
  (web; ``route`` is the route's template, ``/api/v1/requests/{request_id}``, never the raw path);
* ``kook_jobs_total{actor,outcome}`` (succeeded, failed, skipped) and ``kook_job_duration_seconds{actor}``
  (workers);
* ``kook_lines_total{outcome}``: lines reaching a status through the outcome recorder, counted after the
  transaction committed (succeeded, failed, unknown, waiting = sent back).

With several processes, set ``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's own setting) to one empty
directory shared by every Kook process of the machine, before they start: each process writes its values to
memory-mapped files there and ``/metrics`` sums them (``MultiProcessCollector``). Without it, each process
counts for itself (the embedded ``kook serve``).

Figures that belong to the database or the broker are not counted but read at scrape time by ``/metrics``
(``scrape_figures``), with cheap queries: money held and available over all wallets (a sum over the wallets
table, one row per customer), payments by status (the status index), lines being sent (a partial index), and
the Dramatiq queue lengths (``LLEN``).
"""

from __future__ import annotations

import os
from collections import Counter as Tally
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from kook.application.shared.ports import Telemetry

HTTP_REQUESTS = Counter(
    "kook_http_requests", "HTTP requests answered, by route template and status", ["method", "route", "status"]
)
HTTP_DURATION = Histogram(
    "kook_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
JOBS = Counter("kook_jobs", "Dramatiq messages processed, by actor and outcome", ["actor", "outcome"])
JOB_DURATION = Histogram(
    "kook_job_duration_seconds",
    "Time to process a Dramatiq message, by actor",
    ["actor"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0),
)
LINES = Counter("kook_lines", "Request lines reaching a status (after the transaction committed)", ["outcome"])

CONTENT_TYPE = CONTENT_TYPE_LATEST


class PrometheusTelemetry(Telemetry):
    def lines_changed(self, outcomes: Mapping[str, int]) -> None:
        for outcome, count in outcomes.items():
            if count:
                LINES.labels(outcome=outcome).inc(count)


def observe_http(method: str, route: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
    HTTP_DURATION.labels(method=method, route=route).observe(seconds)


def observe_job(actor: str, outcome: str, seconds: float | None) -> None:
    JOBS.labels(actor=actor, outcome=outcome).inc()
    if seconds is not None:
        JOB_DURATION.labels(actor=actor).observe(seconds)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


@dataclass
class ScrapeFigures:
    """What ``/metrics`` reads at scrape time; ``None`` where the source did not answer."""

    held: int | None = None
    available: int | None = None
    payments: dict[str, int] = field(default_factory=dict)
    lines_sending: int | None = None
    queues: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)


class _Figures:
    def __init__(self, figures: ScrapeFigures) -> None:
        self._figures = figures

    def collect(self) -> Iterable[Metric]:
        f = self._figures
        if f.held is not None:
            yield GaugeMetricFamily("kook_money_held_rials", "Rials held over all wallets (read at scrape)", f.held)
        if f.available is not None:
            yield GaugeMetricFamily(
                "kook_money_available_rials", "Rials available over all wallets (read at scrape)", f.available
            )
        payments = GaugeMetricFamily(
            "kook_payments", "Online payments by status, all time (read at scrape)", labels=["status"]
        )
        for status, count in sorted(f.payments.items()):
            payments.add_metric([status], count)
        yield payments
        if f.lines_sending is not None:
            yield GaugeMetricFamily(
                "kook_lines_sending", "Lines on their way to the operator now (read at scrape)", f.lines_sending
            )
        queues = GaugeMetricFamily(
            "kook_queue_messages", "Messages waiting in each Dramatiq queue (read at scrape)", labels=["queue"]
        )
        for queue, depth in sorted(f.queues.items()):
            queues.add_metric([queue], depth)
        yield queues
        up = GaugeMetricFamily(
            "kook_scrape_source_up", "Whether a source of the scrape-time figures answered", labels=["source"]
        )
        for source in ("database", "redis"):
            up.add_metric([source], 0 if source in f.failed else 1)
        yield up


def render(figures: ScrapeFigures) -> bytes:
    """The exposition text: this machine's counted metrics (every process's, in multiprocess mode) and the
    scrape-time figures."""
    directory = multiprocess_dir()
    if directory:
        registry: Any = CollectorRegistry()
        MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    scraped = CollectorRegistry(auto_describe=False)
    scraped.register(_Figures(figures))
    return generate_latest(registry) + generate_latest(scraped)


def outcomes_of(statuses: Iterable[str]) -> dict[str, int]:
    return dict(Tally(statuses))
