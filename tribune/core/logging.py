"""Logging helpers: secrets masked in every record, and an optional JSON formatter.

``TRIBUNE_LOG_FORMAT=json`` writes one JSON object per line (``ts``, ``level``,
``logger``, ``msg``, the process and thread, ``exc`` when there is a traceback, and any
``extra={...}`` fields), for log collectors such as Loki, Elasticsearch or journald.

``SecretsFilter`` is installed on the console handler whatever the format: bearer
tokens, ``password=…``/``token=…``-style pairs (query strings, form bodies, reprs of
dicts) and Fernet ciphertexts are replaced by ``[masked]`` before anything is written.
It is a second line of defence: code must not log secrets in the first place
(``tests/security/test_security_web.py`` checks the main paths).
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

MASK = "[masked]"

_SENSITIVE_NAMES = (
    r"access_token|refresh_token|id_token|client_secret|app_password|password|passwd|"
    r"secret|api_key|apikey|token|signature|authorization|cookie|sessionid|csrftoken"
)
_PATTERNS = [
    # Authorization: Bearer xxx / Basic xxx
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}"), r"\1 " + MASK),
    # key=value in URLs and form bodies
    (re.compile(rf"(?i)\b({_SENSITIVE_NAMES})=([^&\s'\",;]+)"), r"\1=" + MASK),
    # 'key': 'value' / "key": "value" in reprs and JSON
    (
        re.compile(rf"(?i)(['\"]({_SENSITIVE_NAMES})['\"]\s*:\s*)(['\"])(.*?)\3"),
        r"\1\3" + MASK + r"\3",
    ),
    # Fernet tokens (our ciphertexts) never need to be read in a log
    (re.compile(r"\bgAAAAA[A-Za-z0-9_=-]{40,}"), MASK),
]


def mask_secrets(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class SecretsFilter(logging.Filter):
    """Mask secrets in the formatted message (the args are merged in first)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must still be logged
            return True
        masked = mask_secrets(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_secrets(record.exc_text)
        return True


_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "pid": record.process,
            "thread": record.threadName,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                body[key] = value if isinstance(value, str | int | float | bool) else str(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            body["exc"] = record.exc_text
        return json.dumps(body, ensure_ascii=False)


def logging_config(level: str, fmt: str) -> dict[str, Any]:
    """The ``LOGGING`` setting: console output, plain or JSON, secrets masked."""
    formatter = (
        {"()": "tribune.core.logging.JsonFormatter"}
        if fmt == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"secrets": {"()": "tribune.core.logging.SecretsFilter"}},
        "formatters": {"main": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "main",
                "filters": ["secrets"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "WARNING"}},
    }
