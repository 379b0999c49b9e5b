"""Command-line options built from a command's schema (domain/command_schemas.py).

Each field becomes an option: positional where the schema says so, `--<name>` (or its
declared flags) otherwise; required when the struct has no default; integers typed
`int` and choices from the field's `Literal`, so argparse refuses a malformed command
line (exit status 2) and the struct refuses a bad value in the domain's words.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from domain.command_schemas import Cli, Command, FieldSpec, field_of, fields, parse
from domain.commands import Ledger
from domain.controls import shown
from projections import writer_checkpoint
from tui.cli.common import actor_of, lang_of, open_ledger, usage
from tui.i18n import kind_label, label, role_label


def cli_fields(schema: type[Command], binding: Cli) -> list[FieldSpec]:
    """The fields this command line command offers (not those it sets or leaves out)."""
    return [f for f in fields(schema) if "cli" in f.faces and f.name not in binding.fixed
            and f.name not in binding.omit]


def add_option(parser: argparse.ArgumentParser, f: FieldSpec) -> None:
    options: dict[str, Any] = {"help": f.help or None}
    if f.kind == "int":
        options["type"] = int
    if f.choices:
        options["choices"] = f.choices
    if f.metavar:
        options["metavar"] = f.metavar
    if f.positional:
        if f.positional == "?":
            options.update(nargs="?", default=f.default)
        parser.add_argument(f.dest, **options)
        return
    if f.kind == "bool":
        options.update(action="store_true")
    elif f.kind == "list":
        options.update(action="append", default=[])
    elif f.struct_required:
        options["required"] = True
    else:
        options["default"] = f.default
    parser.add_argument(*(f.flags or (f"--{f.name.replace('_', '-')}",)), dest=f.dest, **options)


def add_command(sub: Any, common: argparse.ArgumentParser, schema: type[Command], binding: Cli,
                handler: Any) -> argparse.ArgumentParser:
    """`jixiao record <binding.name>` with the schema's options; `handler(args)` runs it."""
    p = sub.add_parser(binding.name, parents=[common], help=binding.help, aliases=list(binding.aliases))
    for f in cli_fields(schema, binding):
        add_option(p, f)
    p.set_defaults(handler=handler, record_schema=schema, record_binding=binding)
    return p


def command_of(args: argparse.Namespace, lang: str = "zh") -> Command:
    """The parsed command line as its schema: the offered fields, then those the command sets.
    A refused value is named in `lang` with the option that gave it: 完成情况（--note）."""
    schema: type[Command] = args.record_schema
    binding: Cli = args.record_binding
    values = {f.name: getattr(args, f.dest) for f in cli_fields(schema, binding)}
    return parse(schema, {**values, **binding.fixed}, label=lambda name: option_label(field_of(schema, name), lang))


def option_label(f: FieldSpec, lang: str) -> str:
    """A field as the command line's user knows it: its label and its option."""
    option = f.metavar or f.dest if f.positional else (f.flags or (f"--{f.name.replace('_', '-')}",))[0]
    return label(f.label, lang) + (f"（{option}）" if lang != "en" else f" ({option})")


def dests(parser: argparse.ArgumentParser) -> set[str]:
    """The options a parser defines beyond `common`'s (for tests: they are the schema's)."""
    return {a.dest for a in parser._actions if a.dest != "help"}


def add_group(sub: Any, common: argparse.ArgumentParser, name: str, help_text: str,
              schemas: tuple[type[Command], ...], handler: Any) -> Any:
    """`jixiao <name> ACTION`, one action per schema binding; returns the actions' subparsers
    so a group may add its reads beside them."""
    top = sub.add_parser(name, parents=[common], help=help_text)
    actions = top.add_subparsers(dest=f"{name}_command", metavar="ACTION")
    top.set_defaults(default_handler=usage(top))
    for schema in schemas:
        for binding in schema.cli:
            add_command(actions, common, schema, binding, handler)
    return actions


def run_command(args: argparse.Namespace, **context: Any) -> int:
    """Run the parsed command as the `--as` user and say what was recorded."""
    command = command_of(args, lang_of(args))
    with open_ledger(args) as ledger:
        event = command.call(ledger, actor_of(args), source="cli", **context)
        pos = ledger.last_positions[-1] if ledger.last_positions else 0
        print(recorded(ledger, event, pos, lang_of(args)))
        # the writer keeps the shared checkpoint current, once the answer is out; the event
        # is stored whatever happens here (a busy file, a role without the table's rights)
        try:
            writer_checkpoint.refresh(ledger.store.log, ledger.store.checkpoints, pos)
        except Exception as exc:  # the next reader folds from the older checkpoint
            logging.getLogger("jixiao").warning("checkpoint not refreshed: %s", exc)
    return 0


def recorded(ledger: Ledger, event: Any, position: int, lang: str) -> str:
    """What was recorded, in words: #36 进度报告 · 易婕频（承办人）· 2021-09-30."""
    user = ledger.directory().users.get(event.actor)
    name = user.name if user is not None and user.name else event.actor
    return shown(label("cli.recorded", lang, position=position, kind=kind_label(event.kind, lang), name=name,
                       role=role_label(event.role, lang), effective=event.effective))
