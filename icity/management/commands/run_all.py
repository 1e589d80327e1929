import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the app with a Celery worker and beat; one Ctrl-C stops all three."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000")

    def handle(self, *args, bind: str, **options):
        python = sys.executable
        celery = [python, "-m", "celery", "-A", "icity"]
        # Both queues: tasks, and sending mail (a hung relay holds at most one slot: drains take a lock).
        queues = f"{settings.CELERY_TASK_DEFAULT_QUEUE},{settings.OUTBOX_QUEUE}"
        commands = {
            "web": [python, "manage.py", "runserver", bind, "--noreload"],
            "worker": [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2", "-Q", queues],
            "beat": [*celery, "beat", "--loglevel", "INFO", "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME],
        }
        processes = {name: subprocess.Popen(command) for name, command in commands.items()}
        self.stdout.write(self.style.SUCCESS(f"icity is running on http://{bind}/ — press Ctrl-C to stop."))
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"{name} exited with code {process.returncode}; stopping the others.")
                        stopping = True
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in processes.values():
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
