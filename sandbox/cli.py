"""The `pos-sandbox` command: serve the sandbox, print a seeded world, or drive a running one."""

import argparse
import difflib
import json
import os
import sys
from urllib.parse import urlsplit

from sandbox.config import load_config
from sandbox.control.home import package_version
from sandbox.control.remote import ControlError, call
from sandbox.core.guard import TOKEN_HEADER
from sandbox.core.openapi import SpecError
from sandbox.toast.triggers import AVAILABILITY_EVENTS, STOCK_EVENTS
from sandbox.toster.triggers import EVENTS as TOSTER_EVENTS

DEFAULT_URL = "http://127.0.0.1:8080"
TOAST_EVENTS = ("order_updated", "menus_updated", "partner_added", "partner_updated", "partner_removed",
                *STOCK_EVENTS, *AVAILABILITY_EVENTS)


def _sandbox_url(text):
    """--url: an http(s) URL with a host (a bare `localhost:8080` is a common slip)."""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise argparse.ArgumentTypeError(f"{text!r} is not an http(s) URL; write it with its scheme, "
                                         f"e.g. http://{text.split('://')[-1] or 'localhost:8080'}")
    return text.rstrip("/")


def _at_least_one(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not allowed: a rule fires at least once "
                                         f"(leave --times out for no limit)")
    return value


def _event(text):
    known = TOAST_EVENTS + TOSTER_EVENTS
    if text not in known:
        close = difflib.get_close_matches(text, known, n=3, cutoff=0.5)
        hint = f"did you mean {' or '.join(close)}?" if close else f"events: {', '.join(known)}"
        raise argparse.ArgumentTypeError(f"no event {text!r}; {hint}")
    return text


def _add_world_options(parser):
    parser.add_argument("--seed", type=int, help="seed of the world (default 1)")
    parser.add_argument("--fixtures", help="fixture file: a path, or the name of a shipped one (default.yaml)")
    parser.add_argument("--start-time", dest="start_time", help="pin the clock's start, ISO-8601 (default: now)")
    parser.add_argument("--history-days", dest="history_days", type=int,
                        help="days of seeded order history (default: the fixture's, 30)")
    parser.add_argument("--config", help="YAML config file (settings by name: see the docs' Configuration page)")


def _add_url(parser):
    parser.add_argument("--url", type=_sandbox_url, default=DEFAULT_URL,
                        help=f"base URL of the running sandbox (default {DEFAULT_URL})")
    _add_token(parser)


def _add_token(parser):
    parser.add_argument("--admin-token", dest="admin_token", default=os.environ.get("SANDBOX_ADMIN_TOKEN"),
                        help="the running sandbox's admin token (default: $SANDBOX_ADMIN_TOKEN)")


def _headers(args):
    """What every control call of a command sends: the admin token and the world (`--world`), when given."""
    headers = {TOKEN_HEADER: args.admin_token} if args.admin_token else {}
    if getattr(args, "world", None):
        headers["X-Sandbox-World"] = args.world
    return headers


def _add_serve(commands):
    serve = commands.add_parser("serve", help="serve the sandbox over HTTP(S) (granian or gunicorn, one worker, "
                                                   "threads)")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to bind (default 8080)")
    serve.add_argument("--threads", type=int, help="most requests served at once, each on a thread (default 64)")
    serve.add_argument("--server", choices=("granian", "gunicorn"),
                       help="the HTTP server under the app (default granian; gunicorn stays supported)")
    serve.add_argument("--strict", action="store_true", default=None,
                       help="check every response against the spec (a mismatch becomes a 500)")
    serve.add_argument("--frozen", action="store_true", default=None,
                       help="start with the clock frozen (it moves only through the control API)")
    serve.add_argument("--scenario", dest="scenarios", action="append",
                       help="switch a scenario preset on at start (repeatable)")
    serve.add_argument("--log-format", dest="log_format", choices=("text", "json"),
                       help="access log: one readable line per request (text, default) or JSON lines")
    serve.add_argument("--tls", action="store_true", default=None,
                       help="serve HTTPS with a certificate made at start (its CA is printed in the banner)")
    serve.add_argument("--tls-dir", dest="tls_dir",
                       help="serve HTTPS and write ca.pem, cert.pem and key.pem here (with --tls alone: a temporary "
                            "folder removed at exit)")
    serve.add_argument("--cert", dest="tls_cert", help="serve HTTPS with your own certificate (PEM; needs --key)")
    serve.add_argument("--key", dest="tls_key", help="the private key of --cert (PEM)")
    serve.add_argument("--world-file", dest="world_file",
                       help="start the default world from a file saved with `pos-sandbox snapshot save`")
    serve.add_argument("--fixtures-dir", dest="fixtures_dir",
                       help="a folder of fixture files that worlds created through the control API may name")
    serve.add_argument("--admin-token", dest="admin_token",
                       help="require this token on every control API call and the console (set it when exposed)")
    serve.add_argument("--allowed-host", dest="allowed_hosts", action="append",
                       help="a host name clients may use besides localhost and IP addresses (repeatable)")
    serve.add_argument("--webhook-host", dest="webhook_hosts", action="append",
                       help="a host webhooks may be sent to besides loopback (repeatable)")
    serve.add_argument("--webhook-any-host", dest="webhook_any_host", action="store_true", default=None,
                       help="let webhook subscriptions target any host")
    serve.add_argument("--quiet", action="store_true", default=None,
                       help="print only the address at start, not the world's credentials")
    serve.add_argument("--shards", type=int,
                       help="run N sandbox processes behind the system's HAProxy, each world on one of them")
    serve.add_argument("--state-dir", dest="state_dir",
                       help="keep every world in this folder across restarts (saved as worlds change and at stop)")
    serve.add_argument("--state-interval", dest="state_interval", type=float,
                       help="seconds between saves of changed worlds to --state-dir (default 2)")
    _add_world_options(serve)


