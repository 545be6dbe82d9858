"""The image's commands, run here exactly as the Dockerfile writes them (no Docker engine is needed): the
dependency layer, the server command and the health check that follows SANDBOX_PORT."""

import json
import os
import re
import subprocess
import sys
import time
from importlib.metadata import PackageNotFoundError, version

import pytest

from serving import free_port

ROOT = os.path.join(os.path.dirname(__file__), "..")
DOCKERFILE = open(os.path.join(ROOT, "Dockerfile"), encoding="utf-8").read()


def _exec_form(instruction):
    """The JSON command of a Dockerfile instruction (CMD, or HEALTHCHECK ... CMD), with `python` as this one."""
    found = re.search(rf"^{instruction} (?:.* )?CMD (\[.*\])$" if instruction != "CMD" else r"^CMD (\[.*\])$",
                      DOCKERFILE, re.M)
    command = json.loads(found.group(1))
    return [sys.executable if part == "python" else part for part in command]


def _image_environment():
    """The ENV of the final stage, as `docker run` would set it."""
    block = re.findall(r"^ENV ((?:.*\\\n)*.*)$", DOCKERFILE, re.M)[-1].replace("\\\n", " ")
    return dict(pair.split("=", 1) for pair in block.split())


def test_dependencies_layer_lists_every_requirement_of_setup_cfg():
    run = re.search(r"RUN python /tmp/deps/dependencies.py /tmp/deps/setup.cfg", DOCKERFILE)
    assert run, "the dependency layer must be built from setup.cfg by .ci/dependencies.py"
    assert DOCKERFILE.index("COPY setup.cfg .ci/dependencies.py") < DOCKERFILE.index("--mount=type=bind,from=wheel")
    listed = subprocess.run([sys.executable, os.path.join(ROOT, ".ci", "dependencies.py"),
                             os.path.join(ROOT, "setup.cfg")], capture_output=True, text=True, check=True)
    names = [re.split(r"[\[<>=!~; ]", line, maxsplit=1)[0] for line in listed.stdout.split()]
    assert {"flask", "gunicorn", "prometheus-client", "cryptography"} <= set(names)
    missing = []
    for name in names:
        try:
            version(name)
        except PackageNotFoundError:
            missing.append(name)
    assert missing == []


def test_dockerignore_keeps_environments_tests_benches_and_docs_out():
    ignored = {line.strip() for line in open(os.path.join(ROOT, ".dockerignore"), encoding="utf-8")
               if line.strip() and not line.startswith("#")}
    assert {".git", ".venv", "venv", "**/.venv", "tests", "bench", "docs"} <= ignored


@pytest.fixture
def image_environment():
    environment = _image_environment()
    assert environment["SANDBOX_HOST"] == "0.0.0.0" and environment["SANDBOX_PORT"] == "8080"
    # Loopback only in tests, on a free port: what `docker run -e SANDBOX_PORT=...` would change.
    return {**os.environ, **environment, "SANDBOX_HOST": "127.0.0.1", "SANDBOX_PORT": str(free_port()),
            "SANDBOX_HISTORY_DAYS": "0", "PYTHONUNBUFFERED": "1"}


def test_server_command_and_health_check_follow_the_port(image_environment):
    health = _exec_form("HEALTHCHECK")
    assert subprocess.run(health, env=image_environment, capture_output=True, timeout=30).returncode == 2
    server = subprocess.Popen(_exec_form("CMD"), env=image_environment, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            checked = subprocess.run(health, env=image_environment, capture_output=True, text=True, timeout=30)
            if checked.returncode == 0:
                break
            time.sleep(0.2)
        assert checked.returncode == 0, checked.stderr
        assert checked.stdout.startswith(f"http://127.0.0.1:{image_environment['SANDBOX_PORT']}: ok, world default")
    finally:
        server.terminate()
        server.wait(10)
