"""The line state machine and the outcome → ledger mapping of fulfilment (SPEC §8)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kook.application.fulfilment.line_sender import answer_of
from kook.application.shared.ports import TopUpOutcome
from kook.domain.recharges.fulfilment import (
    AlreadyResolved,
    Answer,
    LedgerMove,
    LineChange,
    LineNotUnknown,
    LineState,
    Policy,
    decide,
    money_of,
    reference_for,
    resolve_by_staff,
)
from kook.domain.recharges.line import LineStatus
from kook.domain.recharges.request import Request, RequestKind, RequestStarted, RequestStatus

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
POLICY = Policy(max_attempts=3, first_check_seconds=2, max_check_seconds=60, inquiry_window_seconds=600)


def line(status: str = LineStatus.SENDING, attempt: int = 1, **extra: object) -> LineState:
    values: dict[str, object] = {
        "id": 7,
        "request_id": "r",
        "status": status,
        "attempt": attempt,
        "price": 200_000,
        "operator": 1,
    }
    values.update(extra)
    return LineState(**values)  # type: ignore[arg-type]


def test_outcomes_map_to_answers() -> None:
    assert answer_of(TopUpOutcome.succeeded("X")) is Answer.SUCCEEDED
    assert answer_of(TopUpOutcome.failed("invalid_number")) is Answer.FAILED
    assert answer_of(TopUpOutcome.failed("unreachable", retryable=True)) is Answer.NOT_SENT
    assert answer_of(TopUpOutcome.pending("timeout")) is Answer.UNKNOWN
    assert answer_of(TopUpOutcome.not_found()) is Answer.NOT_FOUND


def test_succeeded_settles_and_failed_releases() -> None:
    ok = decide(line(), Answer.SUCCEEDED, NOW, POLICY, provider_ref="P1")
    assert ok is not None and (ok.status, ok.move, ok.provider_ref, ok.finished_at) == (
        LineStatus.SUCCEEDED,
        LedgerMove.SETTLE,
        "P1",
        NOW,
    )
    bad = decide(line(), Answer.FAILED, NOW, POLICY, code="invalid_number")
    assert bad is not None and (bad.status, bad.move, bad.code) == (
        LineStatus.FAILED,
        LedgerMove.RELEASE,
        "invalid_number",
    )


def test_unknown_is_never_released_and_is_asked_about_with_backoff() -> None:
    first = decide(line(), Answer.UNKNOWN, NOW, POLICY)
    assert first is not None and first.status == LineStatus.UNKNOWN and first.move is None
    assert (first.checks, first.unknown_since, first.next_check_at) == (0, NOW, NOW + timedelta(seconds=2))
    state = line(LineStatus.UNKNOWN, checks=0, unknown_since=NOW)
    delays = []
    for step in range(1, 7):
        change = decide(state, Answer.UNKNOWN, NOW + timedelta(seconds=step), POLICY)
        assert change is not None and change.move is None and not change.escalated
        assert change.next_check_at is not None
        delays.append((change.next_check_at - (NOW + timedelta(seconds=step))).total_seconds())
        state = line(LineStatus.UNKNOWN, checks=change.checks, unknown_since=change.unknown_since)
    assert delays == [4, 8, 16, 32, 60, 60]
    late = decide(state, Answer.UNKNOWN, NOW + timedelta(seconds=600), POLICY)
    assert late is not None and late.escalated and late.next_check_at is None and late.move is None


def test_not_found_sends_again_only_after_an_inquiry() -> None:
    assert decide(line(LineStatus.SENDING), Answer.NOT_FOUND, NOW, POLICY) is None  # may not have arrived yet
    again = decide(line(LineStatus.UNKNOWN), Answer.NOT_FOUND, NOW, POLICY)
    assert again is not None and again.status == LineStatus.VALID and again.move is None
    # never received after max_attempts sends: finance's queue, money still held (no endless resending)
    stuck = decide(line(LineStatus.UNKNOWN, attempt=3), Answer.NOT_FOUND, NOW, POLICY)
    assert stuck is not None and (stuck.status, stuck.move, stuck.escalated) == (LineStatus.UNKNOWN, None, True)
    assert stuck.next_check_at is None and stuck.code == "not_received"


def test_not_sent_retries_then_fails_and_not_taken_costs_no_attempt() -> None:
    retry = decide(line(attempt=2), Answer.NOT_SENT, NOW, POLICY)
    assert retry is not None and retry.status == LineStatus.VALID and retry.attempt is None
    given_up = decide(line(attempt=3), Answer.NOT_SENT, NOW, POLICY)
    assert given_up is not None and given_up.status == LineStatus.FAILED and given_up.move is LedgerMove.RELEASE
    assert given_up.code == "operator_unreachable"
    busy = decide(line(attempt=3), Answer.NOT_TAKEN, NOW, POLICY)
    assert busy is not None and (busy.status, busy.attempt) == (LineStatus.VALID, 2)
    assert decide(line(LineStatus.UNKNOWN), Answer.NOT_SENT, NOW, POLICY) is None  # never resent blind


@pytest.mark.parametrize("final", [LineStatus.SUCCEEDED, LineStatus.FAILED])
@pytest.mark.parametrize("answer", list(Answer))
def test_a_final_line_never_moves_again(final: str, answer: Answer) -> None:
    assert decide(line(final), answer, NOW, POLICY) is None


@given(st.lists(st.sampled_from(list(Answer)), max_size=12))
def test_whatever_the_answers_money_moves_at_most_once(answers: list[Answer]) -> None:
    state = line(LineStatus.SENDING)
    moves: list[LedgerMove] = []
    for number, answer in enumerate(answers):
        change = decide(state, answer, NOW + timedelta(seconds=number), POLICY)
        if change is None:
            continue
        if change.move is not None:
            moves.append(change.move)
        if state.status == LineStatus.UNKNOWN:
            assert change.move is not LedgerMove.RELEASE or answer is Answer.FAILED
        state = line(
            change.status,
            attempt=change.attempt if change.attempt is not None else state.attempt,
            checks=change.checks,
            unknown_since=change.unknown_since,
        )
        if state.status == LineStatus.VALID:  # claimed again for the next send
            state = line(LineStatus.SENDING, attempt=state.attempt + 1)
    assert len(moves) <= 1


def test_money_of_a_batch() -> None:
    changes = [
        LineChange(1, LineStatus.SUCCEEDED, LedgerMove.SETTLE, 200_000, 1),
        LineChange(2, LineStatus.SUCCEEDED, LedgerMove.SETTLE, 300_000, 2),
        LineChange(3, LineStatus.SUCCEEDED, LedgerMove.SETTLE, 100_000, 1),
        LineChange(4, LineStatus.FAILED, LedgerMove.RELEASE, 250_000, 3),
        LineChange(5, LineStatus.UNKNOWN, None, 400_000, 3),
    ]
    moves = money_of(changes)
    assert moves.settle_by_operator == {1: 300_000, 2: 300_000}
    assert (moves.release, moves.settled) == (250_000, 600_000)


def test_staff_resolve_only_unknown_lines() -> None:
    change = resolve_by_staff(line(LineStatus.UNKNOWN), True, NOW)
    assert (change.status, change.move, change.code) == (LineStatus.SUCCEEDED, LedgerMove.SETTLE, "resolved_by_staff")
    assert resolve_by_staff(line(LineStatus.UNKNOWN), False, NOW).move is LedgerMove.RELEASE
    with pytest.raises(AlreadyResolved):
        resolve_by_staff(line(LineStatus.SUCCEEDED), False, NOW)
    with pytest.raises(LineNotUnknown):
        resolve_by_staff(line(LineStatus.SENDING), True, NOW)


def test_reference_is_stable_per_line() -> None:
    assert reference_for(42) == reference_for(42) == "kook-42" != reference_for(43)


def _request(status: RequestStatus, total: int = 1_000_000) -> Request:
    return Request("r", "c", "n", RequestKind.TOPUP, status, NOW, NOW, NOW, total)


def test_request_accounts_and_finishes() -> None:
    request = _request(RequestStatus.CONFIRMED)
    request.start(NOW)
    assert request.status is RequestStatus.RUNNING and request.held == 1_000_000
    request.account(600_000, 200_000, NOW)
    assert request.held == 200_000
    with pytest.raises(ValueError):
        request.account(300_000, 0, NOW)  # more than held
    request.account(200_000, 0, NOW)
    request.finish(False, NOW)
    assert (request.status.value, request.finished, request.held) == ("completed", True, 0)
    failed = _request(RequestStatus.RUNNING)
    failed.finish(True, NOW)
    assert failed.status is RequestStatus.COMPLETED_WITH_FAILURES


def test_a_started_request_cannot_be_cancelled() -> None:
    with pytest.raises(RequestStarted):
        _request(RequestStatus.RUNNING).cancel(NOW)
    assert _request(RequestStatus.CONFIRMED).cancel(NOW) is True
    assert _request(RequestStatus.DRAFT).cancel(NOW) is False


def test_one_teller_at_a_time_tells_a_finished_request() -> None:
    lease = timedelta(minutes=5)
    running = _request(RequestStatus.RUNNING)
    assert not running.claim_notice(NOW, lease)  # nothing to tell yet
    done = _request(RequestStatus.COMPLETED)
    assert done.claim_notice(NOW, lease)
    assert not done.claim_notice(NOW + timedelta(seconds=1), lease)  # another teller is on it
    assert done.claim_notice(NOW + lease, lease)  # that one went silent: taken over
    done.notice_given_up()  # telling failed: free at once
    assert done.claim_notice(NOW + lease + timedelta(seconds=1), lease)
    done.notified_at = NOW + lease + timedelta(seconds=2)
    assert not done.claim_notice(NOW + 2 * lease + timedelta(seconds=3), lease)  # told: never again
