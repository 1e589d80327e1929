"""`make cluster-test`: the loopback cluster under Locust load while nodes die, then the checks.

0. The `icity_cluster` database is kept between runs (migrating an empty one takes minutes on a
   busy machine); CLUSTER_FRESH_DB=1 starts from an empty one. Checks count this run's rows only.
1. Files: local-disk files are moved to the bucket by copy_files_to_storage (twice: resumable)
   and every one is downloaded through HAProxy with its checksum compared.
2. An attachment uploaded through web1 downloads through web2; a stranger gets 404 from both;
   an anonymous S3 request for the object is refused; a lock-out on web1 holds on web2.
3. Locust: CLUSTER_USERS (100) staff and agents for CLUSTER_SECONDS (200); meanwhile web1 is
   killed with SIGKILL and restarted, then a worker, then the beat that holds the lock.
   Every failed request is classified: which request, when relative to the web node's kill
   window, and what came back (no answer, HAProxy 502/503/504, the app's 5xx or 4xx).
4. Afterwards: every accepted ticket/comment/attachment exists (checksums), every notification was
   delivered exactly once (SMTP sink, by Message-ID), each periodic job was sent once per tick
   by the two beats over at least CLUSTER_BEAT_SECONDS (300), and each beat-only job ran on a
   worker once per send (no task id twice).
Prints the figures (a "Must show 1" block), writes summary.json in the run folder, exits 1 if a
check fails.
"""

import csv
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

from cluster.seed import LOCKOUT_EMAIL, PASSWORD
from cluster.topology import BASE_DIR, BUCKET, PORTS, PY, S3_KEY, S3_SECRET, Cluster

USERS = int(os.environ.get("CLUSTER_USERS", 100))
SECONDS = int(os.environ.get("CLUSTER_SECONDS", 200))
BEAT_SECONDS = int(os.environ.get("CLUSTER_BEAT_SECONDS", 300))
ERROR_GOAL = 0.005
# Django sets the process time zone to settings.TIME_ZONE: the beat logs' clock.
LOG_TIME_ZONE = ZoneInfo("Europe/Brussels")
HTTP = f"http://127.0.0.1:{PORTS['haproxy']}"
# Interval schedules we can count per tick (seconds); crontab entries rarely fall in a 5-minute window.
INTERVALS = {"heartbeat": 15, "outbox-drain": 60, "tickets-email-poll": 60, "surveys-sweep": 300}


