"""The channels messages leave by, behind one interface: e-mail (SMTP), SMS (an HTTP gateway) and
Telegram (the Bot API's `sendMessage`). In-app notices are rows of this service, not a channel.

Each channel's `send_all(messages)` sends a batch over one connection and returns one outcome per
message it tried, in order: None (accepted), `Retry` (try again later: the server is down, busy or
answered 4xx/429/5xx of the passing kind) or `Refused` (never: a malformed address, a chat that does
not exist). It stops at the first `Retry` that says the channel is unreachable (`down`), so the
messages after it are not tried against a server known to be away; their outcomes are missing.
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

import requests
from nameko.extensions import DependencyProvider

from . import settings


@dataclass(frozen=True, slots=True)
class Outgoing:
    id: str
    channel: str
    address: str
    subject: str | None
    text: str
    html: str | None = None


class Retry(Exception):
    """Sending failed for now; `down` when the channel could not be reached at all."""

    def __init__(self, reason: str, down: bool = False):
        super().__init__(reason)
        self.down = down


class Refused(Exception):
    """The channel refused the message for good."""


Outcome = Retry | Refused | None


class Channel(Protocol):
    name: str

    def send_all(self, messages: Sequence[Outgoing]) -> list[Outcome]: ...


class Email:
    name = "email"

    def __init__(self, config: settings.Smtp, timeout: float):
        self.config, self.timeout = config, timeout

    def send_all(self, messages: Sequence[Outgoing]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        try:
            smtp = smtplib.SMTP(self.config.host, self.config.port, timeout=self.timeout)
        except (OSError, smtplib.SMTPException) as exc:
            return [Retry(f"SMTP server unreachable: {exc}", down=True)]
        try:
            if self.config.starttls:
                smtp.starttls()
            if self.config.user:
                smtp.login(self.config.user, self.config.password or "")
            for message in messages:
                outcome = self._send(smtp, message)
                outcomes.append(outcome)
                if isinstance(outcome, Retry) and outcome.down:
                    break
        except (OSError, smtplib.SMTPException) as exc:  # the greeting, STARTTLS or the login
            outcomes.append(Retry(f"SMTP session failed: {exc}", down=True))
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
        return outcomes

    def _send(self, smtp: smtplib.SMTP, message: Outgoing) -> Outcome:
        try:
            smtp.send_message(self.compose(message))
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            return _by_code(code, f"recipient refused: {code} {_decode(text)}")
        except smtplib.SMTPResponseException as exc:
            return _by_code(exc.smtp_code, f"{exc.smtp_code} {_decode(exc.smtp_error)}",
                            down=exc.smtp_code == 421)
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            return Retry(f"SMTP connection lost: {exc}", down=True)
        return None

    def compose(self, message: Outgoing) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.config.sender
        mail["To"] = message.address
        mail["Subject"] = message.subject or ""
        mail["Message-ID"] = make_msgid(idstring=message.id)
        mail.set_content(message.text)
        if message.html:
            mail.add_alternative(message.html, subtype="html")
        return mail


class _Http:
    """What SMS and Telegram share: JSON POSTs over a kept-alive session, one status rule."""

    name = ""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.http = requests.Session()

    def send_all(self, messages: Sequence[Outgoing]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        for message in messages:
            outcome = self._send(message)
            outcomes.append(outcome)
            if isinstance(outcome, Retry) and outcome.down:
                break
        return outcomes

    def _send(self, message: Outgoing) -> Outcome:
        url, body, headers = self.request(message)
        try:
            answer = self.http.post(url, json=body, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            return Retry(f"{self.name} unreachable: {type(exc).__name__}", down=True)
        if answer.ok:
            return None
        reason = f"{answer.status_code} {answer.text[:200]}"
        if answer.status_code == 429 or answer.status_code >= 500:
            return Retry(reason, down=answer.status_code >= 500)
        return Refused(reason)

    def request(self, message: Outgoing) -> tuple[str, dict, dict]:
        raise NotImplementedError


class Sms(_Http):
    name = "sms"

    def __init__(self, url: str, key: str | None, timeout: float):
        super().__init__(timeout)
        self.url, self.key = url, key

    def request(self, message: Outgoing) -> tuple[str, dict, dict]:
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        return f"{self.url}/send", {"to": message.address, "text": message.text}, headers


class Telegram(_Http):
    name = "telegram"

    def __init__(self, url: str, token: str, timeout: float):
        super().__init__(timeout)
        self.url, self.token = url, token

    def request(self, message: Outgoing) -> tuple[str, dict, dict]:
        return (f"{self.url}/bot{self.token}/sendMessage",
                {"chat_id": message.address, "text": message.text}, {})


def _by_code(code: int, reason: str, down: bool = False) -> Outcome:
    return Retry(reason, down=down) if 400 <= code < 500 else Refused(reason)


def _decode(text) -> str:
    return text.decode(errors="replace") if isinstance(text, bytes) else str(text)


class Channels:
    """The channels this process sends by, by name."""

    def __init__(self, channels: Sequence[Channel]):
        self.by_name = {channel.name: channel for channel in channels}

    def __getitem__(self, name: str) -> Channel:
        return self.by_name[name]

    @classmethod
    def from_settings(cls) -> Channels:
        timeout = settings.channel_timeout()
        return cls([Email(settings.smtp(), timeout),
                    Sms(settings.sms_url(), settings.sms_key(), timeout),
                    Telegram(settings.telegram_url(), settings.telegram_token(), timeout)])


class ChannelsProvider(DependencyProvider):
    """Nameko dependency: the channels, configured from the environment at setup."""

    def setup(self):
        self.channels = Channels.from_settings()

    def get_dependency(self, worker_ctx):
        return self.channels
