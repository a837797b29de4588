"""Swagger UI and ReDoc from local files: FastAPI's CDN defaults leave /docs blank offline."""

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

# fastapi-offline ships the Swagger UI and ReDoc bundles and FastAPI's icon as package data; only
# those files are used, not its FastAPI wrapper, so the app factory stays ours.
ASSETS_DIR = Path(str(files("fastapi_offline") / "static"))
ASSETS_URL = "/docs-assets"
DOCS_URL = "/docs"
REDOC_URL = "/redoc"
# Swagger UI would otherwise send the OpenAPI document to swagger.io to draw a validity badge.
SWAGGER_UI_PARAMETERS = {"validatorUrl": None}


def add_docs(app: FastAPI) -> None:
    """Serve the assets and the two pages; the app must be built with docs_url=redoc_url=None."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")

    @app.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = _root(request)
        return get_swagger_ui_html(
            openapi_url=root + _openapi_url(app),
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            swagger_ui_parameters=SWAGGER_UI_PARAMETERS | (app.swagger_ui_parameters or {}),
        )

    @app.get(REDOC_URL, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = _root(request)
        return get_redoc_html(
            openapi_url=root + _openapi_url(app),
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )


def _root(request: Request) -> str:
    # Behind a proxy that strips a prefix, the browser must ask for the assets with that prefix.
    return str(request.scope.get("root_path", "")).rstrip("/")


def _openapi_url(app: FastAPI) -> str:
    if app.openapi_url is None:
        raise RuntimeError("the docs pages need the OpenAPI document")
    return app.openapi_url
