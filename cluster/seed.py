"""People for the cluster load test: staff (requesters) and agents in one team, known password.

Run inside Django: `manage.py shell -c "from cluster.seed import seed; seed()"`. Idempotent.
"""

import json
import os

PASSWORD = "cluster-load-2026"
# More people than Locust users of each kind (100 users: 90 staff, 10 agents), so that every
# simulated user logs in as someone of its own.
STAFF = int(os.environ.get("CLUSTER_STAFF", 100))
AGENTS = int(os.environ.get("CLUSTER_AGENTS", 20))
# Locked out by the lock-out check before the load starts: never one of the Locust users.
LOCKOUT_EMAIL = "lockout@cluster.example"


def seed() -> None:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from icity.models import User
    from icity.roles import Role
    from tickets.models import Category, Team

    team, _ = Team.objects.get_or_create(name="Cluster N1")
    category, _ = Category.objects.get_or_create(
        name_fr="Cluster", defaults={"name_nl": "Cluster", "default_team": team}
    )
    password = make_password(PASSWORD)
    requester, agent = (Group.objects.get_or_create(name=role)[0] for role in (Role.REQUESTER, Role.AGENT))
    people = []
    for kind, count in (("staff", STAFF), ("agent", AGENTS)):
        for number in range(count):
            email = f"{kind}-{number:03d}@cluster.example"
            user, _ = User.objects.get_or_create(
                email=email, defaults={"first_name": kind.title(), "last_name": f"{number:03d}", "language": "fr"}
            )
            user.password = password
            user.save(update_fields=["password"])
            user.groups.set([requester, agent] if kind == "agent" else [requester])
            if kind == "agent":
                team.members.add(user)
            people.append({"email": email, "kind": kind})
    lockout, _ = User.objects.get_or_create(
        email=LOCKOUT_EMAIL, defaults={"first_name": "Lock", "last_name": "Out", "language": "fr"}
    )
    lockout.password = password
    lockout.save(update_fields=["password"])
    lockout.groups.set([requester])
    print(json.dumps({"category": category.pk, "people": people}))


def seed_local_files(count: int = 30) -> None:
    """Tickets with attachments stored on the local disk (before the move to the bucket)."""
    import hashlib
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from icity.models import User
    from tickets.models import Attachment, Category
    from tickets.services import ticket_open

    owner = User.objects.get(email="staff-000@cluster.example")
    category = Category.objects.get(name_fr="Cluster")
    created = []
    for number in range(count):
        output = io.BytesIO()
        Image.new("RGB", (80 + number, 60), (number * 7 % 256, 90, 160)).save(output, format="PNG")
        ticket = ticket_open(
            requester=owner,
            opened_by=owner,
            title=f"Fichier local {number}",
            description="Capture jointe avant le passage au stockage objet.",
            category=category,
            uploads=[SimpleUploadedFile(f"local-{number}.png", output.getvalue(), content_type="image/png")],
        )
        created.append(ticket.pk)
    rows = []
    for attachment in Attachment.objects.filter(ticket__in=created):
        with attachment.file.open("rb") as handle:
            rows.append({"id": attachment.pk, "sha256": hashlib.sha256(handle.read()).hexdigest()})
    print(json.dumps(rows))
