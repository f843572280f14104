"""Start the local identity providers of the sign-in tests (subprocesses, free ports, waited on)."""

import datetime
import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE.parent / "node_modules"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(process, what, deadline_seconds=30):
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.startswith("ready"):
            return
        if not line and process.poll() is not None:
            raise RuntimeError(f"{what} stopped: {process.stderr.read()}")
    raise RuntimeError(f"{what} not ready after {deadline_seconds} s")


@contextmanager
def oidc_provider(*, clients: list, accounts: dict):
    """panva's oidc-provider on a free port; yields its issuer address."""
    if not (NODE_MODULES / "oidc-provider").is_dir():
        raise RuntimeError("npm oidc-provider is missing: `make browser-deps` installs it into tests/e2e")
    port = free_port()
    env = {**os.environ, "OIDC_PORT": str(port), "OIDC_CLIENTS": json.dumps(clients),
           "OIDC_ACCOUNTS": json.dumps(accounts), "NODE_PATH": str(NODE_MODULES)}
    # Run from tests/e2e so that node resolves `oidc-provider` in its node_modules.
    process = subprocess.Popen(["node", str(HERE / "oidc_provider.mjs")], cwd=HERE.parent, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_ready(process, "oidc-provider")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


def self_signed(directory: Path, name: str = "idp") -> tuple[Path, Path]:
    """A key and certificate for the test IdP, made here (never downloaded, never reused)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"guichet-test-{name}")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2)).sign(key, hashes.SHA256()))
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


class SamlIdp:
    """pysaml2's IdP: `metadata()` first (to register it in Guichet), then `serve(sp_metadata, users)`."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.key, self.cert = self_signed(directory)
        self.process = None

    def _args(self):
        return ["--port", str(self.port), "--key", str(self.key), "--cert", str(self.cert)]

    def metadata(self) -> str:
        return subprocess.run([sys.executable, str(HERE / "saml_idp.py"), "metadata", *self._args()],
                              check=True, capture_output=True, text=True, timeout=60).stdout

    @contextmanager
    def serve(self, sp_metadata: str, users: dict):
        sp_path, users_path = self.directory / "sp.xml", self.directory / "users.json"
        sp_path.write_text(sp_metadata, encoding="utf-8")
        users_path.write_text(json.dumps(users), encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "saml_idp.py"), "serve", *self._args(), "--sp-metadata", str(sp_path),
             "--users", str(users_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            _wait_ready(self.process, "SAML IdP")
            yield f"http://127.0.0.1:{self.port}"
        finally:
            self.process.terminate()
            self.process.wait(10)
