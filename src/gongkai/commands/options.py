"""Options shared by several commands: the limits one input may cost (see docs/limits.md)."""

from __future__ import annotations

import sys

import click

from ..limits import DEFAULT_LIMITS, ENV_ERROR, Limits, LimitsConfigError, with_settings

# Numbers on the command line within what they can be (a year of 30 digits is no year, and more than
# a database integer holds): click refuses the rest with a one-line message.
YEAR = click.IntRange(1990, 2100)
RECORD_ID = click.IntRange(1, 2**63 - 1)
JOBS = click.IntRange(1, 256)


def limit_options(func):
    """--max-size, --max-pages, --timeout, --max-decompressed, --limit: the limits one input may cost
    (see gongkai.limits and docs/limits.md). Unset options keep the environment's or built-in value."""
    d = DEFAULT_LIMITS
    func = click.option("--limit", "limit_settings", multiple=True, metavar="NAME=VALUE",
                        help="其他限制，如 max_zip_members=1000、max_nesting=16（可重复） / any other limit "
                             "(repeatable; names in docs/limits.md)")(func)
    func = click.option("--max-decompressed", type=float, default=None,
                        help=f"压缩包（.docx）与 PDF 数据解压后的总大小上限（MB） / most bytes after decompression, MB "
                             f"[default: {d.max_decompressed_bytes / 2**20:g}]")(func)
    func = click.option("--timeout", type=float, default=None,
                        help=f"每个文件最长处理秒数 / seconds per file [default: {d.max_seconds:g}]")(func)
    func = click.option("--max-pages", type=click.IntRange(1, 1_000_000), default=None,
                        help=f"PDF 最多页数 / most PDF pages [default: {d.max_pdf_pages}]")(func)
    func = click.option("--max-size", type=float, default=None,
                        help=f"单个文件大小上限（MB） / largest file in MB [default: {d.max_file_bytes / 2**20:g}]")(func)
    return func


def make_limits(max_size: float | None = None, max_pages: int | None = None, timeout: float | None = None,
                max_decompressed: float | None = None, limit_settings: tuple[str, ...] = ()) -> Limits:
    """The limits for this run: the command line over the environment over the built-in defaults."""
    if ENV_ERROR is not None:
        raise ENV_ERROR
    settings: dict[str, str] = {}
    for item in limit_settings:
        name, sep, value = item.partition("=")
        if not sep:
            raise LimitsConfigError(f"--limit 的写法无效：{item!r}（应为 名称=值）", f"--limit expects NAME=VALUE, got {item!r}")
        settings[name] = value
    for name, given in (("max_size", max_size), ("max_pages", max_pages), ("timeout", timeout),
                        ("max_decompressed", max_decompressed)):
        if given is not None:
            settings[name] = str(given)
    return with_settings(DEFAULT_LIMITS, settings, "--")


def limits_or_exit(**options) -> Limits:
    try:
        return make_limits(**options)
    except LimitsConfigError as exc:
        click.echo(f"无法运行 (cannot run): {exc}", err=True)
        sys.exit(2)
