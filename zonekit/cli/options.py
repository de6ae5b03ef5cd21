"""Options shared by several commands."""

from __future__ import annotations

import click

lang_option = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Language of table headers.",
)


def guard_out(ctx: click.Context, param: click.Parameter, value):
    """``--out`` callback: refuse, before any work, an output path that is a study."""
    from zonekit.layers.study import refuse_overwriting_study

    if value is not None:
        refuse_overwriting_study(value)
    return value
