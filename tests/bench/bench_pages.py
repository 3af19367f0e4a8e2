"""Page and API benchmark on the synthetic register (``manage.py generate_register``).

1. Server time and query count per page, through Django's test client: median and p95 over
   ``--requests`` requests (default 100), cycling over 20 different targets per page.
2. Requests/s under gunicorn (2 sync workers, loopback) for a typical page against a plain
   50-row single-table ListView (tests/bench/urls.py) on the same server in the same run.

    DATABASE_URL=postgres://.../insj_h7 .venv/bin/python tests/bench/bench_pages.py \\
        [--requests 100] [--gunicorn-seconds 20] [--port 8071] [--markdown out.md]
"""

import argparse
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
# The project's settings with the reference view's URL and a static folder of its own.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.bench.settings")
# Measured as a production worker runs: DEBUG off (no debug-mode template and error
# machinery), plain HTTP on loopback. The test client's host is allowed.
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + "x" * 60)
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SEARCH_TARGET_MS = 300
PAGE_TARGET_MS = 50


def _ids(sql: str, n: int = 20) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql + f" LIMIT {n}")
        return [row[0] for row in cursor.fetchall()]


def targets() -> list[tuple[str, str, list[str], bool]]:
    """(name, kind, urls, needs login). Kind "search" has the 300 ms target."""
    recent_cases = _ids(
        "SELECT c.id FROM cases_case c WHERE c.is_secret = false AND EXISTS "
        "(SELECT 1 FROM decisions_decision d WHERE d.case_id = c.id) "
        "AND EXISTS (SELECT 1 FROM cases_document x WHERE x.case_id = c.id) ORDER BY c.id DESC"
    )
    long_chains = _ids(
        "SELECT case_id FROM decisions_decision WHERE case_id IS NOT NULL "
        "GROUP BY case_id HAVING COUNT(*) >= 15 ORDER BY COUNT(*) DESC"
    )
    decisions = _ids(
        "SELECT d.id FROM decisions_decision d JOIN decisions_vote v ON v.decision_id = d.id "
        "JOIN decisions_meeting m ON m.id = d.meeting_id WHERE m.approved_on IS NOT NULL "
        "ORDER BY d.id DESC"
    )
    plain_decisions = _ids(
        "SELECT d.id FROM decisions_decision d JOIN decisions_meeting m ON m.id = d.meeting_id "
        "WHERE m.approved_on IS NOT NULL AND d.case_id IS NOT NULL ORDER BY d.id DESC"
    )
    numbers = _ids("SELECT number FROM cases_case WHERE is_secret = false ORDER BY id DESC")
    registers = _ids("SELECT id FROM cases_register ORDER BY id")
    members = _ids(
        "SELECT member_id FROM members_membership m WHERE EXISTS "
        "(SELECT 1 FROM members_membershipevent e WHERE e.membership_id = m.id "
        "AND e.kind = 'notice') ORDER BY member_id"
    ) or _ids("SELECT member_id FROM members_membership ORDER BY member_id")
    federations = _ids("SELECT DISTINCT federation_id FROM members_membership")
    meetings = _ids(
        "SELECT m.id FROM decisions_meeting m WHERE EXISTS (SELECT 1 FROM decisions_decision d "
        "WHERE d.meeting_id = m.id) ORDER BY m.held_on DESC"
    )
    years = [2010 + i % 16 for i in range(20)]
    words = ["bygglov", "förskola", "detaljplan", "budget", "motion", "äldreomsorg", "taxa"]
    pages = [
        ("Ärendelista", "page", ["/arenden/"], False),
        (
            "Ärendelista med filter (diarium, år, status)",
            "page",
            [
                f"/arenden/?register={r}&year={y}&status=open"
                for r, y in zip(registers, years, strict=False)
            ],
            False,
        ),
        ("Ärendesida", "page", [f"/arenden/{i}/" for i in recent_cases], False),
        (
            "Ärendets historik (lång kedja)",
            "page",
            [f"/arenden/{i}/historik/" for i in long_chains or recent_cases],
            False,
        ),
        ("Beslutssida (§ med votering)", "page", [f"/beslut/{i}/" for i in decisions], False),
        ("Beslutssida (§)", "page", [f"/beslut/{i}/" for i in plain_decisions], False),
        ("Sök ord (brett)", "search", [f"/arenden/sok/?q={w}" for w in words], False),
        (
            "Sök diarienummer",
            "search",
            [f"/arenden/sok/?q={n.replace(' ', '+')}" for n in numbers],
            False,
        ),
        ("Medlemmens tidslinje", "page", [f"/medlemmar/{i}/" for i in members], False),
        ("Förbundets sida", "page", [f"/forbund/{i}/" for i in federations], False),
        ("Anslagstavla", "page", ["/anslagstavla/"], False),
        ("Sammanträde (sekreterare)", "page", [f"/sammantraden/{i}/" for i in meetings], True),
        ("API ärende", "page", [f"/api/v1/cases/{i}/" for i in recent_cases], False),
        ("API beslut", "page", [f"/api/v1/decisions/{i}/" for i in plain_decisions], False),
        ("API sök", "search", [f"/api/v1/search/?q={w}" for w in words], False),
        ("Hälsa", "page", ["/halsa/"], False),
    ]
    return [p for p in pages if p[2]]


