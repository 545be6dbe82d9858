"""The `pos-sandbox` command: serve the sandbox, or print a seeded world."""

import argparse
import json
import sys

from sandbox.config import load_config
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
    serve.add_argument("--threads", type=int, help="request threads (default 8)")
    serve.add_argument("--strict", action="store_true", default=None,
                       help="check every response against the spec (a mismatch becomes a 500)")
    _add_world_options(serve)
    seed = commands.add_parser("seed", help="print the seeded world as JSON (same seed and start, same bytes)")
    _add_world_options(seed)
    return parser


def _overrides(args):
    keys = ("host", "port", "threads", "strict", "seed", "fixtures", "start_time", "history_days", "config")
    return {key: getattr(args, key, None) for key in keys}


def main(argv=None):
    args = build_parser().parse_args(argv)
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
