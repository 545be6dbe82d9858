"""Checks an answer against Toast's published spec (../shared/reference/toast-specs), the platform's own schemas.

The published documents are Swagger 2.0 or OpenAPI 3.0; their schema objects are read as JSON Schema draft 4
(the keywords they add, `nullable`, `discriminator`, `example`, are ignored). The live platform sends `null` for
most optional fields where the published schemas name only a type, so null-valued keys are dropped before the
check: a required field must still be there with a value.
"""

import functools
import re
from pathlib import Path

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPECS = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "toast-specs"


class _Yaml12(yaml.SafeLoader):
    """YAML 1.2 booleans: only true and false (the published enums list YES and NO as strings)."""


_Yaml12.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Yaml12.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


@functools.cache
def _document(name):
    return yaml.load((SPECS / name).read_text(), Loader=_Yaml12)


def _base_path(document):
    if "basePath" in document:
        return document["basePath"].rstrip("/")
    url = document.get("servers", [{}])[0].get("url", "")
    return re.sub(r"^[a-z]+://[^/]+", "", url).rstrip("/")


@functools.cache
def _operations(name):
    """(method, compiled path pattern, template) for every operation of a published document."""
    document = _document(name)
    base = _base_path(document)
    found = []
    for template, item in document["paths"].items():
        full = base + template
        pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(full)) + "/?$")
        for method in item:
            if method in ("get", "put", "post", "patch", "delete"):
                found.append((method, pattern, template))
    return found


def response_schema(name, method, path, status):
    """The published schema of `method path` answering `status` (None when the document gives none)."""
    document = _document(name)
    path = path.split("?", 1)[0]
    matches = [t for m, p, t in _operations(name) if m == method.lower() and p.match(path)]
    assert matches, f"{method} {path} is not an operation of {name}"
    # The most specific template wins: the one with the fewest parameters (`/jobs/{id}` vs `/jobs/external`).
    template = min(matches, key=lambda t: t.count("{"))
    responses = document["paths"][template][method.lower()].get("responses", {})
    answer = responses.get(str(status)) or responses.get("default")
    assert answer is not None, f"{name} documents no {status} for {method} {template}"
    if "$ref" in answer:
        answer = _resolve(document, answer["$ref"])
    if "schema" in answer:                                   # Swagger 2.0
        return answer["schema"]
    content = answer.get("content") or {}
    media = content.get("application/json") or next(iter(content.values()), {})
    return media.get("schema")


def _resolve(document, ref):
    node = document
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def _without_nulls(value):
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


@functools.cache
def _registry(name):
    return Registry().with_resource("urn:published", Resource(contents=_document(name), specification=DRAFT4))


def assert_published(name, method, path, status, body):
    """Assert that `body` (parsed JSON) fits the published document `name`'s schema for this answer."""
    schema = response_schema(name, method, path, status)
    if schema is None:
        return
    if "$ref" in schema:
        schema = {"$ref": "urn:published" + schema["$ref"]}
    else:
        schema = _rebase(schema)
    validator = jsonschema.Draft4Validator(schema, registry=_registry(name))
    problems = sorted(validator.iter_errors(_without_nulls(body)), key=lambda e: list(e.absolute_path))
    assert not problems, "\n".join(f"{list(p.absolute_path)}: {p.message}" for p in problems[:10])


def _rebase(schema):
    """Point a schema's local references at the published document held in the registry."""
    if isinstance(schema, dict):
        return {k: ("urn:published" + v if k == "$ref" and v.startswith("#") else _rebase(v))
                for k, v in schema.items()}
    if isinstance(schema, list):
        return [_rebase(v) for v in schema]
    return schema


def published_index():
    """Every operation of every published document, as `specs/toast-published-index.yaml` lists them."""
    apis = []
    for path in sorted(SPECS.glob("*.yaml")):
        document = _document(path.name)
        base = _base_path(document)
        operations = [[method.upper(), base + template, operation.get("operationId")]
                      for template, item in document["paths"].items()
                      for method, operation in item.items() if method in ("get", "put", "post", "patch", "delete")]
        apis.append({"document": path.name, "title": document["info"]["title"], "basePath": base,
                     "operations": operations})
    return apis
