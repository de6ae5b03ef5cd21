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
