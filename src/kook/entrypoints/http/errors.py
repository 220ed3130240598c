"""The one place where errors become HTTP answers (ARCHITECTURE convention 10).

JSON API: ``{"code", "message", "details"}`` with the status of the code.
Web pages: a Persian error page. Never a stack trace.
"""

from __future__ import annotations

from typing import Any

import structlog
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from kook.domain.shared.errors import DomainError, RateLimited, ValidationFailed
from kook.entrypoints.http.messages import error_status, error_text, field_text

log = structlog.get_logger(__name__)


def wants_json(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith(("/api/", "/health", "/ready", "/metrics", "/sim/"))


def error_response(
    request: Request[Any, Any, Any],
    code: str,
    *,
    status: int | None = None,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    status = status or error_status(code)
    message = error_text(code)
    if wants_json(request):
        return Response(
            {"code": code, "message": message, "details": details},
            status_code=status,
            media_type=MediaType.JSON,
            headers=headers,
        )
    if status == 401 and request.method == "GET":
        target = "/admin/login" if request.url.path.startswith("/admin") else "/login"
        return Redirect(target, status_code=303)
    template = {404: "errors/404.html", 403: "errors/403.html", 500: "errors/500.html"}.get(status, "errors/error.html")
    return Template(
        template_name=template,
        context={"status_code": status, "message": message},
        status_code=status,
        headers=headers,
        media_type=MediaType.HTML,
    )


def handle_domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    details: Any = exc.details or None
    headers = None
    if isinstance(exc, RateLimited):
        headers = {"Retry-After": str(exc.retry_after)}
        details = {"retry_after": exc.retry_after}
    if isinstance(exc, ValidationFailed):
        details = {"fields": {name: {"code": code, "message": field_text(code)} for name, code in exc.fields.items()}}
    return error_response(request, exc.code, details=details, headers=headers)


def handle_validation(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    fields: dict[str, Any] = {}
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            key = str(item.get("key") or "body")
            fields[key] = {"code": "invalid", "message": str(item.get("message", ""))}
    if not fields:
        fields["body"] = {"code": "invalid", "message": exc.detail}
    return error_response(request, "validation_error", details={"fields": fields})


def handle_http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    code = {
        400: "validation_error",
        401: "unauthenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "payload_too_large",
        429: "rate_limited",
    }.get(exc.status_code)
    if code is None:
        if exc.status_code >= 500:
            return handle_unexpected(request, exc)
        code = "validation_error"
    status = 422 if code == "validation_error" else exc.status_code
    return error_response(request, code, status=status)


def handle_not_found(request: Request[Any, Any, Any], exc: NotFoundException) -> Response[Any]:
    return error_response(request, "not_found")


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.error("unhandled_error", path=request.url.path, exc_info=exc)
    return error_response(request, "internal_error", status=HTTP_500_INTERNAL_SERVER_ERROR)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: handle_domain_error,
    ValidationException: handle_validation,
    NotFoundException: handle_not_found,
    HTTPException: handle_http,
    Exception: handle_unexpected,
}
