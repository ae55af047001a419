"""Fixtures the end-to-end modules share."""

from __future__ import annotations

import pytest

from atelier.sinks import MailSink


@pytest.fixture(scope="module")
def mail():
    """The SMTP sink of `make run`, on a port of its own, for the module's notifications."""
    sink = MailSink().start()
    yield sink
    sink.stop()
