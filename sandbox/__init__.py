"""pos-sandbox: a local, stateful sandbox of restaurant POS platform APIs."""

__all__ = ["create_app"]


def __getattr__(name):
    # Loaded on first use: the pytest plugin and the client import this package without needing the app.
    if name == "create_app":
        from sandbox.app import create_app
        return create_app
    raise AttributeError(f"module 'sandbox' has no attribute {name!r}")
