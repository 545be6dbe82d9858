"""The sandbox describing itself from its code and specs: settings, command-line flags and every API's operations."""

import argparse
from dataclasses import MISSING, dataclass, fields

from sandbox.config import ENVIRONMENT_PREFIX, Config


@dataclass(frozen=True)
class SpecInfo:
    name: str
    title: str
    base_path: str
    description: str


@dataclass(frozen=True)
class OperationRow:
    spec: str
    method: str
    path: str
    operation_id: str
    summary: str
    served: bool
    parameters: tuple = ()    # (name, where, required, type)
    statuses: tuple = ()      # the answers the spec lists: "200", "400", "default" ...


@dataclass(frozen=True)
class Flag:
    options: str          # "--port" or "EVENT" for a positional argument
    help: str
    default: object
    dest: str


def _providers():
    from sandbox.app import PROVIDERS      # the app module imports every provider; only this needs them
    return PROVIDERS


def specs():
    """Every spec the sandbox serves, in the providers' order."""
    from sandbox.core.provider import load_spec
    found = []
    for filename in (filename for cls in _providers() for filename, _ in cls.apis):
        spec = load_spec(filename)
        info = spec.doc.get("info", {})
        found.append(SpecInfo(filename, info.get("title", filename), spec.base_path or "/",
                              " ".join(info.get("description", "").split())))
    return found


def operations(spec_name):
    """Every operation of one spec, in the spec's order, and whether the sandbox serves it (has a handler)."""
    from sandbox.core.provider import load_spec
    for cls in _providers():
        for filename, handlers in cls.apis:
            if filename == spec_name:
                return [_row(filename, op, op.operation_id in handlers) for op in load_spec(filename).operations]
    raise KeyError(f"no spec {spec_name!r}; specs: {', '.join(spec.name for spec in specs())}")


def _type(schema):
    kind = schema.get("type", "object" if "properties" in schema else "")
    kind = "|".join(kind) if isinstance(kind, list) else kind
    return f"{kind} ({schema['format']})" if schema.get("format") else kind


def _row(filename, op, served):
    parameters = tuple((p.name, p.location, p.required, _type(p.schema)) for p in op.parameters)
    return OperationRow(filename, op.method, op.full_path, op.operation_id, (op.raw.get("summary") or "").strip(),
                        served, parameters, tuple(str(code) for code in op.raw.get("responses", {})))


def _default(item):
    if item.default is not MISSING:
        return item.default
    return item.default_factory()


def settings(parser=None):
    """(setting, environment variable, command-line flags, default, doc) for every field of Config."""
    parser = parser or _cli_parser()
    flags = {}
    for _, _, found in _walk(parser):
        for flag in found:
            if flag.options.startswith("-"):
                flags.setdefault(flag.dest, set()).add(flag.options.split(",")[0].strip())
    return [(item.name, ENVIRONMENT_PREFIX + item.name.upper(), sorted(flags.get(item.name, ())), _default(item),
             item.metadata.get("doc", "")) for item in fields(Config)]


def _cli_parser():
    from sandbox.cli import build_parser
    return build_parser()


def _flags(parser):
    rows = []
    for action in parser._actions:                          # argparse keeps no public list of its arguments
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        options = ", ".join(action.option_strings) or action.metavar or action.dest.upper()
        if action.option_strings and action.nargs != 0:
            options += f" {action.metavar or action.dest.upper()}"
        if action.choices and action.option_strings:
            options = f"{', '.join(action.option_strings)} {{{','.join(action.choices)}}}"
        default = None if action.default in (None, argparse.SUPPRESS) or action.nargs == 0 else action.default
        rows.append(Flag(options, action.help or "", default, action.dest))
    return rows


def _walk(parser, prefix="", text=None):
    """(command, help, [Flag]) for the parser and every sub-command under it, depth first."""
    yield prefix, text or parser.description, _flags(parser)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                yield from _walk(sub, f"{prefix} {name}".strip(), helps.get(name))


def commands(parser=None):
    """(command, help, [Flag]) for `pos-sandbox` and each of its sub-commands."""
    return list(_walk(parser or _cli_parser()))