def shell(cluster: Cluster, code: str, env: dict | None = None) -> str:
    run_env = {**cluster.env, **(env or {})}
    result = subprocess.run(
        [PY, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=BASE_DIR,
        env=run_env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    return result.stdout.strip().splitlines()[-1]


def login(base: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{base}/accounts/login/",
        {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, f"login of {email} through {base}: {answer.status_code}"
    return session


def check_file_migration(cluster: Cluster, local_files: list[dict]) -> dict:
    started = time.monotonic()
    outputs = []
    for _ in range(2):  # the second run finds everything there: resumable
        result = subprocess.run(
            [PY, "manage.py", "copy_files_to_storage", "--no-progress"],
            cwd=BASE_DIR,
            env=cluster.env,
            capture_output=True,
            text=True,
            check=False,
        )
        outputs.append(result.stdout.strip() or result.stderr.strip()[-500:])
    agent = login(HTTP, "agent-000@cluster.example")
    served_ok = 0
    for item in local_files:
        response = agent.get(f"{HTTP}/api/v1/ticket-attachments/{item['id']}/download/", timeout=30)
        if response.status_code == 200 and hashlib.sha256(response.content).hexdigest() == item["sha256"]:
            served_ok += 1
    return {
        "files": len(local_files),
        "first_run": outputs[0],
        "second_run": outputs[1],
        "served_with_same_checksum": served_ok,
        "seconds": round(time.monotonic() - started, 1),
        "ok": served_ok == len(local_files) and "failed 0" in outputs[0] and "copied 0" in outputs[1],
    }


def check_node_to_node(cluster: Cluster) -> dict:
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config

    node_a, node_b = (f"http://127.0.0.1:{PORTS[name]}" for name in ("web1", "web2"))
    owner = login(node_a, "staff-001@cluster.example")
    stranger = login(node_b, "staff-002@cluster.example")
    headers = {"X-CSRFToken": owner.cookies.get("csrftoken"), "Referer": node_a}
    category = json.loads(cluster.env["CLUSTER_PEOPLE"])["category"]
    ticket = owner.post(
        f"{node_a}/api/v1/tickets/",
        json={"title": "De A vers B", "description": "Pièce jointe par le nœud A.", "category": category},
        headers=headers,
        timeout=30,
    ).json()
    content = b"%PDF-1.4\n% node A upload " + os.urandom(32).hex().encode() + b"\n%%EOF\n"
    attachment = owner.post(
        f"{node_a}/api/v1/tickets/{ticket['reference']}/attachments/",
        files={"file": ("rapport.txt", content, "text/plain")},
        headers=headers,
        timeout=30,
    )
    attachment_id = attachment.json().get("id") if attachment.status_code == 201 else None
    via_b = owner.get(f"{node_b}/api/v1/ticket-attachments/{attachment_id}/download/", timeout=30)
    page_b = owner.get(f"{node_b}/tickets/attachments/{attachment_id}/", timeout=30)
    refused = {
        node: [
            stranger.get(f"{base}/api/v1/ticket-attachments/{attachment_id}/download/", timeout=30).status_code,
            stranger.get(f"{base}/tickets/attachments/{attachment_id}/", timeout=30).status_code,
        ]
        for node, base in (("web1", node_a), ("web2", node_b))
    }
    s3 = boto3.client(
        "s3",
        endpoint_url=cluster.env["S3_ENDPOINT_URL"],
        region_name="us-east-1",
        aws_access_key_id=S3_KEY,
        aws_secret_access_key=S3_SECRET,
    )
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    anonymous = boto3.client(
        "s3",
        endpoint_url=cluster.env["S3_ENDPOINT_URL"],
        region_name="us-east-1",
        config=Config(signature_version=UNSIGNED),
    )
    anonymous_codes = set()
    for key in keys[:20]:
        try:
            anonymous.get_object(Bucket=BUCKET, Key=key)
            anonymous_codes.add(200)
        except Exception as error:
            anonymous_codes.add(getattr(error, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
        plain = requests.get(f"{cluster.env['S3_ENDPOINT_URL']}/{BUCKET}/{key}", timeout=10)
        anonymous_codes.add(plain.status_code)
    same = via_b.status_code == 200 and via_b.content == content
    lockout = check_lockout(node_a, node_b)
    return {
        "lockout_on_web1_holds_on_web2": lockout,
        "uploaded_through_web1": attachment.status_code,
        "downloaded_through_web2": via_b.status_code,
        "page_download_through_web2": page_b.status_code,
        "same_bytes": same,
        "stranger_status_by_node": refused,
        "anonymous_s3_status_codes": sorted(anonymous_codes),
        "objects_tried_anonymously": min(len(keys), 20),
        "ok": same
        and page_b.status_code == 200
        and all(code in (403, 404) for codes in refused.values() for code in codes)
        and bool(keys)
        and anonymous_codes <= {401, 403}
        and lockout["right_password_on_web2"] == 429,
    }


def check_lockout(node_a: str, node_b: str) -> dict:
    """Five wrong passwords through web1: the right one through web2 is refused (django-axes, shared DB)."""
    email = LOCKOUT_EMAIL
    codes = []
    for _ in range(5):
        session = requests.Session()
        page = session.get(f"{node_a}/accounts/login/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = session.post(
            f"{node_a}/accounts/login/",
            {"username": email, "password": "wrong-password", "csrfmiddlewaretoken": token},
            allow_redirects=False,
            timeout=30,
        )
        codes.append(answer.status_code)
    session = requests.Session()
    page = session.get(f"{node_b}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{node_b}/accounts/login/",
        {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=30,
    )
    return {"wrong_passwords_on_web1": codes, "right_password_on_web2": answer.status_code}


def lock_holder(cluster: Cluster) -> str:
    """Which beat holds RedBeat's lock: the one whose log says it acquired it last."""
    latest, holder = "", "beat1"
    for beat in ("beat1", "beat2"):
        for line in (cluster.logs / f"{beat}.log").read_text(errors="replace").splitlines():
            if "Acquired lock" in line and line[:23] > latest:
                latest, holder = line[:23], beat
    return holder


def chaos(cluster: Cluster, start: float, events: list[dict]) -> None:
    """Kill -9 one web node, one worker and the beat holding the lock, each brought back later."""
    # Users start at 2 a second (50 s), each logging in once (a password hash). Starting them
    # at 4 a second queued the logins past HAProxy's 30 s queue timeout (503) on the busy machine.
    plan = [(70, "web1", 20), (120, "worker1", 15), (150, None, 25)]
    for at, name, down_for in plan:
        time.sleep(max(start + at - time.time(), 0))
        name = name or lock_holder(cluster)
        killed = time.time()
        cluster.kill(name)
        time.sleep(down_for)
        cluster.start(name)
        events.append({"node": name, "killed_at": killed, "restarted_at": time.time()})


def sample_load(samples: list[float], done: threading.Event) -> None:
    """The machine's 1-minute load average every 10 s while Locust runs (a shared machine)."""
    while not done.wait(10):
        samples.append(round(os.getloadavg()[0], 1))


def run_locust(cluster: Cluster, results: Path, load_samples: list[float]) -> tuple[dict, list[dict], float]:
    env = {**cluster.env, "CLUSTER_RESULTS": str(results), "CLUSTER_PASSWORD": PASSWORD}
    command = [PY, "-m", "locust", "-f", str(BASE_DIR / "cluster" / "locustfile.py"), "--headless"]
    command += ["--users", str(USERS), "--spawn-rate", "2", "--run-time", f"{SECONDS}s", "--host", HTTP]
    command += [
        "--csv",
        str(cluster.dir / "locust"),
        "--only-summary",
        "--stop-timeout",
        "10",
        "--exit-code-on-error",
        "0",
    ]
    events: list[dict] = []
    start = time.time()
    monkey = threading.Thread(target=chaos, args=(cluster, start, events), daemon=True)
    monkey.start()
    done = threading.Event()
    threading.Thread(target=sample_load, args=(load_samples, done), daemon=True).start()
    with (cluster.logs / "locust.log").open("ab") as log:
        subprocess.run(command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=SECONDS + 120)
    done.set()
    monkey.join(timeout=60)
    with open(cluster.dir / "locust_stats.csv") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    total = rows["Aggregated"]
    figures = {
        "users": USERS,
        "seconds": SECONDS,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "requests_per_second": round(float(total["Requests/s"]), 1),
        "p50_ms": int(float(total["50%"])),
        "p95_ms": int(float(total["95%"])),
        "p99_ms": int(float(total["99%"])),
        "by_request": {
            name: {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p95_ms": int(float(row["95%"])),
            }
            for name, row in rows.items()
            if name != "Aggregated"
        },
    }
    figures["error_rate_percent"] = round(100 * figures["failures"] / max(figures["requests"], 1), 3)
    return figures, events, start


# After a web node's kill: until it is back and through HAProxy's rise (2 checks) and slowstart (5 s).
WINDOW_BEFORE, WINDOW_AFTER = 2, 20


def classify_errors(results: Path, events: list[dict], start: float) -> dict:
    """Every failed request: when it ran relative to the kills, what it was, what came back.

    A request is inside a kill window when its lifetime [sent, answered] overlaps
    [web node killed - 2 s, restarted + 20 s]; worker and beat kills have no window, since the
    web nodes do not depend on them. Kinds: "no answer" (connection reset or refused at the
    client, status 0), "proxy 502/503/504" (HAProxy: the node died, none left, 60 s timeout),
    "app 5xx", "app 4xx" (the app refused it), "wrong content" (a download's checksum).
    """
    windows = [
        (event["node"], event["killed_at"] - WINDOW_BEFORE, event["restarted_at"] + WINDOW_AFTER)
        for event in events
        if event["node"].startswith("web")
    ]
    errors = [json.loads(line) for line in results.read_text().splitlines() if '"kind": "error"' in line]
    rows = []
    for error in errors:
        ended = error["t"]
        began = ended - error.get("ms", 0) / 1000
        inside = [node for node, low, high in windows if began <= high and ended >= low]
        status = error.get("status", 0)
        if not status:
            kind = "no answer" if "checksum" not in error["error"] else "wrong content"
        elif status in (502, 503, 504):
            kind = f"proxy {status}"
        elif status >= 500:
            kind = "app 5xx"
        else:
            kind = f"app {status}"
        rows.append(
            {
                "request": error["name"],
                "sent_at_s": round(began - start, 1),
                "took_ms": error.get("ms", 0),
                "status": status,
                "kind": kind,
                "kill_window": inside[0] if inside else None,
                "detail": error["error"],
            }
        )
    by_class = defaultdict(int)
    for row in rows:
        by_class[
            f"{row['request']} | {row['kind']} | {'inside ' + row['kill_window'] if row['kill_window'] else 'OUTSIDE'}"
        ] += 1
    return {
        "windows_s": [[node, round(low - start, 1), round(high - start, 1)] for node, low, high in windows],
        "by_class": dict(sorted(by_class.items())),
        "outside": [row for row in rows if row["kill_window"] is None],
        "all": rows,
    }


def users_logged_in(results: Path) -> int:
    entries = [json.loads(line) for line in results.read_text().splitlines() if '"kind": "user"' in line]
    return len(entries)


# Jobs sent only by beat (outbox_drain is also queued after each commit), so worker runs count ticks.
BEAT_ONLY_TASKS = {
    "heartbeat": "icity.tasks.record_heartbeat",
    "tickets-email-poll": "tickets.email_tasks.email_poll",
    "surveys-sweep": "surveys.tasks.campaigns_sweep",
}


def worker_runs(cluster: Cluster) -> dict[str, Counter]:
    """Per task name: how many times each task id finished on a worker (both workers' logs)."""
    pattern = re.compile(r"Task (\S+)\[([0-9a-f-]+)\] (?:succeeded|raised|failed)")
    runs: dict[str, Counter] = defaultdict(Counter)
    for worker in ("worker1", "worker2"):
        for line in (cluster.logs / f"{worker}.log").read_text(errors="replace").splitlines():
            match = pattern.search(line)
            if match:
                runs[match.group(1)][match.group(2)] += 1
    return runs


def beat_ticks(cluster: Cluster, events: list[dict]) -> dict:
    """Per interval job: sends by both beats, gaps, ticks expected; for beat-only jobs, runs on workers.

    Once per tick: no two sends closer than half the interval, and no tick left out, except
    that ticks falling due while the lock passes from the killed beat to the other (up to
    REDBEAT_LOCK_TIMEOUT, 30 s, plus the 5 s the other waits between tries) are sent once,
    late, together (Celery's interval schedules do not catch up): a gap longer than 1.5
    intervals is allowed only across the beat's kill, and is counted as merged ticks.
    """
    beat_kills = [event["killed_at"] for event in events if event["node"].startswith("beat")]
    pattern = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) .*Sending due task (\S+) ")
    sends = defaultdict(list)
    first = last = None
    for beat in ("beat1", "beat2"):
        for line in (cluster.logs / f"{beat}.log").read_text(errors="replace").splitlines():
            match = pattern.match(line)
            if match:
                moment = (
                    datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f").replace(tzinfo=LOG_TIME_ZONE).timestamp()
                )
                sends[match.group(2)].append((moment, beat))
                first = moment if first is None else min(first, moment)
                last = moment if last is None else max(last, moment)
    observed = round(last - first, 1) if first is not None else 0
    runs = worker_runs(cluster)
    report = {}
    for name, interval in INTERVALS.items():
        moments = sorted(moment for moment, _beat in sends.get(name, []))
        gaps = [b - a for a, b in zip(moments, moments[1:], strict=False)]
        # Ticks due in the observed span: the first send is a tick, then one every interval.
        # A tick due while the lock passes to the other beat is sent late, once: never zero, never two.
        expected = 1 + int(observed // interval)
        job = {
            "interval_s": interval,
            "ticks_in_span": expected,
            "sent": len(moments),
            "by_beat": dict(
                sorted({beat: sum(1 for _m, b in sends[name] if b == beat) for beat in ("beat1", "beat2")}.items())
            ),
            "smallest_gap_s": round(min(gaps), 1) if gaps else None,
            "largest_gap_s": round(max(gaps), 1) if gaps else None,
        }
        long_gaps = [(a, b) for a, b in zip(moments, moments[1:], strict=False) if b - a > interval * 1.5]
        job["ticks_merged_in_takeover"] = sum(round((b - a) / interval) - 1 for a, b in long_gaps)
        ok = (
            all(gap >= interval * 0.5 for gap in gaps)
            and all(any(a <= kill <= b for kill in beat_kills) for a, b in long_gaps)
            and len(moments) + job["ticks_merged_in_takeover"] >= expected - 1
        )
        if name in BEAT_ONLY_TASKS:
            counts = runs.get(BEAT_ONLY_TASKS[name], Counter())
            job["ran"] = sum(counts.values())
            job["task_ids_run_twice"] = sum(1 for times in counts.values() if times > 1)
            ok = ok and job["ran"] == len(moments) and not job["task_ids_run_twice"]
        job["ok"] = ok
        report[name] = job
    return {
        "observed_seconds": observed,
        "jobs": report,
        "ok": all(job["ok"] for job in report.values()) and bool(sends),
    }


def must_show_1(summary: dict) -> str:
    """The figures the README quotes, in one block."""
    load, data, notes, errors = summary["load"], summary["data"], summary["data"]["notifications"], summary["errors"]
    inside = len(errors["all"]) - len(errors["outside"])
    lines = [
        "== Must show 1 ==",
        f"load: {load['users_logged_in']} users logged in (of {load['users']}) for {load['seconds']} s; "
        f"{load['requests']} requests ({load['requests_per_second']}/s); machine load average "
        f"{summary['machine_load']['min']}-{summary['machine_load']['max']} "
        f"(mean {summary['machine_load']['mean']}, {summary['machine_load']['cores']} cores)",
        f"errors: {load['failures']} ({load['error_rate_percent']} %): {inside} inside the kill windows, "
        f"{len(errors['outside'])} outside",
        f"latency: p50 {load['p50_ms']} ms, p95 {load['p95_ms']} ms, p99 {load['p99_ms']} ms",
        "kills: "
        + "; ".join(
            f"{kill['node']} at {kill['killed_at_s']} s, back after {kill['down_s']} s" for kill in summary["kills"]
        ),
        f"writes: tickets {data['tickets']['accepted']} accepted / {len(data['tickets']['missing'])} missing; "
        f"comments {data['comments']['accepted']} / {len(data['comments']['missing'])} missing; "
        f"attachments {data['attachments']['accepted']} / {len(data['attachments']['missing'])} missing, "
        f"{len(data['attachments']['checksum_differs'])} with another checksum",
        f"notifications: {dict(notes['by_status'])}; {notes['messages_delivered']} delivered, "
        f"{notes['distinct_message_ids']} distinct Message-IDs, {len(notes['delivered_more_than_once'])} twice, "
        f"{notes['sent_but_not_delivered']} sent but not delivered",
        f"periodic jobs over {summary['beats']['observed_seconds']} s:",
    ]
    for name, job in summary["beats"]["jobs"].items():
        ran = f", ran {job['ran']} (ids twice: {job['task_ids_run_twice']})" if "ran" in job else ""
        ran += f", {job['ticks_merged_in_takeover']} merged in the takeover" if job["ticks_merged_in_takeover"] else ""
        lines.append(
            f"  {name} every {job['interval_s']} s: {job['ticks_in_span']} ticks, sent {job['sent']} "
            f"{job['by_beat']}, gaps {job['smallest_gap_s']}-{job['largest_gap_s']} s{ran}: "
            + ("ok" if job["ok"] else "NOT OK")
        )
    return "\n".join(lines)


def machine_load(samples: list[float]) -> dict:
    return {
        "min": min(samples, default=0),
        "max": max(samples, default=0),
        "mean": round(sum(samples) / max(len(samples), 1), 1),
        "cores": os.cpu_count(),
    }


def main() -> int:
    # `timeout` (make cluster-test) sends SIGTERM: unwind through `finally`, which stops every node.
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(2))
    cluster = Cluster(run_dir=Path(os.environ["CLUSTER_DIR"]) if os.environ.get("CLUSTER_DIR") else None)
    results = cluster.dir / "results.jsonl"
    results.touch()
    run_started = time.time()
    summary: dict = {"run_dir": str(cluster.dir)}
    local_files: list[dict] = []

    def prepare(cluster: Cluster) -> None:
        cluster.env["CLUSTER_PEOPLE"] = shell(cluster, "from cluster.seed import seed; seed()")
        cluster.manage("axes_reset", "--verbosity", "0")  # the lock-out check starts from a clean slate
        # The files of a demo made on the local disk, before the move to the bucket.
        local = {"STORAGE_URL": f"file://{cluster.dir / 'var' / 'media'}"}
        local_files.extend(
            json.loads(shell(cluster, "from cluster.seed import seed_local_files; seed_local_files()", local))
        )

    try:
        print(f"starting the cluster in {cluster.dir} …", flush=True)
        cluster.up(prepare=prepare, fresh_database=os.environ.get("CLUSTER_FRESH_DB") == "1")
        beats_started = time.time()
        summary["file_migration"] = check_file_migration(cluster, local_files)
        print("file migration:", json.dumps(summary["file_migration"]), flush=True)
        summary["node_to_node"] = check_node_to_node(cluster)
        print("node A -> node B:", json.dumps(summary["node_to_node"]), flush=True)
        print(f"load: {USERS} users for {SECONDS} s, with kills …", flush=True)
        load_samples: list[float] = []
        figures, events, start = run_locust(cluster, results, load_samples)
        summary["load"] = figures
        summary["kills"] = [
            {
                **event,
                "killed_at_s": round(event["killed_at"] - start, 1),
                "down_s": round(event["restarted_at"] - event["killed_at"], 1),
            }
            for event in events
        ]
        summary["machine_load"] = machine_load(load_samples)
        summary["errors"] = classify_errors(results, events, start)
        outside = summary["errors"]["outside"]
        summary["load"]["users_logged_in"] = users_logged_in(results)
        print("errors by request | kind | kill window:", json.dumps(summary["errors"]["by_class"], indent=1))
        print("load:", json.dumps({k: v for k, v in figures.items() if k != "by_request"}), flush=True)
        deadline = time.time() + 120
        while time.time() < deadline and int(
            shell(cluster, "from cluster.verify import outbox_pending; print(outbox_pending())")
        ):
            time.sleep(5)
        remaining = beats_started + BEAT_SECONDS - time.time()
        if remaining > 0:
            print(f"letting the two beats run {remaining:.0f} s more …", flush=True)
            time.sleep(remaining)
        summary["data"] = json.loads(
            shell(
                cluster,
                f"from cluster.verify import verify; verify({str(results)!r}, {str(cluster.maildir)!r}, {run_started})",
            )
        )
        summary["beats"] = beat_ticks(cluster, events)
        summary["dead_at_end"] = cluster.dead()
    finally:
        cluster.stop()
    data, notes = summary["data"], summary["data"]["notifications"]
    checks = {
        "file_migration": summary["file_migration"]["ok"],
        "node_to_node": summary["node_to_node"]["ok"],
        "error_rate_under_0.5%": summary["load"]["error_rate_percent"] < 100 * ERROR_GOAL,
        "errors_only_in_kill_windows": not outside,
        "every_write_exists": not (
            data["tickets"]["missing"]
            or data["comments"]["missing"]
            or data["attachments"]["missing"]
            or data["attachments"]["checksum_differs"]
        ),
        "at_least_100_users_3_minutes": USERS >= 100 and SECONDS >= 180 and summary["load"]["users_logged_in"] >= USERS,
        "notifications_exactly_once": not notes["delivered_more_than_once"]
        and notes["sent_but_not_delivered"] == 0
        and set(notes["by_status"]) <= {"sent"},
        "periodic_once_per_tick": summary["beats"]["ok"],
        "beats_observed_5_min": summary["beats"]["observed_seconds"] >= BEAT_SECONDS - 30,
    }
    summary["checks"] = checks
    (cluster.dir / "summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps({key: summary[key] for key in ("kills", "data", "beats")}, indent=1))
    print(must_show_1(summary), flush=True)
    print("checks:", json.dumps(checks, indent=1))
    print(f"summary: {cluster.dir / 'summary.json'}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
