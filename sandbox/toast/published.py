"""Toast's published operations (`specs/toast-published-index.yaml`): the coverage page's list, and the path prefixes
that are Toast's even where no operation of ours serves them."""

import functools
import re
from importlib import resources

from sandbox.core.openapi import load_yaml

# Paths of the platform's older APIs that clients still call (the deprecated `/usermgmt/v1/oauth/token` login).
LEGACY_PREFIXES = ("/usermgmt",)


@functools.lru_cache(maxsize=None)
def index():
    """Every published API: document, title, basePath and its [method, path, operationId] operations."""
    text = resources.files("sandbox").joinpath("specs", "toast-published-index.yaml").read_text(encoding="utf-8")
    return load_yaml(text)["apis"]


@functools.lru_cache(maxsize=None)
def prefixes():
    """The first path segment of every published operation (`/orders`, `/stock`, `/era` ...), and the legacy ones."""
    return tuple(sorted({"/" + path.split("/")[1] for api in index() for _, path, _ in api["operations"]}
                        | set(LEGACY_PREFIXES)))


def _shape(path):
    """A path template with its parameter names blanked (`/orders/{guid}` and `/orders/{orderGuid}` are one)."""
    return re.sub(r"\{[^}]+\}", "{}", path.rstrip("/"))


def coverage(served):
    """Every published operation and whether one of `served` ((method, path template) pairs) answers it."""
    shapes = {(method, _shape(path)) for method, path in served}
    return [{"document": api["document"], "title": api["title"], "operationId": operation_id, "method": method,
             "path": path, "served": (method, _shape(path)) in shapes}
            for api in index() for method, path, operation_id in api["operations"]]
