"""MkDocs hook: a `<!-- reference: WHAT -->` line in a page becomes a table generated from the code and the specs."""

import re

from mkdocs.exceptions import PluginError

from sandbox import reference

MARKER = re.compile(r"^<!-- reference: (?P<what>[\w-]+)(?: (?P<arg>[\w.-]+))? -->$", re.MULTILINE)


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def _default(value):
    if value in (None, ()):
        return "none"
    return f"`{str(value).lower() if isinstance(value, bool) else value}`"


def settings(_):
    lines = ["| setting | environment | flag | default | meaning |", "|---|---|---|---|---|"]
    for name, env, flags, default, doc in reference.settings():
        flag = ", ".join(f"`{f}`" for f in flags) or "-"
        lines.append(f"| `{name}` | `{env}` | {flag} | {_default(default)} | {_cell(doc)} |")
    return "\n".join(lines)


def _flag_default(flag, settings):
    """A flag that sets a setting defaults to the setting (file, environment, built-in); others to the parser's."""
    if flag.dest in settings:
        return f"setting [`{flag.dest}`](configuration.md) ({_default(settings[flag.dest])})"
    return _default(flag.default)


def cli(_):
    settings = {name: default for name, _, _, default, _ in reference.settings()}
    parts = []
    for name, text, flags in reference.commands():
        parts += [f"### `pos-sandbox{' ' + name if name else ''}`", "", _cell(text or ""), ""]
        if flags:
            parts += ["| argument | meaning | default |", "|---|---|---|"]
            parts += [f"| `{_cell(f.options)}` | {_cell(f.help)} | {_flag_default(f, settings)} |" for f in flags]
            parts.append("")
    return "\n".join(parts)


def operations(spec):
    try:
        rows = reference.operations(spec)
    except KeyError as exc:
        raise PluginError(str(exc)) from exc
    served = sum(row.served for row in rows)
    missing = " (an operation not served answers 501)" if served < len(rows) else ""
    lines = [f"{served} of {len(rows)} operations of `{spec}` are served{missing}.", "",
             "| method | path | operationId | what it does | served |", "|---|---|---|---|---|"]
    lines += [f"| {row.method} | `{row.path}` | `{row.operation_id}` | {_cell(row.summary)} | "
              f"{'yes' if row.served else '**no**'} |" for row in rows]
    return "\n".join(lines)


GENERATORS = {"settings": settings, "cli": cli, "operations": operations}


def on_page_markdown(markdown, page, **_):
    def generate(match):
        what, arg = match.group("what"), match.group("arg")
        if what not in GENERATORS:
            raise PluginError(f"{page.file.src_path}: no reference {what!r}; known: {', '.join(GENERATORS)}")
        return GENERATORS[what](arg)
    return MARKER.sub(generate, markdown)
