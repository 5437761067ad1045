"""How the processes log: text lines, or one JSON object a line (issue 17 §2).

CARTABLE_LOG_FORMAT=json sends every record, gunicorn's access and error logs included,
through python-json-logger: time, level, logger, message and the record's ``extra``
fields (a document id, a message id) as keys a log collector can index.
"""

from __future__ import annotations

import logging
import logging.config
from typing import Any

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"


def json_log_config() -> dict[str, Any]:
    """Return a ``logging.config.dictConfig`` that writes JSON lines to stderr."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": _JSON_FIELDS,
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            }
        },
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "json"},
        },
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        },
    }


def configure_logging(log_format: str) -> None:
    """Set up the root logger for a command: text lines or JSON lines."""
    if log_format == "json":
        logging.config.dictConfig(json_log_config())
    else:
        logging.basicConfig(level=logging.INFO, format=TEXT_FORMAT)
