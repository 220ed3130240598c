"""The scheduler's claims (issue 17): two loops sharing claims enqueue each job once per period; a claim the loop
cannot act on (the enqueue failed, or the stop came between claiming and enqueueing) is given back."""

from __future__ import annotations

import asyncio
from typing import Any

from kook.entrypoints.scheduler import PeriodicJob, run_scheduler


class SharedClaims:
    """Claims as Redis keeps them, without expiry (every period here is longer than the test)."""

    def __init__(self) -> None:
        self.holders: dict[str, str] = {}
        self.released: list[str] = []

    def for_owner(self, owner: str) -> Any:
        shared = self

        class Claims:
            async def claim(self, actor: str, period_seconds: float) -> bool:
                if actor in shared.holders:
                    return False
                shared.holders[actor] = owner
                return True

            async def release(self, actor: str) -> bool:
                if shared.holders.get(actor) == owner:
                    del shared.holders[actor]
                    shared.released.append(actor)
                    return True
                return False

        return Claims()


class Recorder:
    def __init__(self, fail: bool = False, on_dispatch: Any = None) -> None:
        self.sent: list[str] = []
        self.fail = fail
        self.on_dispatch = on_dispatch

    def dispatch(self, actor: str, **kwargs: Any) -> None:
        if self.on_dispatch is not None:
            self.on_dispatch()
        if self.fail:
            raise ConnectionError("broker down")
        self.sent.append(actor)


JOBS = (PeriodicJob("a.job", 3600), PeriodicJob("b.job", 3600))


async def _run_both(first: Recorder, second: Recorder, shared: SharedClaims) -> None:
    stop = asyncio.Event()
    loops = [
        asyncio.create_task(run_scheduler(first, stop, JOBS, tick=0.01, claims=shared.for_owner("one"))),
        asyncio.create_task(run_scheduler(second, stop, JOBS, tick=0.01, claims=shared.for_owner("two"))),
    ]
    await asyncio.sleep(0.2)
    stop.set()
    await asyncio.gather(*loops)


async def test_two_schedulers_sharing_claims_enqueue_each_job_once() -> None:
    first, second, shared = Recorder(), Recorder(), SharedClaims()
    await _run_both(first, second, shared)
    assert sorted(first.sent + second.sent) == ["a.job", "b.job"]


async def test_without_claims_each_scheduler_enqueues_every_job() -> None:
    first, second = Recorder(), Recorder()
    stop = asyncio.Event()
    loops = [asyncio.create_task(run_scheduler(r, stop, JOBS, tick=0.01)) for r in (first, second)]
    await asyncio.sleep(0.1)
    stop.set()
    await asyncio.gather(*loops)
    assert sorted(first.sent + second.sent) == ["a.job", "a.job", "b.job", "b.job"]  # what the claims prevent


async def test_a_claim_whose_enqueue_failed_is_released_for_the_other_scheduler() -> None:
    broken, working, shared = Recorder(fail=True), Recorder(), SharedClaims()
    await _run_both(broken, working, shared)
    assert sorted(working.sent) == ["a.job", "b.job"]
    assert broken.sent == []


async def test_a_scheduler_stopped_between_claiming_and_enqueueing_gives_the_claim_back() -> None:
    shared = SharedClaims()
    stop = asyncio.Event()
    claims = shared.for_owner("one")

    class StopOnClaim:
        async def claim(self, actor: str, period_seconds: float) -> bool:
            taken: bool = await claims.claim(actor, period_seconds)
            stop.set()  # SIGTERM arrives right after the claim
            return taken

        async def release(self, actor: str) -> bool:
            released: bool = await claims.release(actor)
            return released

    recorder = Recorder()
    await run_scheduler(recorder, stop, JOBS, tick=0.01, claims=StopOnClaim())
    assert recorder.sent == []
    assert shared.released == ["a.job"] and shared.holders == {}
