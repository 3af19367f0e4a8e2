"""gunicorn configuration for production: ``gunicorn -c gunicorn.conf.py insjoriket.wsgi``.

Workers: sync workers (plain WSGI; every request is short, database-bound, and PDFs of whole
protocols go to the task queue, see docs/deployment.md). The default is 2 × cores + 1, gunicorn's
own rule of thumb, capped by ``GUNICORN_WORKERS``. Each worker holds one PostgreSQL connection
(``DJANGO_CONN_MAX_AGE``), so workers × app servers must stay below PostgreSQL's
``max_connections`` (or put PgBouncer in between). Measured worker RSS: see docs/benchmarks.md.

Everything can be overridden with environment variables or on the command line.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 2
# Recycle a worker now and then so that a slow leak (e.g. in a PDF library) cannot grow forever.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# The reverse proxy in front (nginx, HAProxy) terminates TLS and sets X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Load the application before forking: workers share the imported code's memory.
preload_app = True
