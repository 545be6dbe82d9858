"""The `pos-sandbox` command: serve the sandbox, or print a seeded world."""

import argparse
import json
import os
import sys

from sandbox.config import load_config
from sandbox.core.guard import TOKEN_HEADER
from sandbox.core.openapi import SpecError


def _add_world_options(parser):
    parser.add_argument("--seed", type=int, help="seed of the world (default 1)")
    parser.add_argument("--fixtures", help="fixture file: a path, or the name of a shipped one (default.yaml)")
    parser.add_argument("--start-time", dest="start_time", help="pin the clock's start, ISO-8601 (default: now)")
    parser.add_argument("--history-days", dest="history_days", type=int,
                        help="days of seeded order history (default: the fixture's, 30)")
    parser.add_argument("--config", help="YAML config file")


def build_parser():
    parser = argparse.ArgumentParser(prog="pos-sandbox", description="A local sandbox of restaurant POS APIs.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the sandbox over HTTP (gunicorn, one worker, threads)")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to bind (default 8080)")
    serve.add_argument("--threads", type=int, help="most requests served at once, each on a thread (default 64)")
    serve.add_argument("--strict", action="store_true", default=None,
                       help="check every response against the spec (a mismatch becomes a 500)")
    serve.add_argument("--scenario", dest="scenarios", action="append",
                       help="switch a scenario preset on at start (repeatable)")
    serve.add_argument("--world-file", dest="world_file",
                       help="start the default world from a file saved with `pos-sandbox snapshot save`")
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
    _add_world_options(serve)
    seed = commands.add_parser("seed", help="print the seeded world as JSON (same seed and start, same bytes)")
    _add_world_options(seed)
    trigger = commands.add_parser("trigger", help="make a running sandbox emit a webhook event (a real change)")
    trigger.add_argument("event", help="Toast: order_updated, menus_updated, partner_added, partner_updated, "
                                       "partner_removed, in_stock, out_of_stock, low_quantity; Toster: "
                                       "order.created, order.<status>, customer.created, review.submitted, "
                                       "loyalty.awarded")
    trigger.add_argument("--restaurant", help="restaurant GUID (default: the world's first)")
    trigger.add_argument("--client", dest="client_id", help="partner clientId for partner_* events")
    scenario = commands.add_parser("scenario", help="switch failure scenarios of a running sandbox on and off")
    actions = scenario.add_subparsers(dest="action", required=True)
    on = actions.add_parser("on", help="switch a preset on")
    on.add_argument("preset")
    on.add_argument("--times", type=int, help="each rule fires this many times, then retires")
    off = actions.add_parser("off", help="switch one rule (by id) or --all off")
    off.add_argument("id", nargs="?")
    off.add_argument("--all", action="store_true")
    actions.add_parser("list", help="active rules and the presets")
    snapshot = commands.add_parser("snapshot", help="save a running sandbox's world to a JSON file, or load one")
    files = snapshot.add_subparsers(dest="action", required=True)
    save = files.add_parser("save", help="write the world (data, clock, settings) to FILE")
    load = files.add_parser("load", help="replace the world with the one saved in FILE")
    for parser_ in (save, load):
        parser_.add_argument("file")
        parser_.add_argument("--world", help="the world to save or load into (default: default)")
    for parser_ in (trigger, on, off, actions.choices["list"], save, load):
        parser_.add_argument("--url", default="http://127.0.0.1:8080", help="the running sandbox")
        parser_.add_argument("--admin-token", dest="admin_token", default=os.environ.get("SANDBOX_ADMIN_TOKEN"),
                             help="the running sandbox's admin token (default: $SANDBOX_ADMIN_TOKEN)")
    return parser


def _call(args, method, path, headers=None, **kwargs):
    """A control API call to the running sandbox, in the world `--world` names."""
    import requests
    world = getattr(args, "world", None)
    headers = {**(headers or {}), **({"X-Sandbox-World": world} if world else {}),
               **({TOKEN_HEADER: args.admin_token} if args.admin_token else {})}
    return requests.request(method, f"{args.url.rstrip('/')}/_sandbox{path}", timeout=60, headers=headers,
                            **kwargs)


def _control(args, method, path, body=None):
    """Call the control API of a running sandbox and print its JSON answer; exit 1 on an error status."""
    response = _call(args, method, path, json=body)
    if response.content:
        print(json.dumps(response.json(), indent=1))
    return 0 if response.ok else 1


def _snapshot(args):
    """`snapshot save FILE` writes the world's export; `snapshot load FILE` imports it."""
    if args.action == "save":
        response = _call(args, "GET", "/export")
        if response.ok:
            with open(args.file, "wb") as handle:
                handle.write(response.content)
            print(f"saved world {response.json()['world']} to {args.file}")
            return 0
    else:
        try:
            with open(args.file, "rb") as handle:
                document = handle.read()
        except OSError as exc:
            print(f"pos-sandbox: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
            return 2
        response = _call(args, "POST", "/import", data=document, headers={"Content-Type": "application/json"})
        if response.ok:
            print(f"loaded {args.file} into world {response.json()['world']} (clock {response.json()['now']})")
            return 0
    print(f"pos-sandbox: {response.json().get('error', response.text)}", file=sys.stderr)
    return 1


def _scenario(args):
    if args.action == "on":
        return _control(args, "POST", "/scenarios", {"preset": args.preset, **({"times": args.times}
                                                                                if args.times else {})})
    if args.action == "off":
        if args.all == bool(args.id):
            print("pos-sandbox: say `scenario off ID` or `scenario off --all`", file=sys.stderr)
            return 2
        return _control(args, "DELETE", "/scenarios" if args.all else f"/scenarios/{args.id}")
    return _control(args, "GET", "/scenarios")


def _trigger(args):
    body = {"event": args.event}
    if args.restaurant:
        body["restaurant"] = args.restaurant
    if args.client_id:
        body["clientId"] = args.client_id
    return _control(args, "POST", "/trigger", body)


def _overrides(args):
    keys = ("host", "port", "threads", "strict", "seed", "fixtures", "start_time", "history_days", "config",
            "scenarios", "world_file", "admin_token", "allowed_hosts", "webhook_hosts", "webhook_any_host", "quiet")
    return {key: getattr(args, key, None) for key in keys}


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.command in ("trigger", "scenario", "snapshot"):
        try:
            return {"trigger": _trigger, "scenario": _scenario, "snapshot": _snapshot}[args.command](args)
        except OSError as exc:
            print(f"pos-sandbox: cannot reach {args.url}: {exc}", file=sys.stderr)
            return 2
    try:
        config = load_config(_overrides(args))
        if args.command == "seed":
            from sandbox.app import Sandbox
            from sandbox.core.store import export_world
            sandbox = Sandbox(config)
            json.dump(export_world(sandbox.store.get(None)), sys.stdout, indent=1, sort_keys=True)
            sys.stdout.write("\n")
            return 0
        from sandbox.server import serve
        return serve(config)
    except (ValueError, SpecError, OSError) as exc:
        print(f"pos-sandbox: {exc}", file=sys.stderr)
        return 2
