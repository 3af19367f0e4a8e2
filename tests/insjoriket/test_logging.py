"""Structured JSON logs for production (insjoriket.logging)."""

import json
import logging
import logging.config

from insjoriket.logging import JsonFormatter, logging_config


def test_a_log_line_is_one_json_object_with_time_level_logger_and_message():
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Fel %s", ("x",), None)
    record.status_code = 500
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "django.request"
    assert entry["message"] == "Fel x"
    assert entry["status"] == 500
    assert entry["time"].endswith("+00:00")


def test_json_logs_are_opt_in(monkeypatch):
    default = {"version": 1}
    monkeypatch.delenv("DJANGO_LOG_FORMAT", raising=False)
    assert logging_config(default) is default
    monkeypatch.setenv("DJANGO_LOG_FORMAT", "json")
    config = logging_config(default)
    assert config["handlers"]["console"]["formatter"] == "json"
    logging.config.dictConfig(config)
    logging.config.dictConfig(default | {"disable_existing_loggers": False})