def _add_snapshot(commands):
    snapshot = commands.add_parser("snapshot", help="save a running sandbox's world to a JSON file, or load one")
    files = snapshot.add_subparsers(dest="action", required=True)
    save = files.add_parser("save", help="write the world (data, clock, settings) to FILE")
    load = files.add_parser("load", help="replace the world with the one saved in FILE")
    for parser in (save, load):
        parser.add_argument("file", help="the JSON file")
        parser.add_argument("--world", help="the world to save, or to load into (default: default)")
        _add_url(parser)


def _add_scenario(commands):
    scenario = commands.add_parser("scenario", help="switch failure scenarios of a running sandbox on and off")
    actions = scenario.add_subparsers(dest="action", required=True)
    on = actions.add_parser("on", help="switch a preset on")
    on.add_argument("preset", help="preset name (`scenario list` shows them)")
    on.add_argument("--times", type=_at_least_one, help="each rule fires this many times, then retires "
                                                        "(default: no limit)")
    off = actions.add_parser("off", help="switch one rule (by id) or --all off")
    off.add_argument("id", nargs="?", help="rule id, as `scenario list` shows it (e.g. sc-1)")
    off.add_argument("--all", action="store_true", help="switch every rule off")
    listed = actions.add_parser("list", help="active rules and the presets")
    for parser in (on, off, listed):
        _add_url(parser)


