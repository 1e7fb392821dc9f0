"""The web application (``gongkai serve``): review, browse, sum up and write reports in the browser.

FastAPI + Jinja2 templates + a little plain JavaScript, over the same core and store as the CLI.
``create_app(store_url)`` builds the application; see docs/web.md.

This package's ``__init__`` imports nothing heavy: ``gongkai.web.schema`` (the web's tables) is imported
by the store's migrations and tests without FastAPI.
"""

from __future__ import annotations

__all__ = ["create_app"]


def __getattr__(name):
    if name == "create_app":
        # lazy: FastAPI loads with the application, not with gongkai.web.schema (see above)
        from .app import create_app  # noqa: PLC0415  (lazy, see above)

        return create_app
    raise AttributeError(name)
