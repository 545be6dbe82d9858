"""HTTPS: `serve --tls` with a certificate made at start and verified against the CA the banner names; the user's
own pair with --cert/--key; the test kit's LiveSandbox over TLS."""

import hashlib
import os
import re
import ssl

import pytest
import requests

from serving import Served, free_port, run
from sandbox import tls
from sandbox.testing import LiveSandbox


def _trusted(banner):
    """(CA path, fingerprint) from the banner's TLS line."""
    found = re.search(r"TLS      trust (\S+)  \(certificate SHA-256 ([0-9A-F:]+)\)", banner)
    assert found, banner
    return found.groups()


def _presented_fingerprint(port):
    pem = ssl.get_server_certificate(("127.0.0.1", port))
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest().upper()


@pytest.fixture(scope="module")
def served_tls(server):
    sandbox = Served("--tls", scheme="https", server=server)
    yield sandbox
    sandbox.stop()


def test_serve_tls_is_verified_against_the_generated_ca(served_tls):
    ca, fingerprint = _trusted(served_tls.banner)
    assert f"ready at {served_tls.url}" in served_tls.banner
    for url in (served_tls.url, f"https://localhost:{served_tls.port}"):
        assert requests.get(f"{url}/_sandbox/health", verify=ca, timeout=5).json()["status"] == "ok"
    assert fingerprint.replace(":", "") == _presented_fingerprint(served_tls.port)


def test_serve_tls_is_refused_by_a_client_that_does_not_trust_the_ca(served_tls):
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"{served_tls.url}/_sandbox/health", timeout=5)


def test_the_generated_certificate_lives_as_long_as_the_process(server):
    sandbox = Served("--tls", scheme="https", server=server)
    ca, _ = _trusted(sandbox.banner)
    assert os.path.exists(ca)
    sandbox.stop()
    assert not os.path.exists(os.path.dirname(ca))


def test_tls_dir_keeps_the_files_where_asked(server, tmp_path):
    sandbox = Served("--tls-dir", str(tmp_path / "tls"), scheme="https", server=server)
    try:
        ca, _ = _trusted(sandbox.banner)
        assert ca == str(tmp_path / "tls" / "ca.pem")
        assert requests.get(f"{sandbox.url}/", verify=ca, timeout=5).json()["console"] == "/_sandbox/console"
    finally:
        sandbox.stop()
    assert sorted(os.listdir(tmp_path / "tls")) == ["ca.pem", "cert.pem", "key.pem"]
    assert os.stat(tmp_path / "tls" / "key.pem").st_mode & 0o077 == 0


def test_users_own_certificate_and_key(server, tmp_path):
    own = tls.generate(str(tmp_path))
    sandbox = Served("--cert", own.cert, "--key", own.key, scheme="https", server=server)
    try:
        assert f"trust {own.cert}" in sandbox.banner
        assert requests.get(f"{sandbox.url}/_sandbox/health", verify=own.ca, timeout=5).status_code == 200
    finally:
        sandbox.stop()


def test_a_key_that_does_not_fit_the_certificate_is_one_line(tmp_path):
    first, second = tls.generate(str(tmp_path / "a")), tls.generate(str(tmp_path / "b"))
    result = run("serve", "--cert", first.cert, "--key", second.key, "--port", str(free_port()))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"pos-sandbox: cannot serve {first.cert} with {second.key}: ")


def test_live_sandbox_serves_tls_and_hands_the_ca_to_clients(pos_sandbox_app):
    with LiveSandbox(pos_sandbox_app, tls=True) as live:
        assert live.url.startswith("https://127.0.0.1:")
        assert requests.get(f"{live.url}/_sandbox/health", verify=live.ca, timeout=5).status_code == 200
