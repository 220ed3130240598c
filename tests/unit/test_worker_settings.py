"""Fulfilment's settings are checked at start-up, and a worker process takes fulfilment runs two at a time."""

from __future__ import annotations

import dramatiq
import pytest
from dramatiq.brokers.stub import StubBroker

from kook.entrypoints.settings import SettingsError, load_settings
from kook.entrypoints.worker.actors import FULFILMENT_QUEUE
from kook.entrypoints.worker.broker import FULFILMENT_PREFETCH, KookWorker

BASE = {"KOOK_ENV": "test", "KOOK_SECRET_KEY": "x" * 32, "KOOK_DATABASE_URL": "sqlite+aiosqlite:///:memory:"}


def test_the_fulfilment_settings_are_read() -> None:
    settings = load_settings({**BASE, "KOOK_FULFILMENT_WINDOW": "600", "KOOK_FULFILMENT_RECORD_EVERY_SECONDS": "0.1"})
    assert (settings.fulfilment.window, settings.fulfilment.record_every_seconds) == (600, 0.1)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("KOOK_FULFILMENT_CHUNK_SIZE", "0", "KOOK_FULFILMENT_CHUNK_SIZE must be a positive number"),
        ("KOOK_FULFILMENT_RECORD_EVERY_SECONDS", "0", "KOOK_FULFILMENT_RECORD_EVERY_SECONDS must be a positive"),
        ("KOOK_FULFILMENT_PARALLEL_RUNS", "-1", "KOOK_FULFILMENT_PARALLEL_RUNS must be a positive number"),
        ("KOOK_FULFILMENT_WINDOW", "50", "KOOK_FULFILMENT_WINDOW must be at least KOOK_FULFILMENT_CHUNK_SIZE"),
    ],
)
def test_a_bad_fulfilment_setting_stops_start_up_naming_it(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings({**BASE, name: value})


def test_a_worker_prefetches_two_runs_and_the_usual_number_of_other_messages() -> None:
    broker = StubBroker()
    broker.emit_after("process_boot")

    @dramatiq.actor(broker=broker, queue_name=FULFILMENT_QUEUE, actor_name="test.run")
    def run() -> None: ...

    @dramatiq.actor(broker=broker, actor_name="test.other")
    def other() -> None: ...

    worker = KookWorker(broker, worker_threads=8, worker_timeout=100)
    worker.start()
    try:
        prefetch = {name: consumer.prefetch for name, consumer in worker.consumers.items()}
    finally:
        worker.stop()
        broker.close()
    assert prefetch[FULFILMENT_QUEUE] == FULFILMENT_PREFETCH == 2
    assert prefetch["default"] == 16  # Dramatiq's own: twice the threads
