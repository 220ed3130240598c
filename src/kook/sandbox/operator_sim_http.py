"""The simulated operator's HTTP face (``kook.sandbox.operator_sim``): its routes at ``/sim`` (under ``kook serve``
and any dev/test app), and ``kook operator-sim``'s app, which answers ``POST /sim/topups`` — the one call under
load — in a few lines of ASGI in front of Litestar (``_SimApp``), with the same answers as the Litestar route."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Final, cast

import msgspec
import structlog
from litestar import Litestar, Request, Response, Router, get, post
from litestar.enums import ScopeType
from litestar.params import FromPath
from litestar.types import HTTPScope, LifeSpanReceive, LifeSpanScope, LifeSpanSend, Receive, Scope, Send

from kook.domain.shared.errors import DomainError
from kook.domain.shared.mobile import normalize_mobile
from kook.sandbox.operator_sim import FAILED, OperatorSimulator, TopUpBody

log = structlog.get_logger(__name__)

# The standalone app's request body limit (Litestar's default, set explicitly: the fast path keeps to it too)
_MAX_BODY: Final = 10_000_000

SimulatorOf = Callable[[Request[Any, Any, Any]], Awaitable[OperatorSimulator]]


def sim_router(simulator_of: SimulatorOf, path: str = "/sim") -> Router:
    """The simulator's endpoints under ``path``; ``simulator_of`` finds the simulator for a request."""

    @post("/topups", status_code=200)
    async def create_top_up(request: Request[Any, Any, Any]) -> Response[Any]:
        try:
            body = _TOP_UP.decode(await request.body())
        except msgspec.DecodeError:  # malformed JSON, or a field missing or of the wrong type
            return Response(_INVALID_REQUEST, status_code=400)
        answer = await (await simulator_of(request)).top_up(body)
        return Response(answer.body, status_code=answer.status_code)

    @get("/topups/{reference:str}")
    async def top_up_status(request: Request[Any, Any, Any], reference: FromPath[str]) -> Response[Any]:
        answer = await (await simulator_of(request)).status(reference)
        return Response(answer.body, status_code=answer.status_code)

    @get("/topups")
    async def applied(request: Request[Any, Any, Any]) -> Response[Any]:
        raw = request.query_params.get("mobile")
        mobile = None
        if raw:
            try:
                mobile = normalize_mobile(raw)
            except DomainError as exc:
                return Response({"code": exc.code, "details": exc.details}, status_code=422)
        return Response(await (await simulator_of(request)).applied(mobile))

    return Router(path=path, route_handlers=[create_top_up, top_up_status, applied], include_in_schema=False)


def create_sim_app(simulator: OperatorSimulator, *, on_shutdown: list[Callable[[], Any]] | None = None) -> Litestar:
    """The simulator as its own service (``kook operator-sim``), at ``/sim`` like under ``kook serve``;
    ``POST /sim/topups`` takes the fast path of ``_SimApp``."""

    async def same(_request: Request[Any, Any, Any]) -> OperatorSimulator:
        return simulator

    @get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return _SimApp(
        simulator,
        "/sim",
        route_handlers=[sim_router(same, "/sim"), health],
        on_shutdown=[simulator.aclose, *(on_shutdown or [])],  # the writer's queue first, then the engine
        openapi_config=None,
        debug=False,
        logging_config=None,
        request_max_body_size=_MAX_BODY,
    )


_TOP_UP: Final = msgspec.json.Decoder(TopUpBody)
_ENCODE: Final = msgspec.json.Encoder()
_INVALID_REQUEST: Final = {"status": FAILED, "code": "invalid_request"}
_INVALID_REQUEST_JSON: Final = _ENCODE.encode(_INVALID_REQUEST)
_JSON: Final = (b"content-type", b"application/json")
# What Litestar answers (debug off, no exception handlers) when the handler raises: the fast path says the same
_INTERNAL_ERROR: Final = _ENCODE.encode({"status_code": 500, "detail": "Internal Server Error"})
_TOO_LARGE: Final = _ENCODE.encode({"status_code": 413, "detail": "Request Entity Too Large"})


class _SimApp(Litestar):
    """Litestar, with ``POST <path>/topups`` answered in front of it: the body decoded straight into
    ``TopUpBody``, the simulator asked, its answer encoded — no routing, middleware, ``Request`` or ``Response``.
    The answers are the route's own (status, JSON body, content type); a request the fast path does not take
    as it comes (no or an odd ``content-length``, a ``root_path``, any other method or path) goes to Litestar,
    which also runs the lifespan (the simulator's ``aclose`` at shutdown)."""

    def __init__(self, simulator: OperatorSimulator, path: str, **options: Any) -> None:
        super().__init__(**options)
        self._simulator = simulator
        self._top_ups_path = path + "/topups"

    async def __call__(
        self, scope: Scope | LifeSpanScope, receive: Receive | LifeSpanReceive, send: Send | LifeSpanSend
    ) -> None:
        if scope["type"] == ScopeType.HTTP:
            http = cast("HTTPScope", scope)
            if http["method"] == "POST" and http["path"] == self._top_ups_path and not http.get("root_path"):
                length = _content_length(http["headers"])
                if length is not None and length <= _MAX_BODY:
                    await self._create_top_up(cast("Receive", receive), cast("Send", send))
                    return
        await super().__call__(scope, receive, send)

    async def _create_top_up(self, receive: Receive, send: Send) -> None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the caller went away: nobody to answer
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        status: int
        content: bytes
        if size > _MAX_BODY:  # more than content-length said (a server lets no such body through)
            status, content = 413, _TOO_LARGE
        else:
            try:
                body = _TOP_UP.decode(chunks[0] if len(chunks) == 1 else b"".join(chunks))
            except msgspec.DecodeError:
                status, content = 400, _INVALID_REQUEST_JSON
            else:
                try:
                    answer = await self._simulator.top_up(body)
                except Exception:  # as Litestar's exception middleware answers; logged here for whoever debugs
                    log.exception("operator_sim_top_up_failed")
                    status, content = 500, _INTERNAL_ERROR
                else:
                    status, content = answer.status_code, _ENCODE.encode(answer.body)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [_JSON, (b"content-length", str(len(content)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": content, "more_body": False})


def _content_length(headers: Iterable[tuple[bytes, bytes]]) -> int | None:
    """The request's ``content-length`` when it is a plain number; otherwise None (Litestar decides)."""
    for name, value in headers:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None
