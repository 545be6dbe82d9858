"""A world by base URL: `/worlds/<name>/...` serves every path of that world as the root serves the default one."""

from sandbox.core.errors import BadRequest

PREFIX = "/worlds/"
WORLD_HEADER = "X-Sandbox-World"
ENVIRON_KEY = "sandbox.world"
ENVIRON_ROOT = "sandbox.root"        # the script root above `/worlds/<name>` (empty when served at the host's root)
CONFLICT = "The base URL names world {path!r} but {header} names {header_value!r}: send one, or the same"


class WorldPaths:
    """WSGI middleware: moves `/worlds/<name>` from the path to the script root, so routing, `request.path` and
    everything built from `request.base_url` or `request.url_root` (Link headers, page links) keep the world's
    base; the name is left in the environ for `world_name`."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        environ[ENVIRON_ROOT] = environ.get("SCRIPT_NAME", "")
        if path.startswith(PREFIX):
            name, slash, rest = path[len(PREFIX):].partition("/")
            if name:
                environ[ENVIRON_KEY] = _utf8(name)
                environ["SCRIPT_NAME"] = f"{environ[ENVIRON_ROOT]}{PREFIX}{name}"
                environ["PATH_INFO"] = slash + rest if slash else "/"
        return self.app(environ, start_response)


def _utf8(segment):
    """A path segment as the UTF-8 text it was sent in: PEP 3333 servers hand over the URL's bytes as latin-1
    (gunicorn, werkzeug); granian has decoded them already."""
    try:
        return segment.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return segment


def world_name(req):
    """The world a request names, by base URL or header (None: the default world); 400 when the two disagree."""
    by_path = req.environ.get(ENVIRON_KEY)
    header = req.headers.get(WORLD_HEADER)
    if by_path is None:
        return header
    if header and header != by_path:
        raise BadRequest(CONFLICT.format(path=by_path, header=WORLD_HEADER, header_value=header), field=WORLD_HEADER)
    return by_path


def base_url(req, name):
    """The base URL of world `name` as this request reached the sandbox (its scheme, host and mount point)."""
    return f"{req.host_url.rstrip('/')}{req.environ.get(ENVIRON_ROOT, '')}{PREFIX}{name}"
