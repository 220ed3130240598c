"""The OpenAPI document at /schema and its UI, served from this portal only (issue 20).

The UI's script and style come from static/vendor (npm ``swagger-ui-dist``, copied by scripts/install_assets.py),
not from a public CDN, and the page carries no inline script or style, so it runs under the portal's
Content-Security-Policy like every other page. The other UIs Litestar offers (ReDoc, RapiDoc, Elements) load from
CDNs only and are not mounted.
"""

from __future__ import annotations

from html import escape
from typing import Any

from litestar import Request, Router
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin, YamlRenderPlugin

from kook.entrypoints.http.openapi_examples import add_request_examples

SCHEMA_PATH = "/schema"
_VENDOR = "/static/vendor/swagger-ui"


class LocalSwaggerRenderPlugin(SwaggerRenderPlugin):
    """Swagger UI at /schema and /schema/swagger from the portal's own files; it reads /schema/openapi.json."""

    def __init__(self) -> None:
        super().__init__(
            path=["/", "/swagger"],
            js_url=f"{_VENDOR}/swagger-ui-bundle.js",
            css_url=f"{_VENDOR}/swagger-ui.css",
            favicon="",
            style="",
        )

    def receive_router(self, router: Router) -> None:
        """No OAuth2 redirect page: Kook's API has no OAuth flow (and that page is an inline script)."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = escape(str(openapi_schema.get("info", {}).get("title", "API")))
        return f"""<!DOCTYPE html>
<html lang="en" dir="ltr">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{title}</title>
    <link href="{self.css_url}" rel="stylesheet">
    <script src="{self.js_url}" defer></script>
    <script src="/static/swagger-init.js" defer></script>
  </head>
  <body>
    <div id="swagger-container" data-spec-url="{SCHEMA_PATH}/openapi.json"></div>
  </body>
</html>
""".encode()


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every error of the API (API.md): the HTTP status plus a stable code and a Persian message.",
    "required": ["code", "message", "details"],
    "properties": {
        "code": {"type": "string", "description": "Stable English snake case, e.g. validation_error, forbidden."},
        "message": {"type": "string", "description": "For people, in Persian."},
        "details": {
            "description": "null, or an object: validation_error names the fields ({fields: {name: {code, message}}})."
        },
    },
}
_NO_BODY = ("204", "205", "304")
# The errors any JSON API operation may answer (API.md's codes), each documented with the error body.
COMMON_ERRORS: dict[str, str] = {
    "401": "unauthenticated: no session or key (or an invalid key).",
    "403": "forbidden (not this caller's to do) or csrf_failed (a cookie write without its token or from elsewhere).",
    "404": "not_found: no such object, or another customer's.",
    "413": "payload_too_large (or file_too_large, slip_too_large): the body is past its limit.",
    "422": "validation_error: details names the fields; or the stable code of the rule that refused it.",
    "429": "rate_limited: too many calls; Retry-After says when to try again.",
}


def describe_real_errors(document: dict[str, Any]) -> dict[str, Any]:
    """The document as the API really answers (in place; idempotent).

    Litestar documents a 400 with its own exception body (``status_code``, ``detail``, ``extra``) on every route
    with parameters; Kook answers a bad body or parameter 422 ``validation_error`` in its error shape, and every
    other error in that shape too: every API operation lists the common error statuses (401, 403, 404, 413, 422,
    429) with the error body, and ``default`` covers the rest. A 204 declares no content (Litestar gave it a JSON
    null).
    """
    add_request_examples(document)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    if schemas.get("Error") == ERROR_SCHEMA:
        return document
    schemas["Error"] = ERROR_SCHEMA
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, item in document.get("paths", {}).items():
        for operation in item.values():
            responses = operation.get("responses") if isinstance(operation, dict) else None
            if not isinstance(responses, dict):
                continue
            for status in _NO_BODY:
                if isinstance(responses.get(status), dict):
                    responses[status].pop("content", None)
            responses.pop("400", None)
            if path.startswith("/api/"):
                for status, description in COMMON_ERRORS.items():
                    responses.setdefault(status, {"description": description})
            for status, response in responses.items():
                if status[:1] in ("4", "5") and isinstance(response, dict):
                    response["content"] = body
            responses["default"] = {"description": "Any other error, in the API's error shape.", "content": body}
    return document


class KookJsonRenderPlugin(JsonRenderPlugin):
    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, describe_real_errors(openapi_schema))


class KookYamlRenderPlugin(YamlRenderPlugin):
    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, describe_real_errors(openapi_schema))


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Kook enterprise portal API",
        version="1",
        path=SCHEMA_PATH,
        render_plugins=[
            LocalSwaggerRenderPlugin(),
            KookJsonRenderPlugin(path="/openapi.json"),
            KookYamlRenderPlugin(path=["/openapi.yaml", "/openapi.yml"]),
        ],
    )
