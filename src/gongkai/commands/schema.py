"""``gongkai schema``: the JSON Schemas and docs/json.md, generated from the editions (gongkai.schema)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..schema import NAMES, schema_text


@click.command("schema")
@click.argument("name", required=False, type=click.Choice([*NAMES, "markdown"]))
@click.option("--write", "do_write", is_flag=True, help="重写源码目录中过期的生成文件 / rewrite the stale generated files")
@click.option("--check", "do_check", is_flag=True, help="列出过期的生成文件，有则退出码为 1 / list stale files, exit 1 if any")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
              help="gongkai 源码目录 / the repository checkout")
def schema_cmd(name, do_write, do_check, root):
    """JSON Schema 与 docs/json.md（由格式定义生成）/ the JSON contract, generated from the editions.

    NAME 打印一个：report、findings、data 或 markdown（docs/json.md）。
    --write 在源码目录中重写 src/gongkai/schema/*.schema.json 与 docs/json.md；--check 只检查。
    """
    # lazy: start-up time — docs renders with jinja2, loaded when this command runs, not at every start
    from ..schema.docs import json_markdown, stale, write

    if name:
        click.echo(json_markdown() if name == "markdown" else schema_text(name), nl=False)
        return
    if not (root / "src" / "gongkai" / "schema").is_dir():
        raise click.UsageError(f"{root} 不是 gongkai 源码目录（没有 src/gongkai/schema）/ not a gongkai checkout")
    if do_write:
        for rel in write(root):
            click.echo(f"已重写 (written): {rel}")
    elif do_check:
        out = stale(root)
        for rel in out:
            click.echo(f"已过期 (stale): {rel}；请运行 gongkai schema --write")
        sys.exit(1 if out else 0)
    else:
        raise click.UsageError("请给出 NAME、--write 或 --check")


def register(main: click.Group) -> None:
    main.add_command(schema_cmd)
