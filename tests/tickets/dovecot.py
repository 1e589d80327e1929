"""A throwaway Dovecot on loopback for the IMAP tests (plain, or TLS with a test CA)."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)
USER, PASSWORD = "helpdesk@icity.test", "imap-test-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_test_ca(directory: Path) -> tuple[Path, Path, Path]:
    """(CA certificate, server certificate, server key): a CA and a cert for 127.0.0.1 it signed."""
    ca_key, ca_cert = directory / "ca.key", directory / "ca.pem"
    key, csr, cert = directory / "server.key", directory / "server.csr", directory / "server.pem"
    extensions = directory / "server.ext"
    extensions.write_text("subjectAltName = IP:127.0.0.1, DNS:localhost\n")

    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=icity test CA",
            "-keyout", ca_key, "-out", ca_cert)  # fmt: skip
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", csr)
    openssl("x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-CAcreateserial", "-days", "2",
            "-extfile", extensions, "-out", cert)  # fmt: skip
    return ca_cert, cert, key


@contextmanager
def running_dovecot(*, tls: bool = False):
    """Yields (port, CA certificate or None). With ``tls``, only IMAPS is offered."""
    root = Path(tempfile.mkdtemp(prefix="icity-dovecot-"))
    root.chmod(0o755)
    for name in ("run", "state", "home"):
        (root / name).mkdir()
    if os.geteuid() == 0:
        uid = gid = 65534  # nobody: Dovecot refuses to run mail as root
        os.chown(root / "home", uid, gid)
        users = ""
    else:
        uid, gid = os.getuid(), os.getgid()
        login = os.environ.get("USER") or "nobody"
        users = f"default_login_user = {login}\ndefault_internal_user = {login}\n"
    port = free_port()
    ca_cert = None
    if tls:
        ca_cert, cert, key = make_test_ca(root)
        key.chmod(0o644)  # read by dovecot's unprivileged login process in this throwaway setup
        ssl_settings = f"ssl = required\nssl_cert = <{cert}\nssl_key = <{key}\n"
        plain_port, tls_port = 0, port
    else:
        ssl_settings = "ssl = no\n"
        plain_port, tls_port = port, 0
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    (root / "dovecot.conf").write_text(
        f"""{users}base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
{ssl_settings}disable_plaintext_auth = no
auth_mechanisms = plain
first_valid_uid = 1
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {plain_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service anvil {{
  chroot =
}}
"""
    )
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(root / "dovecot.conf")], stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None:
                    log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                    pytest.fail(f"dovecot did not start: {process.stderr.read().decode()} {log}")
                time.sleep(0.05)
        yield port, ca_cert
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)
