"""Nameko timers whose interval comes from the settings.

    @every(read_interval=settings.deadline_poll_seconds, eager=True)
    def run_deadlines(self): ...
"""

from __future__ import annotations

from nameko.timer import Timer


class ConfiguredTimer(Timer):
    """A timer whose interval is read from the settings when the service starts, not at import."""

    def __init__(self, read_interval, **kwargs):
        self.read_interval = read_interval
        super().__init__(interval=None, **kwargs)

    def setup(self):
        self.interval = self.read_interval()


# What a service class decorates its timers with: `@every(read_interval=settings.send_poll_seconds)`.
every = ConfiguredTimer.decorator
