"""A pytest plugin: personal data must never reach the logs.

For the whole run, a handler on the root logger (root level lowered to DEBUG) writes every
formatted record, exception text included, to a file. At the end of the session the files are
scanned for

- the personal data the suite uses (``PII_SAMPLES``; a test module may add its own values with
  ``pii_samples_add(...)``), and
- anything shaped like a mainland mobile number (``1[3-9]`` + 9 digits) or an 18-character
  resident identity number (GB 11643-1999: region, birth date, sequence, check character),

and the session fails listing what leaked, masked, and which loggers wrote it.

Enabled from tests/conftest.py: ``pytest_plugins = ["tests.plugins.pii_log_scan"]``. Under
pytest-xdist each worker writes its own file into a directory the controller hands out, and the
controller scans them all once the workers are done.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

# Values the suite uses as test personal data. Extend with pii_samples_add() rather than here
# when a module of another app owns the sample.
PII_SAMPLES: set[str] = {
    "13812345678",
    "13912345678",
    "+8613912345678",
    "+8613812345678",
    "11010519491231002X",
    "110105194912310029",
    "6222021234567890123",
    "zhangsan@example.com",
    "张三",
}

# Not inside a run of hex digits: a UUID in a logged path ("Not Found: /orders/<uuid>/") holds
# eleven decimal digits in a row often enough (about one id in a hundred) to look like a mobile.
MOBILE_RE = re.compile(r"(?<![0-9A-Fa-f])(?:\+?86[- ]?)?(1[3-9][0-9]{9})(?![0-9A-Fa-f])")
RESIDENT_ID_RE = re.compile(
    r"(?<![0-9A-Za-z])([1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])"
    r"(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx])(?![0-9A-Za-z])"
)
LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"
_DIR_KEY = "pii_log_dir"


def pii_samples_add(*values: str) -> None:
    """Add known test personal data to the scan (call at import time of a test module)."""
    PII_SAMPLES.update(v for v in values if v)


@dataclass(frozen=True, slots=True)
class Leak:
    kind: str  # "sample" | "mobile" | "document"
    masked: str
    logger: str
    count: int

    def __str__(self) -> str:
        return f"{self.kind} {self.masked} ({self.count}x, logger {self.logger})"


def _masked(kind: str, value: str) -> str:
    from hujin.core.masking import mask

    if kind == "mobile":
        return mask("mobile", value)
    if kind == "document":
        return mask("document", value)
    if len(value) >= 5:
        return value[:2] + "*" * (len(value) - 4) + value[-2:]
    return value[:1] + "*" * (len(value) - 1)


def pii_scan(text: str, *, samples: set[str] | None = None) -> list[Leak]:
    """The personal data found in ``text`` (log lines ``LEVEL logger: message``), masked."""
    samples = PII_SAMPLES if samples is None else samples
    found: dict[tuple[str, str, str], int] = {}
    for line in text.splitlines():
        parts = line.split(" ", 2)
        logger = parts[1].rstrip(":") if len(parts) > 2 else "?"
        hits: set[tuple[str, str]] = set()
        hits.update(("mobile", m.group(1)) for m in MOBILE_RE.finditer(line))
        hits.update(("document", m.group(1).upper()) for m in RESIDENT_ID_RE.finditer(line))
        shaped = " ".join(value for _, value in hits)
        for value in samples:
            # A sample already reported as a mobile or document number is not repeated.
            if value in line and value.removeprefix("+86").upper() not in shaped:
                hits.add(("sample", value))
        for kind, value in hits:
            key = (kind, _masked(kind, value), logger)
            found[key] = found.get(key, 0) + 1
    return [Leak(kind, masked, logger, count) for (kind, masked, logger), count in found.items()]


class _PiiLogPlugin:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.controller = not hasattr(config, "workerinput")
        if self.controller:
            self.dir = Path(tempfile.mkdtemp(prefix="hujin-pii-logs-"))
            name = "main.log"
        else:
            self.dir = Path(config.workerinput[_DIR_KEY])
            name = f"{config.workerinput.get('workerid', 'worker')}.log"
        self.handler = logging.FileHandler(self.dir / name, encoding="utf-8", delay=False)
        self.handler.setLevel(logging.DEBUG)
        self.handler.setFormatter(logging.Formatter(LOG_FORMAT))
        self.root_level = logging.getLogger().level

    def attach(self) -> None:
        root = logging.getLogger()
        root.addHandler(self.handler)
        root.setLevel(logging.DEBUG)

    def detach(self) -> None:
        root = logging.getLogger()
        root.removeHandler(self.handler)
        root.setLevel(self.root_level)
        self.handler.close()

    # Django's settings configure logging (dictConfig) after plugins load, which keeps our
    # handler (disable_existing_loggers is False) but resets the root level: set it again.
    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session):
        self.attach()

    def pytest_runtest_setup(self, item):
        root = logging.getLogger()
        if self.handler not in root.handlers:
            root.addHandler(self.handler)
        if root.level > logging.DEBUG:
            root.setLevel(logging.DEBUG)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session):
        self.detach()
        if not self.controller:
            return
        text = "\n".join(
            path.read_text(encoding="utf-8", errors="replace")
            for path in sorted(self.dir.glob("*.log"))
        )
        leaks = pii_scan(text)
        shutil.rmtree(self.dir, ignore_errors=True)
        if not leaks:
            return
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = [
            "personal data reached the logs (values masked here):",
            *(f"  {leak}" for leak in sorted(leaks, key=str)),
        ]
        if reporter is not None:
            reporter.write_sep("=", "PII in logs", red=True, bold=True)
            for line in lines:
                reporter.write_line(line, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


class _XdistHooks:
    """pytest-xdist's hook, kept apart: without xdist it would be an unknown hook."""

    def __init__(self, plugin: _PiiLogPlugin) -> None:
        self.plugin = plugin

    def pytest_configure_node(self, node):  # on the controller, for each worker
        node.workerinput[_DIR_KEY] = str(self.plugin.dir)


def pytest_configure(config: pytest.Config) -> None:
    plugin = _PiiLogPlugin(config)
    config.pluginmanager.register(plugin, "hujin-pii-log-scan")
    if config.pluginmanager.hasplugin("xdist") and plugin.controller:
        config.pluginmanager.register(_XdistHooks(plugin), "hujin-pii-log-scan-xdist")
