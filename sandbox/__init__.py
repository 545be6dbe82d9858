"""pos-sandbox: a local, stateful sandbox of restaurant POS platform APIs."""

from sandbox.app import create_app

__all__ = ["create_app"]
