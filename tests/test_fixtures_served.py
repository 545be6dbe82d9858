"""Fixtures named through the control API of a served sandbox: only shipped files and regular files inside the
operator's fixtures folder are read; paths out, devices, pipes, links out and oversized files are a 400."""

import os

import pytest
import requests

from serving import Served

LIMIT = 4096


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("fixtures")
    (root / "mine.yaml").write_text("toast: {}\ntoster: {}\n")
    (root / "nested").mkdir()
    (root / "nested" / "deep.yaml").write_text("toast: {}\n")
    (root / "large.yaml").write_text("# " + "x" * LIMIT + "\ntoast: {}\n")
    os.mkfifo(root / "pipe.yaml")
    os.symlink("/etc/hostname", root / "out.yaml")
    os.symlink(root / "mine.yaml", root / "inside.yaml")
    outside = root.parent / "outside.yaml"
    outside.write_text("toast: {}\n")
    return root


@pytest.fixture(scope="module")
def served(folder):
    sandbox = Served("--fixtures-dir", str(folder), env={"SANDBOX_MAX_FIXTURE_BYTES": str(LIMIT)})
    yield sandbox.url
    sandbox.stop()


def _create(base, name, fixtures):
    return requests.post(f"{base}/_sandbox/worlds", json={"name": name, "fixtures": fixtures}, timeout=20)


@pytest.mark.parametrize("fixtures, says", [
    ("/dev/zero", "no fixture file"), ("/etc/passwd", "no fixture file"), ("../outside.yaml", "no fixture file"),
    ("nested/../../outside.yaml", "no fixture file"), ("pipe.yaml", "not a regular file"),
    ("out.yaml", "no fixture file"), ("large.yaml", "larger than 4096 bytes"), ("nested", "not a regular file"),
    ("setup.cfg", "no fixture file"), ("/proc/self/environ", "no fixture file"), ("", "fixtures"),
    ("..", "no fixture file"), ("scenarios/../default.yaml", "no fixture file"),
])
def test_fixtures_outside_the_allowed_folders_are_refused(served, fixtures, says):
    before = _names(served)
    response = _create(served, "refused", fixtures)
    assert response.status_code == 400, response.text
    error = response.json()
    assert says in error["error"] and "fixture" in error["error"]
    assert _names(served) == before


def _names(base):
    return [world["name"] for world in requests.get(f"{base}/_sandbox/worlds", timeout=10).json()]


@pytest.mark.parametrize("fixtures", ["default.yaml", "mine.yaml", "nested/deep.yaml", "inside.yaml"])
def test_shipped_files_and_files_of_the_folder_make_worlds(served, fixtures):
    name = "from-" + fixtures.replace("/", "-").replace(".", "-")
    response = _create(served, name, fixtures)
    assert response.status_code == 201, response.text
    assert requests.delete(f"{served}/_sandbox/worlds/{name}", timeout=10).status_code == 204


def test_without_a_folder_only_shipped_fixtures_are_read(tmp_path):
    own = tmp_path / "own.yaml"
    own.write_text("toast: {}\n")
    sandbox = Served()
    try:
        assert _create(sandbox.url, "own", str(own)).status_code == 400
        assert _create(sandbox.url, "shipped", "default.yaml").status_code == 201
    finally:
        sandbox.stop()
