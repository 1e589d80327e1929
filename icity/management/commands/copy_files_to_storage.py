"""Copy the files under a local media folder into the configured storage (the bucket).

Resumable: a file already in the bucket with the same SHA-256 is skipped, so an
interrupted run is simply started again. Every copy is read back from the bucket
and its checksum compared; a mismatch is reported and the command exits non-zero.
Names are kept, so the database rows (FileField values) need no change.
"""

import hashlib
import sys
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

CHUNK = 1024 * 1024


def sha256_of(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def stored_sha256(storage, name: str) -> str | None:
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as handle:
        return sha256_of(handle)


class Progress:
    def __init__(self, total: int, stream, width: int = 30):
        self.total, self.stream, self.width, self.done = total, stream, width, 0

    def step(self, label: str) -> None:
        self.done += 1
        filled = int(self.width * self.done / max(self.total, 1))
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {self.done}/{self.total} {label[:40]:<40}")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")


class Command(BaseCommand):
    help = "Copy local media files into the configured storage (STORAGE_URL), verifying checksums; resumable."

    def add_arguments(self, parser):
        parser.add_argument("--source", default=str(settings.MEDIA_ROOT), help="Local folder (default MEDIA_ROOT).")
        parser.add_argument("--dry-run", action="store_true", help="List what would be copied, copy nothing.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (logs, CI).")

    def handle(self, *args, source: str, dry_run: bool, no_progress: bool, **options):
        if not settings.STORAGE_IS_S3:
            raise CommandError("STORAGE_URL is not an s3:// bucket: there is nowhere to copy to.")
        root = Path(source)
        if not root.is_dir():
            raise CommandError(f"No folder {root}.")
        files = sorted(path for path in root.rglob("*") if path.is_file())
        progress = None if no_progress else Progress(len(files), sys.stderr)
        copied = skipped = 0
        failed: list[str] = []
        for path in files:
            name = path.relative_to(root).as_posix()
            with path.open("rb") as handle:
                local = sha256_of(handle)
            remote = stored_sha256(default_storage, name)
            if remote == local:
                skipped += 1
            elif not dry_run:
                if remote is not None:
                    default_storage.delete(name)  # a partial or different copy from an earlier run
                with path.open("rb") as handle:
                    saved = default_storage.save(name, File(handle, name=name))
                if saved != name or stored_sha256(default_storage, name) != local:
                    failed.append(name)
                else:
                    copied += 1
            else:
                copied += 1
            if progress:
                progress.step(name)
        if progress:
            progress.close()
        verb = "would copy" if dry_run else "copied"
        self.stdout.write(f"{len(files)} files: {verb} {copied}, already there {skipped}, failed {len(failed)}.")
        for name in failed:
            self.stderr.write(f"checksum mismatch or rename: {name}")
        if failed:
            raise CommandError(f"{len(failed)} files were not copied faithfully; run the command again.")
