"""``--help`` in the language in force: Chinese by default, English with ``--lang en`` or ``ZONEKIT_LANG=en``.

Every command's description, every option's help and the headings click adds (用法, 选项, 命令, 默认,
必填) come in Chinese from ``help_zh.toml`` beside this module, keyed by command and by option flag;
the English text stays in the commands' docstrings and ``help=`` as before. Lines wrap by display width
(:func:`zonekit.vocabulary.widths.wrap`), so a Chinese paragraph breaks between characters instead of
running off the terminal. ``--lang`` counts wherever it stands on the command line, before or after
``--help``.
"""

from __future__ import annotations

import functools
import inspect
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path

import click

from zonekit.vocabulary.messages import language, set_language
from zonekit.vocabulary.widths import display_width, wrap

HELP_ZH = Path(__file__).with_name("help_zh.toml")
_CLICK_ZH = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}
_EXTRA_ZH = (("default: ", "默认："), ("env var: ", "环境变量："), ("required", "必填"))


@functools.cache
def chinese() -> dict:
    """The Chinese help texts: command name (``main`` for the group, ``shared`` for common options) → texts.

    Returns
    -------
    dict
        ``{command: {"help": str, "epilog": str, "options": {flag: str}}}``.
    """
    with open(HELP_ZH, "rb") as f:
        return tomllib.load(f)


def _lang_in(args: Sequence[str]) -> str | None:
    """The value of ``--lang`` on a command line, wherever it stands (None when it is not there)."""
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _paragraphs(text: str, width: int, indent: int) -> str:
    """``text`` as click lays out help: blank-line paragraphs rewrapped, a ``\\b`` paragraph kept as written."""
    out = []
    for block in re.split(r"\n\s*\n", inspect.cleandoc(text)):
        lines = block.splitlines()
        if lines and lines[0].strip() == "\b":
            out.append("\n".join(" " * indent + line for line in lines[1:]))
        else:
            out.append("\n".join(" " * indent + line for line in wrap(block, max(width - indent, 20))))
    return "\n\n".join(out) + "\n"


class Formatter(click.HelpFormatter):
    """click's formatter with Chinese headings under ``zh`` and lines wrapped by display width."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:  # noqa: D102
        if prefix is None and language() == "zh":
            prefix = "用法："
        super().write_usage(prog, args, prefix)

    def write_heading(self, heading: str) -> None:  # noqa: D102
        if language() == "zh":
            self.write(f"{'':>{self.current_indent}}{_CLICK_ZH.get(heading, heading)}：\n")
        else:
            super().write_heading(heading)

    def write_text(self, text: str) -> None:  # noqa: D102
        self.write(_paragraphs(text, self.width, self.current_indent))

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:  # noqa: D102
        rows = list(rows)
        first_col = min(max((display_width(a) for a, _ in rows), default=0), col_max) + col_spacing
        for first, second in rows:
            self.write(" " * self.current_indent + first)
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(second, max(self.width - first_col - self.current_indent - 2, 10)) or [""]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(" " * (first_col + self.current_indent) + line + "\n")


class Context(click.Context):
    """A context whose help is laid out by :class:`Formatter`."""

    formatter_class = Formatter


class Localised:
    """What a zonekit command or group adds to click's: its help said in the language in force."""

    context_class: type[click.Context] = Context
    name: str | None
    help: str | None
    epilog: str | None

    def _zh(self) -> dict:
        key = self.name if self.name in chinese() and not isinstance(self, click.Group) else "main"
        return chinese().get(key, {})

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:  # noqa: D102
        lang = _lang_in(args)
        if lang in ("zh", "en"):
            set_language(lang)
        return super().parse_args(ctx, args)  # type: ignore[misc]

    def _said(self, part: str) -> str | None:
        """The Chinese of ``part`` (``help``, ``epilog``) when Chinese is in force and there is one."""
        return self._zh().get(part) if language() == "zh" else None

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:  # noqa: D102
        if not _write_said(formatter, self._said("help")):
            super().format_help_text(ctx, formatter)  # type: ignore[misc]

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:  # noqa: D102
        if not _write_said(formatter, self._said("epilog")):
            super().format_epilog(ctx, formatter)  # type: ignore[misc]

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:  # noqa: D102
        if language() != "zh":
            super().format_options(ctx, formatter)  # type: ignore[misc]
            return
        own, shared = self._zh().get("options", {}), chinese().get("shared", {}).get("options", {})
        rows = []
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            record = param.get_help_record(ctx)
            if record is None or isinstance(param, click.Argument):
                continue
            names, text = record
            flag = max(param.opts, key=len)
            said = own.get(flag) or shared.get(flag)
            if said and param.help and text.startswith(param.help):
                text = said + text[len(param.help) :]
            rows.append((names, _extras_zh(text)))
        if rows:
            with formatter.section("Options"):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:  # noqa: D102
        text = self._said("help")
        if not text:
            return super().get_short_help_str(limit)  # type: ignore[misc]
        first = inspect.cleandoc(text).split("\n\n")[0].replace("\n", "")
        first = first.split("。")[0]
        return first if display_width(first) <= limit else wrap(first, limit - 3)[0] + "…"


