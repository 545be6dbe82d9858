"""The spec loader: startup checks name the file and the fault; validation is lenient on Toast dates, exact on
paths."""

import pytest
from werkzeug.datastructures import Headers, MultiDict

from sandbox.core.errors import BadRequest
from sandbox.core.openapi import Spec, SpecError, is_date_time, load_yaml
from sandbox.core.provider import load_spec

MINIMAL = """
openapi: 3.1.0
info: {title: t, version: '1'}
servers: [{url: /demo/v1}]
paths:
  /things/{id}:
    post:
      operationId: postThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: when, in: query, schema: {type: string, format: date-time}}
        - {name: size, in: query, schema: {type: integer, maximum: 100}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Thing'}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
components:
  schemas:
    Thing:
      type: object
      required: [guid, name, parts]
      properties:
        guid: {type: string, readOnly: true}
        name: {type: string}
        created: {type: string, format: date-time, example: 2024-03-01T00:00:00Z}
        parts:
          type: array
          items:
            type: object
            required: [quantity]
            properties:
              quantity: {type: number, minimum: 1}
"""


@pytest.mark.parametrize("text, fault", [
    ("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}", "expected an OpenAPI 3.1 document"),
    ("openapi: 3.1.0\nservers: [{url: 'https://x'}]\npaths: {}", "servers[0].url must be a base path"),
    ("openapi: 3.1.0\nservers: [{url: /x}]\npaths: {/a: {get: {responses: {}}}}", "has no operationId"),
    ("openapi: 3.1.0\nservers: [{url: /x}]\npaths: {'/a/{id}': {get: {operationId: a, responses: {}}}}",
     "declares path parameters"),
    ("openapi: [unclosed", "not valid YAML"),
])
def test_spec_faults_name_the_file_and_the_fault(text, fault):
    with pytest.raises(SpecError) as raised:
        Spec("broken.yaml", text)
    assert str(raised.value).startswith("broken.yaml: ")
    assert fault in str(raised.value)


def test_unknown_spec_file_is_named():
    with pytest.raises(SpecError, match="nope.yaml: no such spec"):
        load_spec("nope.yaml")


def test_yaml_timestamps_stay_strings():
    spec = Spec("demo.yaml", MINIMAL)
    assert spec.components["schemas"]["Thing"]["properties"]["created"]["example"] == "2024-03-01T00:00:00Z"
    assert load_yaml("when: 2024-03-01")["when"] == "2024-03-01"


@pytest.mark.parametrize("value, valid", [
    ("2024-03-01T00:00:00.000+0000", True), ("2024-03-01T00:00:00.000-0800", True), ("2024-03-01T00:00:00Z", True),
    ("2024-03-01T00:00:00+05:30", True), ("2024-02-30T00:00:00Z", False), ("2024-03-01", False),
    ("2024-03-01 00:00:00Z", False), ("yesterday", False), ("2024-03-01T25:00:00Z", False),
])
def test_lenient_date_time(value, valid):
    assert is_date_time(value) is valid


def test_request_view_drops_read_only_from_required():
    operation = Spec("demo.yaml", MINIMAL).operations[0]
    operation.validate_body({"name": "a", "parts": [{"quantity": 1}]})
    # ... while the response still requires it.
    assert operation.response_problems(200, {"name": "a", "parts": []}) == [("guid", "guid is required")]


def test_body_errors_name_every_field_path():
    operation = Spec("demo.yaml", MINIMAL).operations[0]
    with pytest.raises(BadRequest) as raised:
        operation.validate_body({"parts": [{"quantity": 1}, {"quantity": 0}, {}]})
    error = raised.value
    fields = [sub.field for sub in error.errors]
    assert fields == ["name", "parts[1].quantity", "parts[2].quantity"]
    assert "parts[1].quantity: 0 is less than the minimum of 1" in error.message


def test_parameters_are_coerced_and_checked():
    operation = Spec("demo.yaml", MINIMAL).operations[0]
    values = operation.parse_parameters({"id": "x"}, MultiDict({"size": "7", "when": "2024-03-01T00:00:00.000+0000"}),
                                        Headers())
    assert values == {"id": "x", "size": 7, "when": "2024-03-01T00:00:00.000+0000"}
    with pytest.raises(BadRequest) as raised:
        operation.parse_parameters({"id": "x"}, MultiDict({"size": "700", "when": "soon"}), Headers())
    assert sorted(e.field for e in raised.value.errors) == ["size", "when"]
    assert "query parameter size" in raised.value.message


def test_undeclared_status_is_a_response_problem():
    operation = Spec("demo.yaml", MINIMAL).operations[0]
    assert operation.response_problems(418, {}) == [("", "status 418 is not declared for postThing")]
