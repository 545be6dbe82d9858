"""HTTPS for the sandbox: a local CA and a server certificate made at start, or the user's own pair."""

import atexit
import datetime
import ipaddress
import os
import shutil
import ssl
import tempfile
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# Names every local client uses; the bound host is added when it is a specific one.
LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")
VALID_DAYS = 30


@dataclass(frozen=True)
class Certificate:
    """Files of a served certificate: `ca` is what clients trust (the certificate itself for a user's own)."""

    cert: str
    key: str
    ca: str

    @property
    def fingerprint(self):
        """SHA-256 of the served certificate, as `AB:CD:...`."""
        with open(self.cert, "rb") as handle:
            certificate = x509.load_pem_x509_certificate(handle.read())
        return certificate.fingerprint(hashes.SHA256()).hex(":").upper()

    def server_context(self):
        """An SSLContext that serves this certificate."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "pos-sandbox"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _alternative_name(host):
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _build(subject, issuer, public_key, signing_key, extensions):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(days=VALID_DAYS)))
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(signing_key, hashes.SHA256())


def generate(directory, hosts=()):
    """Write ca.pem, cert.pem (server certificate then CA) and key.pem into `directory` for LOCAL_NAMES + hosts."""
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("pos-sandbox local CA")
    ca_public = ca_key.public_key()
    ca = _build(ca_name, ca_name, ca_public, ca_key, [
        (x509.BasicConstraints(ca=True, path_length=0), True),
        (x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                       data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                       encipher_only=False, decipher_only=False), True),
        (x509.SubjectKeyIdentifier.from_public_key(ca_public), False)])
    names = list(dict.fromkeys([*LOCAL_NAMES, *(h for h in hosts if h and h not in ("0.0.0.0", "::"))]))
    server = _build(_name("localhost"), ca_name, key.public_key(), ca_key, [
        (x509.SubjectAlternativeName([_alternative_name(h) for h in names]), False),
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False),
        (x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_public), False)])
    os.makedirs(directory, exist_ok=True)
    files = Certificate(os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem"),
                        os.path.join(directory, "ca.pem"))
    ca_pem = ca.public_bytes(serialization.Encoding.PEM)
    _write(files.ca, ca_pem)
    _write(files.cert, server.public_bytes(serialization.Encoding.PEM) + ca_pem)
    _write(files.key, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()), private=True)
    return files


def _write(path, data, private=False):
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def temporary(hosts=()):
    """A certificate in a new temporary folder, removed when the process that made it exits."""
    directory = tempfile.mkdtemp(prefix="pos-sandbox-tls-")
    owner = os.getpid()
    # Forked children (gunicorn's worker) run atexit too: only the process that made the folder removes it.
    atexit.register(lambda: os.getpid() == owner and shutil.rmtree(directory, ignore_errors=True))
    return generate(directory, hosts)


def for_config(config):
    """The Certificate that `serve` uses for a Config, or None for plain HTTP."""
    if config.tls_cert:
        return Certificate(config.tls_cert, config.tls_key, config.tls_cert)
    if not (config.tls or config.tls_dir):
        return None
    return generate(config.tls_dir, [config.host]) if config.tls_dir else temporary([config.host])
