"""Registration throughput: diarienummer allocated per second by ``cases.services.register_case``
with N concurrent writers, each in its own process with its own PostgreSQL connection (as
gunicorn's workers would be), and a check that the numbers are exactly 1..total — no duplicates,
no gaps (rule 24).

    DATABASE_URL=postgres://... .venv/bin/python tests/bench/bench_registration.py \\
        [--writers 50] [--per-writer 40] [--registers 1]

``--registers`` spreads the writers over that many registers of one organisation (a regional
instance has hundreds; 1 is the worst case: every writer waits for the same counter row).

``--mode service`` (default): 50 processes call ``register_case`` — validation, the statement,
the commit — so the clients' Python (about 1.3 ms per registration) competes with PostgreSQL
for the same 2 cores. ``--mode database``: one process drives 50 asyncio PostgreSQL connections
that each send the very statement ``register_case`` sends (``registration_statement``: counter,
case row and history row in one INSERT … ON CONFLICT … RETURNING, its own transaction), so the
figure is how fast the database allocates numbers for 50 concurrent connections, without 50
Python processes' overhead on the same cores. Both check 1..n, no duplicates, no gaps.
Creates its own organisation and registers (named "Mätning …"), so it can run on any database.
"""

import argparse
import datetime as dt
import multiprocessing as mp
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insjoriket.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, connections  # noqa: E402

from cases.models import Case, Register, RegisterCounter  # noqa: E402
from cases.services import register_case  # noqa: E402
from members.models import Organisation  # noqa: E402

YEAR = 2030


def _writer(register_ids, per_writer, barrier, results, index):
    connections.close_all()  # never share the parent's connection after fork
    registers = [Register.objects.get(pk=pk) for pk in register_ids]
    register = registers[index % len(registers)]
    Case.objects.exists()  # open the connection before the clock starts
    barrier.wait()
    latencies = []
    cpu = time.process_time()
    started = time.perf_counter()
    for n in range(per_writer):
        t0 = time.perf_counter()
        register_case(register=register, title=f"Mätning {index}-{n}", year=YEAR)
        latencies.append(time.perf_counter() - t0)
    results.put((started, time.perf_counter(), latencies, time.process_time() - cpu))
    connection.close()


def _database_mode(registers, writers: int, per_writer: int, asynchronous: bool):
    """50 asyncio connections sending register_case's statement; returns the outcomes in the
    shape _writer reports them."""
    import asyncio

    import psycopg

    from cases.services import registration_statement

    statements = []
    for register in registers:
        template = Case(register=register, year=YEAR, title="Mätning", opened_on=dt.date.today())
        statements.append(registration_statement(template, register=register, year=YEAR,
                                                 user=None, reason="Registrerat"))  # fmt: skip
    settings = connection.settings_dict
    conninfo = psycopg.conninfo.make_conninfo(
        dbname=settings["NAME"], user=settings["USER"], password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None, port=settings["PORT"] or None,
    )  # fmt: skip

    async def writer(index, conn, gate):
        sql, params = statements[index % len(statements)]
        params = dict(params)
        latencies = []
        await gate.wait()
        started = time.perf_counter()
        for n in range(per_writer):
            params["f_title"] = f"Mätning {index}-{n}"
            t0 = time.perf_counter()
            await conn.execute(sql, params)
            latencies.append(time.perf_counter() - t0)
        return started, time.perf_counter(), latencies

    async def run():
        conns = [await psycopg.AsyncConnection.connect(conninfo, autocommit=True)
                 for _ in range(writers)]  # fmt: skip
        if asynchronous:
            for conn in conns:
                await conn.execute("SET synchronous_commit TO off")
        gate = asyncio.Event()
        tasks = [asyncio.create_task(writer(i, c, gate)) for i, c in enumerate(conns)]
        cpu = time.process_time()
        gate.set()
        done = await asyncio.gather(*tasks)
        cpu = time.process_time() - cpu
        for conn in conns:
            await conn.close()
        return [(a, b, lat, cpu / writers) for a, b, lat in done]

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--per-writer", type=int, default=40)
    parser.add_argument("--registers", type=int, default=1)
    parser.add_argument("--mode", choices=["service", "database"], default="service")
    parser.add_argument(
        "--async-commit", action="store_true",
        help="database mode: synchronous_commit off (INSJORIKET_REGISTRATION_ASYNC_COMMIT)",
    )  # fmt: skip
    args = parser.parse_args()

    stamp = time.strftime("%Y%m%d%H%M%S")
    org = Organisation.objects.create(name=f"Mätning {stamp}-{os.getpid()}", kind="municipality")
    registers = [
        Register.objects.create(
            organisation=org, code=f"M{i}", name=f"Mätning {i}", number_format="{year}{code}{seq}"
        )
        for i in range(args.registers)
    ]
    ids = [r.pk for r in registers]
    if args.mode == "database":
        outcomes = _database_mode(registers, args.writers, args.per_writer, args.async_commit)
    else:
        outcomes = _service_mode(ids, args.writers, args.per_writer)
    report(args, registers, outcomes)


def _service_mode(ids, writers: int, per_writer: int):
    connections.close_all()
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(writers)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_writer, args=(ids, per_writer, barrier, results, i))
        for i in range(writers)
    ]
    for p in procs:
        p.start()
    outcomes = [results.get() for _ in procs]
    for p in procs:
        p.join()
        if p.exitcode != 0:
            raise SystemExit(f"a writer failed (exit {p.exitcode})")
    return outcomes


def report(args, registers, outcomes) -> None:
    start = min(o[0] for o in outcomes)
    end = max(o[1] for o in outcomes)
    latencies = sorted(x for o in outcomes for x in o[2])
    total = len(latencies)
    rate = total / (end - start)

    cpu_ms = sum(o[3] for o in outcomes) / total * 1000
    problems = []
    for register in registers:
        serials = sorted(
            Case.objects.filter(register=register, year=YEAR).values_list("serial", flat=True)
        )
        if serials != list(range(1, len(serials) + 1)):
            problems.append(f"{register.code}: numbers are not exactly 1..{len(serials)}")
        counter = RegisterCounter.objects.get(register=register, year=YEAR).last_serial
        if counter != len(serials):
            problems.append(f"{register.code}: counter {counter} != {len(serials)} cases")
    numbers = Case.objects.filter(register__in=registers).values_list("number", flat=True)
    if len(set(numbers)) != total:
        problems.append("duplicate numbers")

    print(f"machine: {platform.node()} {os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M')}")
    print(
        f"{args.mode} mode{' (asynchronous commit)' if args.async_commit else ''}: "
        f"{args.writers} writers, {args.registers} register(s), {total} registrations "
        f"in {end - start:.2f} s: {rate:.0f} registrations/s"
    )
    print(
        f"latency per registration: median {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {latencies[int(0.95 * total) - 1] * 1000:.1f} ms"
    )
    print(
        f"client CPU per registration: {cpu_ms:.2f} ms (Python side; the clients share the "
        f"machine's {os.cpu_count()} cores with PostgreSQL)"
    )
    print("numbers: " + ("exactly 1..n per register, no duplicates, no gaps" if not problems
                         else "; ".join(problems)))  # fmt: skip
    if problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
