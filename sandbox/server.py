"""Serve an app through gunicorn: one worker (the store is in memory) with threads, and a banner when ready."""

from gunicorn.app.base import BaseApplication

from sandbox.app import create_app


def banner(app, base_url):
    """The lines printed at start: where the sandbox listens and (unless quiet) the fake credentials of its
    default world."""
    sandbox = app.extensions["sandbox"]
    world = sandbox.store.get(None)
    lines = [f"pos-sandbox is ready at {base_url}  (control API: {base_url}/_sandbox, seed {world.seed})"]
    if sandbox.config.quiet:
        return lines[0]
    for provider in sandbox.providers:
        credentials = provider.credentials(world) or {}
        for client in credentials.get("clients", []):
            lines.append(f"  toast  {client['type']:<16} clientId={client['clientId']} "
                         f"clientSecret={client['clientSecret']}  scopes={len(client['scopes'])}")
        for key in credentials.get("keys", []):
            lines.append(f"  toster key={key['key']}  scopes={','.join(key['scopes'])}")
    return "\n".join(lines)


class _Server(BaseApplication):
    def __init__(self, app, options):
        self._app = app
        self._options = options
        super().__init__()

    def load_config(self):
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):
        return self._app


def serve(config):
    """Run until interrupted; returns gunicorn's exit status."""
    app = create_app(config)
    base_url = f"http://{config.host}:{config.port}"

    def when_ready(_server):
        print(banner(app, base_url), flush=True)

    def post_worker_init(_worker):
        # Threads do not survive gunicorn's fork: the delivery worker starts in the serving process.
        app.extensions["sandbox"].webhooks.start()

    options = {
        "bind": f"{config.host}:{config.port}",
        "workers": 1,
        "worker_class": "gthread",
        "threads": config.threads,
        "preload_app": True,
        "timeout": 0,
        "graceful_timeout": 5,
        "loglevel": config.log_level,
        # At or above the sandbox's own limits (sandbox.core.guard), which answer in the provider's shape; 8190 is
        # the longest request line gunicorn allows short of no limit at all.
        "limit_request_line": 8190,
        "limit_request_fields": 400,
        "limit_request_field_size": 32768,
        "when_ready": when_ready,
        "post_worker_init": post_worker_init,
    }
    _Server(app, options).run()
    return 0