def _write_said(formatter: click.HelpFormatter, text: str | None) -> bool:
    """Write ``text`` as click writes a description (a paragraph, indented); False when there is none."""
    if not text:
        return False
    formatter.write_paragraph()
    with formatter.indentation():
        formatter.write_text(text)
    return True


def _extras_zh(text: str) -> str:
    """Click's trailing ``[default: …; required]`` said in Chinese."""
    m = re.search(r"\[([^\[\]]*)\]$", text)
    if not m:
        return text
    inside = m.group(1)
    for en, zh in _EXTRA_ZH:
        inside = inside.replace(en, zh)
    return text[: m.start()] + f"[{inside.replace('; ', '；')}]"


class Command(Localised, click.Command):
    """A zonekit command (``@click.command(cls=Command)``): its help in the language in force."""


# click's usage errors, said in Chinese (its own words stay where a phrase is not here)
_USAGE_ZH = (
    (r" ?\(env var: (.+?)\)", r"（环境变量 \1）"),
    (r"^Missing option (.+?)\.", r"缺少选项 \1。"),
    (r"^Missing argument (.+?)\.", r"缺少参数 \1。"),
    (r"^No such option:? (.+?)\. Did you mean (.+?)\?", r"没有选项 \1。您是不是要用 \2？"),
    (r"^No such option:? (.+?)\.?$", r"没有选项 \1。"),
    (r"^No such command (.+?)\.", r"没有命令 \1。"),
    (r"^Option (.+?) requires an argument\.", r"选项 \1 需要一个值。"),
    (r"^Option (.+?) does not take a value\.", r"选项 \1 不带值。"),
    (r"^Got unexpected extra arguments? \((.+)\)", r"多余的参数：\1"),
    (r"^Invalid value for (.+?): ", r"\1 的值无效："),
    (r"(Path|File|Directory) (.+?) does not exist\.", r"路径 \2 不存在。"),
    (r"(.+?) is not a valid integer( range)?\.", r"\1 不是整数。"),
    (r"(.+?) is not a valid float( range)?\.", r"\1 不是数值。"),
    (r"(.+?) is not one of (.+?)\.", r"\1 不是 \2 之一。"),
    (r"(.+?) is not in the range (.+?)\.", r"\1 不在范围 \2 之内。"),
)


def usage_error_text(err: click.UsageError) -> str:
    """What click says of a usage error, in the language in force.

    The command's usage, where to find help, and the error.

    Parameters
    ----------
    err : click.UsageError
        The error.

    Returns
    -------
    str
        The lines to show on standard error.

    Examples
    --------
    >>> from zonekit.vocabulary.messages import using
    >>> with using("zh"):
    ...     print(usage_error_text(click.UsageError("Missing option '--into'.")))
    错误：缺少选项 '--into'。
    """
    message, zh = err.format_message(), language() == "zh"
    if zh:
        for pattern, said in _USAGE_ZH:
            message = re.sub(pattern, said, message, count=1)
    hint = ""
    if err.ctx is not None:
        where = f"'{err.ctx.command_path} --help'"
        hint = (
            f"{err.ctx.get_usage()}\n"
            + (f"请用 {where} 查看帮助。" if zh else f"Try {where} for help.")
            + "\n\n"
        )
    return hint + ("错误：" if zh else "Error: ") + message
