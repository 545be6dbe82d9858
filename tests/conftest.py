"""Shared fixtures: a fresh strict sandbox per test and logged-in Toast headers."""

import pytest

from helpers import HARBOR_DOWNTOWN, MESA, PARTNER, SERVERS, Menu, login, toast_headers


@pytest.fixture(scope="module", params=SERVERS)
def server(request):
    """The HTTP server under a served sandbox: every test of a real `serve` process runs on each."""
    return request.param


@pytest.fixture
def app(pos_sandbox_app):
    """A fresh strict sandbox app from the plugin (without order history unless the test's marker asks for it:
    see pyproject.toml)."""
    return pos_sandbox_app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def sandbox(app):
    return app.extensions["sandbox"]


@pytest.fixture
def world(sandbox):
    return sandbox.store.get(None)


@pytest.fixture
def partner_token(client):
    return login(client, PARTNER)


@pytest.fixture
def harbor(world):
    return Menu(world.state["toast"].catalogs[HARBOR_DOWNTOWN])


@pytest.fixture
def mesa(world):
    return Menu(world.state["toast"].catalogs[MESA])


@pytest.fixture
def headers(partner_token):
    return toast_headers(partner_token, HARBOR_DOWNTOWN)


@pytest.fixture
def mesa_headers(partner_token):
    return toast_headers(partner_token, MESA)
