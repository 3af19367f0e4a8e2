"""Structured logs for production: one JSON object per line on stderr, for a log collector
(journald, Loki, Elasticsearch) to index. Turned on with ``DJANGO_LOG_FORMAT=json``; the
default stays Django's plain text, which is easier to read in development.

Only the standard library is used. Each line has ``time`` (UTC, ISO 8601), ``level``,
``logger`` and ``message``; request log records (``django.request``, ``django.server``) add
``method``, ``path`` and ``status``; errors add ``exception`` with the traceback. Query strings
are left out of ``path`` (search terms may be personal data).
"""

import datetime as dt
import json
import logging
import os


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["method"] = getattr(request, "method", "")
            entry["path"] = request.path
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(default: dict) -> dict:
    """The LOGGING setting: ``default`` unless ``DJANGO_LOG_FORMAT=json``."""
    if os.environ.get("DJANGO_LOG_FORMAT", "").lower() != "json":
        return default
    level = os.environ.get("DJANGO_LOG_LEVEL", "INFO")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "insjoriket.logging.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django": {"handlers": ["console"], "level": level, "propagate": False},
            "pgserver": {"level": "WARNING"},
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }
