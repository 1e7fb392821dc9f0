"""Command groups beyond parse/check/rules, each in its own module with a ``register(main)``.

Adding a command module: write it here and list it in ``MODULES``.
"""

from __future__ import annotations

import importlib

import click

MODULES: tuple[str, ...] = ("new", "template", "convert", "render", "store", "rollup", "register", "score", "serve", "schema")


def register_all(main: click.Group) -> None:
    for name in MODULES:
        importlib.import_module(f".{name}", __name__).register(main)
