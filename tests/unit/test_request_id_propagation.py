"""The request id of an HTTP request travels in the options of every Dramatiq message enqueued while it is bound,
and is bound again in the worker's log context while that message is processed (issue 17)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dramatiq
import pytest
import structlog
from dramatiq.broker import MessageProxy
from dramatiq.brokers.stub import StubBroker

from kook.entrypoints.worker.middleware import BindMessageLogContext, CarryRequestId


@pytest.fixture
def broker() -> Iterator[StubBroker]:
    found = StubBroker()
    found.add_middleware(CarryRequestId())
    yield found
    found.close()
    structlog.contextvars.clear_contextvars()


def _declare(broker: StubBroker) -> Any:
    def job() -> None:
        return None

    return dramatiq.Actor(job, broker=broker, actor_name="test.job", queue_name="default", priority=0, options={})


def test_a_message_sent_while_a_request_id_is_bound_carries_it(broker: StubBroker) -> None:
    job = _declare(broker)
    structlog.contextvars.bind_contextvars(request_id="req-abc-1")
    sent = job.send()
    assert sent.options["request_id"] == "req-abc-1"
    queued = dramatiq.Message.decode(broker.queues["default"].get_nowait())
    assert queued.options["request_id"] == "req-abc-1"  # what the worker will read


def test_a_message_sent_outside_a_request_carries_none(broker: StubBroker) -> None:
    job = _declare(broker)
    structlog.contextvars.clear_contextvars()
    assert "request_id" not in job.send().options


def test_the_worker_binds_the_carried_id_with_the_job_id(broker: StubBroker) -> None:
    job = _declare(broker)
    structlog.contextvars.bind_contextvars(request_id="req-abc-2")
    message = job.send()
    structlog.contextvars.bind_contextvars(request_id="left-over", user="someone")  # the worker thread's last job
    BindMessageLogContext().before_process_message(broker, MessageProxy(message))
    bound = structlog.contextvars.get_contextvars()
    assert bound == {"job_id": message.message_id, "actor": "test.job", "request_id": "req-abc-2"}
    structlog.contextvars.clear_contextvars()
    plain: dramatiq.Message[Any] = dramatiq.Message(
        queue_name="default", actor_name="test.job", args=(), kwargs={}, options={}
    )
    BindMessageLogContext().before_process_message(broker, MessageProxy(plain))
    assert "request_id" not in structlog.contextvars.get_contextvars()