def measure(requests: int) -> list[dict]:
    anonymous = Client()
    staff = Client()
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    staff.force_login(user)
    results = []
    for name, kind, urls, login in targets():
        client = staff if login else anonymous
        client.get(urls[0])  # warm up
        times, queries, statuses = [], [], set()
        for n in range(requests):
            url = urls[n % len(urls)]
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            queries.append(len(captured.captured_queries))
            statuses.add(response.status_code)
        times.sort()
        target = SEARCH_TARGET_MS if kind == "search" else PAGE_TARGET_MS
        p95 = times[int(0.95 * len(times)) - 1]
        results.append(
            {
                "name": name,
                "url": urls[0],
                "median_ms": round(statistics.median(times), 1),
                "p95_ms": round(p95, 1),
                "queries": f"{min(queries)}–{max(queries)}"
                if min(queries) != max(queries)
                else str(queries[0]),
                "status": ",".join(map(str, sorted(statuses))),
                "target_ms": target,
                "ok": p95 <= target and statuses <= {200},
            }
        )
        print(json.dumps(results[-1], ensure_ascii=False), flush=True)
    return results


def _free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _load(port: int, path, seconds: float, clients: int) -> tuple[float, float, int]:
    """Requests/s and p95 ms with ``clients`` threads doing GETs (one connection each time,
    as sync workers close them)."""
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    paths = [path] if isinstance(path, str) else list(path)
    requests = [
        f"GET {p} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode() for p in paths
    ]

    def run():
        mine = []
        n = threading.get_ident()
        while time.monotonic() < stop:
            n += 1
            request = requests[n % len(requests)]
            t0 = time.perf_counter()
            with socket.create_connection(("127.0.0.1", port)) as s:
                s.sendall(request)
                data = b""
                while chunk := s.recv(65536):
                    data += chunk
            if not data.startswith(b"HTTP/1.1 200"):
                with lock:
                    errors[0] += 1
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return len(latencies) / elapsed, latencies[int(0.95 * len(latencies)) - 1] * 1000, errors[0]


def gunicorn_run(
    port: int, seconds: float, typical: list[str], mixed: list[str], mixed_seconds: float
) -> list[dict]:
    if not _free(port):
        raise SystemExit(f"port {port} is taken")
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-" + "x" * 60),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    log = open(ROOT / "var" / "bench-gunicorn.log", "w")  # noqa: SIM115 - closed below
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-",
            "insjoriket.wsgi:application",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        for _ in range(100):
            if not _free(port):
                break
            time.sleep(0.2)
        time.sleep(1)
        rows = []
        for name, path in [("Referens: 50 rader, en tabell (ListView)", "/bench/reference/")] + [
            (f"Typisk sida {p}", p) for p in typical
        ]:
            _load(port, path, 2, 4)  # warm up both workers
            rate, p95, errors = _load(port, path, seconds, 4)
            rows.append({"name": name, "path": path, "rps": round(rate, 1),
                         "p95_ms": round(p95, 1), "errors": errors})  # fmt: skip
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
        if mixed_seconds:
            rate, p95, errors = _load(port, mixed, mixed_seconds, 50)
            rows.append({"name": f"Lasttest: 50 samtidiga klienter, {mixed_seconds:.0f} s, "
                         f"{len(mixed)} blandade sidor", "rps": round(rate, 1),
                         "p95_ms": round(p95, 1), "errors": errors})  # fmt: skip
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
        rss = subprocess.run(
            ["ps", "-o", "rss=", "--ppid", str(server.pid)], capture_output=True, text=True
        ).stdout.split()
        rows.append({"worker_rss_mb": [round(int(x) / 1024) for x in rss]})
        return rows
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def markdown(pages: list[dict], server: list[dict], sizes: dict) -> str:
    lines = [
        f"Machine: `{platform.node()}`, {os.cpu_count()} cores (shared), "
        f"PostgreSQL on the same machine; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. "
        f"Register: {sizes['cases']:,} ärenden, {sizes['decisions']:,} §§, "
        f"{sizes['meetings']:,} sammanträden.",
        "",
        "| page | example | median ms | p95 ms | queries | target p95 | met |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for r in pages:
        lines.append(
            f"| {r['name']} | `{r['url']}` | {r['median_ms']} | {r['p95_ms']} | {r['queries']} "
            f"| ≤ {r['target_ms']} | {'ja' if r['ok'] else 'nej'} |"
        )
    if server:
        lines += [
            "",
            "| gunicorn, 2 sync workers | req/s | p95 ms | errors |",
            "|---|---:|---:|---:|",
        ]
        for r in server:
            if "rps" in r:
                lines.append(f"| {r['name']} | {r['rps']} | {r['p95_ms']} | {r['errors']} |")
            if "worker_rss_mb" in r:
                lines.append(f"| worker RSS after the run (MB) | {r['worker_rss_mb']} | | |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--gunicorn-seconds", type=float, default=15)
    parser.add_argument("--port", type=int, default=8071)
    parser.add_argument("--no-gunicorn", action="store_true")
    parser.add_argument("--mixed-seconds", type=float, default=60, help="load test, 0 = none")
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM cases_case), (SELECT COUNT(*) FROM decisions_decision),"
            " (SELECT COUNT(*) FROM decisions_meeting)"
        )
        sizes = dict(zip(("cases", "decisions", "meetings"), cursor.fetchone(), strict=True))
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)  # hashed names, as in production
    pages = measure(args.requests)
    server = []
    if not args.no_gunicorn:
        case = _ids("SELECT id FROM cases_case WHERE is_secret = false ORDER BY id DESC", 1)
        mixed = [url for _name, _kind, urls, login in targets() if not login for url in urls[:3]]
        server = gunicorn_run(
            args.port,
            args.gunicorn_seconds,
            ["/arenden/", f"/arenden/{case[0]}/"],
            mixed,
            args.mixed_seconds,
        )
    text = markdown(pages, server, sizes)
    print(text)
    if args.markdown:
        args.markdown.write_text(text)


if __name__ == "__main__":
    main()
