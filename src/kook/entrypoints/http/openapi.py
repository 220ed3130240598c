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


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Kook enterprise portal API",
        version="1",
        path=SCHEMA_PATH,
        render_plugins=[
            LocalSwaggerRenderPlugin(),
            JsonRenderPlugin(path="/openapi.json"),
            YamlRenderPlugin(path=["/openapi.yaml", "/openapi.yml"]),
        ],
    )
