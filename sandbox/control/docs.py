"""`GET /_sandbox/docs`: every spec's operations and every setting, as one self-contained page (no CDN, offline)."""

import functools
from html import escape
from urllib.parse import urlencode

from flask import Response

from sandbox import reference
from sandbox.control.home import package_version

STYLE = """body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem;color:#1b1b1b}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border-bottom:1px solid #ddd;padding:.3rem .4rem;
text-align:left;vertical-align:top}code{font:13px ui-monospace,monospace}.no{color:#a30000}.yes{color:#176f2c}
details{margin:.2rem 0}summary{cursor:pointer}nav a{margin-right:.8rem}h2{margin-top:2rem;border-top:2px solid #333;
padding-top:.6rem}@media(max-width:40rem){td:nth-child(4),th:nth-child(4){display:none}}"""


def _operation(row):
    served = '<span class="yes">served</span>' if row.served else '<span class="no">not served (501)</span>'
    params = "".join(f"<li><code>{escape(name)}</code> in {where}{', required' if required else ''}"
                     f"{f' ({escape(kind)})' if kind else ''}</li>" for name, where, required, kind in row.parameters)
    details = (f"<details><summary>parameters and answers</summary><ul>{params or '<li>no parameters</li>'}</ul>"
               f"<p>answers: {', '.join(escape(code) for code in row.statuses)}</p></details>")
    return (f'<tr id="{escape(row.spec)}-{escape(row.operation_id)}"><td><code>{row.method}</code></td>'
            f"<td><code>{escape(row.path)}</code>{details}</td><td><code>{escape(row.operation_id)}</code></td>"
            f"<td>{escape(row.summary)}</td><td>{served}</td></tr>")


def _spec_section(spec, query):
    rows = reference.operations(spec.name)
    served = sum(row.served for row in rows)
    name = escape(spec.name)
    return (f'<h2 id="{name}">{escape(spec.title)}</h2><p>{escape(spec.description)}</p><p>Base path '
            f"<code>{escape(spec.base_path)}</code>; {served} of {len(rows)} operations served; the document: "
            f'<a href="/_sandbox/specs/{name}{query}">{name}</a></p>'
            "<table><tr><th>method</th><th>path</th><th>operationId</th><th>what it does</th><th>here</th></tr>"
            + "".join(_operation(row) for row in rows) + "</table>")


def _settings_section():
    rows = "".join(f"<tr><td><code>{name}</code></td><td><code>{env}</code></td><td>"
                   f"{', '.join(f'<code>{escape(flag)}</code>' for flag in flags)}</td>"
                   f"<td><code>{escape(repr(default) if default not in (None, ()) else 'none')}</code></td>"
                   f"<td>{escape(doc)}</td></tr>" for name, env, flags, default, doc in reference.settings())
    return ('<h2 id="settings">Settings</h2><p>From the YAML file (<code>--config</code>), the environment or '
            "<code>pos-sandbox serve</code>'s flags, in increasing precedence.</p><table><tr><th>setting</th>"
            f"<th>environment</th><th>flag</th><th>default</th><th>meaning</th></tr>{rows}</table>")


@functools.lru_cache(maxsize=8)
def render(token=None):
    """The page; with the admin token given as `?token=`, its links to the documents carry it too."""
    query = escape("?" + urlencode({"token": token})) if token else ""
    specs = reference.specs()
    nav = "".join(f'<a href="#{escape(spec.name)}">{escape(spec.title)}</a>' for spec in specs)
    body = "".join(_spec_section(spec, query) for spec in specs)
    head = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>pos-sandbox API reference</title><style>{STYLE}</style></head>")
    intro = (f"<h1>pos-sandbox {escape(package_version())}: API reference</h1><p>Every operation of every OpenAPI "
             f'document this sandbox routes from, and whether it answers it. The <a href="/_sandbox/console{query}">'
             "console</a> drives the control API; the full guide is the project's docs site (<code>mkdocs serve"
             "</code> in a checkout).</p>")
    nav += '<a href="#settings">Settings</a>'
    return f"{head}<body>{intro}<nav>{nav}</nav>{body}{_settings_section()}</body></html>"


def docs_page(ctx):
    return Response(render(ctx.params.get("token")), content_type="text/html; charset=utf-8")


OPERATIONS = {"getDocs": docs_page}
