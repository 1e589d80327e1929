"""The web server does not announce itself (issue 20): no ``Server: gunicorn``."""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
PORT = int(os.environ.get("ICITY_TEST_GUNICORN_PORT", "8701"))


def test_gunicorn_answers_without_naming_itself(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "icity.settings", "ICITY_VAR_DIR": str(tmp_path)}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "icity.wsgi", "--bind", f"127.0.0.1:{PORT}", "--workers", "1"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=5) as response:
                    server_header = response.headers.get("Server", "")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert "gunicorn" not in server_header.lower()
