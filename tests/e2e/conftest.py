"""Browser journeys against the app as it runs in production.

The session starts gunicorn, a Celery worker and beat on loopback, on a fresh
PostgreSQL database with the demo data, Redis as broker, and an SMTP sink in
this process. Playwright drives Debian's chromium (never a downloaded
browser). Every page a journey visits is checked with axe-core, and the run
prints the list of pages checked.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from email import message_from_bytes, policy
from pathlib import Path

import psycopg
import pytest
from aiosmtpd.controller import Controller

BASE_DIR = Path(__file__).resolve().parents[2]
ARTIFACTS = BASE_DIR / "test-artifacts" / "e2e"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "icity-demo-2026"
PAGES_CHECKED: list[str] = []
LIVE_ENV: dict[str, str] = {}  # the live app's environment, for app_shell()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailSink:
    """A local SMTP server that keeps every message it receives."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def wait_for(self, predicate, timeout: float = 30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                found = [message for message in self.messages if predicate(message)]
            if found:
                return found[0]
            time.sleep(0.2)
        raise AssertionError("no matching email reached the SMTP sink")


@pytest.fixture(scope="session")
def mail_sink():
    sink = MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    sink.port = controller.port
    yield sink
    controller.stop()


def _fresh_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _wait_healthy(url: str, processes: dict, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        for name, process in processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited early with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                if response.status == 200:
                    return
        except Exception as error:  # 503 until the first heartbeat
            last = str(error)
        time.sleep(0.5)
    raise RuntimeError(f"the app did not become healthy: {last}")


@pytest.fixture(scope="session")
def live_app(mail_sink, tmp_path_factory):
    database_url = os.environ.get("E2E_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/icity_e2e")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    _fresh_database(database_url)
    var_dir = tmp_path_factory.mktemp("e2e-var")
    port = int(os.environ.get("E2E_PORT") or 0) or _free_port()  # a fixed port on a shared machine
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": f"icity-e2e-{uuid.uuid4().hex[:8]}",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mail_sink.port),
        "ICITY_VAR_DIR": str(var_dir),
        "SITE_URL": f"http://127.0.0.1:{port}",
        "AXES_FAILURE_LIMIT": "100",
    }
    env.pop("ICITY_TESTING", None)
    LIVE_ENV.update(env)
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo", "--quiet"]):
        subprocess.run([*manage, *command], cwd=BASE_DIR, env=env, check=True)
    celery = [sys.executable, "-m", "celery", "-A", "icity"]
    commands = {
        "web": [sys.executable, "-m", "gunicorn", "icity.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                "--threads", "4", "--timeout", "60"],
        "worker": [*celery, "worker", "--loglevel", "WARNING", "--concurrency", "2", "-Q",
                   f"{env['CELERY_QUEUE']},{env['CELERY_QUEUE']}-mail"],
        "beat": [*celery, "beat", "--loglevel", "WARNING", "--schedule", str(var_dir / "beat-schedule")],
    }  # fmt: skip
    logs = {name: open(var_dir / f"{name}.log", "wb") for name in commands}  # noqa: SIM115
    processes = {
        name: subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=logs[name], stderr=subprocess.STDOUT)
        for name, command in commands.items()
    }
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(f"{base_url}/healthz", processes)
        yield base_url
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs.values():
            log.close()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for name in commands:
            shutil.copy(var_dir / f"{name}.log", ARTIFACTS / f"{name}.log")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _new_page(browser, live_app, language: str, phone: bool):
    options = {"base_url": live_app, "locale": {"fr": "fr-BE", "nl": "nl-BE", "en": "en-GB"}[language]}
    if phone:
        options.update(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    context = browser.new_context(**options)
    context.set_default_timeout(15000)
    context.add_cookies([{"name": "icity_language", "value": language, "url": live_app}])
    return context, context.new_page()


@pytest.fixture
def open_page(browser, live_app):
    """open_page(language, phone=False) -> a fresh browser page (own cookies)."""
    contexts = []

    def factory(language: str = "fr", phone: bool = False):
        context, page = _new_page(browser, live_app, language, phone)
        contexts.append(context)
        return page

    yield factory
    for context in contexts:
        context.close()


def app_shell(code: str) -> str:
    """Run Python in the live app's environment (what a beat task or an operator would do).

    Returns the last line the code printed."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=BASE_DIR,
        env=LIVE_ENV,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def check_accessibility(page, label: str) -> None:
    """axe-core on the page as it is now: no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    problems = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    language = page.evaluate("document.documentElement.lang")
    PAGES_CHECKED.append(f"[{language}] {label}: {page.url}")
    assert not problems, f"accessibility violations on {page.url}:\n" + "\n".join(problems)


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/accounts/login/")
    check_accessibility(page, "login")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def pytest_terminal_summary(terminalreporter):
    if PAGES_CHECKED:
        terminalreporter.section("pages checked with axe-core")
        for line in PAGES_CHECKED:
            terminalreporter.write_line(line)
        terminalreporter.write_line(f"{len(PAGES_CHECKED)} page views, 0 serious or critical violations")


def use_language(page, language: str) -> None:
    """Switch the signed-in user to the language under test with the header switcher."""
    if page.evaluate("document.documentElement.lang") != language:
        page.locator("#language-select").select_option(language)
        page.locator(".language-form button").click()
        # The document may be between two pages while the switch navigates: wait for one, not for null.
        page.wait_for_function(f"document.documentElement && document.documentElement.lang === '{language}'")


def sign_in_as(page, email: str, language: str) -> None:
    """Sign in and make sure the pages come in the language under test."""
    sign_in(page, email)
    use_language(page, language)


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching selector has focus (keyboard-only journeys)."""
    for _ in range(limit):
        if page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def png_file(directory: Path, name: str = "screenshot.png") -> Path:
    """A small real PNG (the app checks uploads by their content)."""
    from PIL import Image

    path = directory / name
    Image.new("RGB", (24, 16), (200, 30, 60)).save(path, format="PNG")
    return path