def build_parser():
    parser = argparse.ArgumentParser(prog="pos-sandbox", description="A local sandbox of restaurant POS APIs.")
    parser.add_argument("--version", action="version", version=f"pos-sandbox {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    _add_serve(commands)
    seed = commands.add_parser("seed", help="print the seeded world as JSON (same seed and start, same bytes)")
    _add_world_options(seed)
    trigger = commands.add_parser("trigger", help="make a running sandbox emit a webhook event (a real change)")
    trigger.add_argument("event", type=_event, help=f"Toast: {', '.join(TOAST_EVENTS)}; "
                                                    f"Toster: {', '.join(TOSTER_EVENTS)}")
    trigger.add_argument("--restaurant", help="restaurant GUID (default: the world's first)")
    trigger.add_argument("--client", dest="client_id", help="partner clientId for partner_* events")
    _add_url(trigger)
    _add_scenario(commands)
    _add_snapshot(commands)
    availability = commands.add_parser("availability", help="take a restaurant's online ordering offline or bring "
                                                            "it online (records the availability event)")
    availability.add_argument("restaurant", help="restaurant GUID")
    availability.add_argument("status", type=str.upper, choices=("ONLINE", "OFFLINE"), help="online or offline")
    _add_url(availability)
    health = commands.add_parser("health", help="exit 0 when a sandbox answers its health check (Docker uses it)")
    health.add_argument("--url", type=_sandbox_url,
                        help="base URL (default: loopback at the configured port, https with --tls)")
    health.add_argument("--config", help="YAML config file (for the port and TLS settings)")
    _add_token(health)
    return parser


def _print_json(body):
    print(json.dumps(body, indent=1))


def _scenario(args):
    if args.action == "on":
        body = {"preset": args.preset, **({"times": args.times} if args.times is not None else {})}
        _print_json(call(args.url, "POST", "/scenarios", body, headers=_headers(args)))
    elif args.action == "off":
        if args.all == bool(args.id):
            print("pos-sandbox: say `scenario off ID` or `scenario off --all`", file=sys.stderr)
            return 2
        active = call(args.url, "GET", "/scenarios", headers=_headers(args))["active"] if args.all else []
        ids = [rule["id"] for rule in active] if args.all else [args.id]
        call(args.url, "DELETE", "/scenarios" if args.all else f"/scenarios/{args.id}",
             headers=_headers(args))
        print(f"switched off {len(ids)} rule{'s' * (len(ids) != 1)}{': ' if ids else ''}{', '.join(ids)}")
    else:
        _print_json(call(args.url, "GET", "/scenarios", headers=_headers(args)))
    return 0


def _trigger(args):
    body = {"event": args.event}
    if args.restaurant:
        body["restaurant"] = args.restaurant
    if args.client_id:
        body["clientId"] = args.client_id
    _print_json(call(args.url, "POST", "/trigger", body, headers=_headers(args)))
    return 0


def _availability(args):
    answer = call(args.url, "PUT", f"/restaurants/{args.restaurant}/availability", {"status": args.status},
                  headers=_headers(args))
    changed = "recorded " + f"availability_{args.status.lower()}" if answer["eventGuid"] else "already so"
    print(f"{answer['restaurantGuid']} is {answer['status']} ({changed})")
    return 0


def _snapshot(args):
    """`snapshot save FILE` writes the world's export; `snapshot load FILE` imports it."""
    if args.action == "save":
        document = call(args.url, "GET", "/export", headers=_headers(args))
        with open(args.file, "w", encoding="utf-8") as handle:
            json.dump(document, handle)
        print(f"saved world {document['world']} to {args.file}")
        return 0
    try:
        with open(args.file, "rb") as handle:
            document = handle.read()
    except OSError as exc:
        raise ControlError(f"cannot read {args.file}: {exc.strerror}", 2) from exc
    answer = call(args.url, "POST", "/import", data=document, headers=_headers(args))
    print(f"loaded {args.file} into world {answer['world']} (clock {answer['now']})")
    return 0


def _health(args):
    """Liveness of a sandbox on this machine; its own certificate is not checked (loopback only)."""
    url = args.url
    if url is None:
        try:
            config = load_config({"config": args.config})
        except ValueError as exc:
            raise ControlError(str(exc), 2) from exc
        url = f"{'https' if config.tls or config.tls_cert or config.tls_dir else 'http'}://127.0.0.1:{config.port}"
    answer = call(url, "GET", "/health", verify=False, headers=_headers(args))
    print(f"{url}: {answer['status']}, world {answer['world']}, {answer['now']}")
    return 0


def _overrides(args):
    keys = ("host", "port", "threads", "strict", "frozen", "seed", "fixtures", "start_time", "history_days", "config",
            "scenarios", "log_format", "tls", "tls_dir", "tls_cert", "tls_key", "world_file", "fixtures_dir",
            "admin_token", "allowed_hosts", "webhook_hosts", "webhook_any_host", "quiet", "shards", "state_dir",
            "state_interval", "server")
    return {key: getattr(args, key, None) for key in keys}


def _remote(args):
    """`trigger`, `scenario`, `snapshot`, `availability` and `health`: errors of the control API (or of reaching
    it) as one line, exit 1 or 2."""
    try:
        commands = {"trigger": _trigger, "scenario": _scenario, "snapshot": _snapshot, "health": _health,
                    "availability": _availability}
        return commands[args.command](args)
    except ControlError as exc:
        print(f"pos-sandbox: {exc}", file=sys.stderr)
        return exc.exit_code


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.command in ("trigger", "scenario", "snapshot", "health", "availability"):
        return _remote(args)
    try:
        config = load_config(_overrides(args))
        if args.command == "seed":
            from sandbox.app import Sandbox
            from sandbox.core.store import export_world
            sandbox = Sandbox(config)
            json.dump(export_world(sandbox.store.get(None)), sys.stdout, indent=1, sort_keys=True)
            sys.stdout.write("\n")
            return 0
        if config.shards > 1:
            from sandbox.cluster.supervisor import serve_shards
            return serve_shards(config, sys.argv[1:] if argv is None else argv)
        from sandbox.server import serve
        return serve(config)
    except (ValueError, SpecError, OSError) as exc:
        print(f"pos-sandbox: {exc}", file=sys.stderr)
        return 2
