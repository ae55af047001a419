"""CDEK tracking through CDEK API v2.

    POST {url}/v2/oauth/token        form: grant_type=client_credentials, client_id, client_secret
         200 {"access_token", "token_type": "bearer", "expires_in": seconds, ...}
    GET  {url}/v2/orders?cdek_number=1234567890     Authorization: Bearer <access_token>
         200 {"entity": {"cdek_number", "statuses": [{"code", "name", "date_time", "city"}, ...]}, ...}
         400 {"requests": [{"state": "INVALID", "errors": [{"code": "v2_entity_not_found", ...}]}]}
         401 the token is missing, expired or revoked

The token is kept until shortly before `expires_in` runs out and fetched again on a 401. Refused
client credentials raise `CarrierRefused` and, for `refusal_pause` seconds (at most a minute, or
until the next poll), every later call does too without asking CDEK again: one poll's batch of
shipments must not hammer the token endpoint with credentials it has just refused.

Only orders registered under this CDEK account can be read: a number CDEK does not know, or one
that belongs to another account, is no news.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests

from .base import CarrierRefused, CarrierUnavailable, TrackingReport, note

log = logging.getLogger(__name__)

CARRIER = "cdek"

CREATED, IN_TRANSIT, DELIVERED, RETURNED = "created", "in_transit", "delivered", "returned"

# CDEK's order status codes in our words; None: the code says nothing about where the parcel is.
STATUSES: dict[str, str | None] = {
    # Registered, not handed over yet.
    "ACCEPTED": CREATED,  # registered, CDEK still validating it
    "CREATED": CREATED,  # registered and validated
    # Moving through CDEK's network. The RETURNED_TO_*_WAREHOUSE codes are a warehouse taking the
    # parcel in again (it missed a transport, or a delivery attempt failed), not a return to us.
    "RECEIVED_AT_SHIPMENT_WAREHOUSE": IN_TRANSIT,
    "READY_TO_SHIP_AT_SENDING_OFFICE": IN_TRANSIT,
    "READY_FOR_SHIPMENT_IN_SENDER_CITY": IN_TRANSIT,
    "RETURNED_TO_SENDER_CITY_WAREHOUSE": IN_TRANSIT,
    "TAKEN_BY_TRANSPORTER_FROM_SENDER_CITY": IN_TRANSIT,
    "SENT_TO_TRANSIT_CITY": IN_TRANSIT,
    "ACCEPTED_IN_TRANSIT_CITY": IN_TRANSIT,
    "ACCEPTED_AT_TRANSIT_WAREHOUSE": IN_TRANSIT,
    "RETURNED_TO_TRANSIT_WAREHOUSE": IN_TRANSIT,
    "READY_TO_SHIP_IN_TRANSIT_OFFICE": IN_TRANSIT,
    "READY_FOR_SHIPMENT_IN_TRANSIT_CITY": IN_TRANSIT,
    "TAKEN_BY_TRANSPORTER_FROM_TRANSIT_CITY": IN_TRANSIT,
    "SENT_TO_SENDER_CITY": IN_TRANSIT,
    "SENT_TO_RECIPIENT_CITY": IN_TRANSIT,
    "ACCEPTED_IN_SENDER_CITY": IN_TRANSIT,
    "ACCEPTED_IN_RECIPIENT_CITY": IN_TRANSIT,
    "ACCEPTED_AT_RECIPIENT_CITY_WAREHOUSE": IN_TRANSIT,
    "ACCEPTED_AT_PICK_UP_POINT": IN_TRANSIT,  # waiting for the buyer at the pickup point
    "TAKEN_BY_COURIER": IN_TRANSIT,
    "RETURNED_TO_RECIPIENT_CITY_WAREHOUSE": IN_TRANSIT,  # a failed attempt; another will follow
    "IN_CUSTOMS_INTERNATIONAL": IN_TRANSIT,
    "SHIPPED_TO_DESTINATION": IN_TRANSIT,
    "PASSED_TO_TRANSIT_CARRIER": IN_TRANSIT,
    "IN_CUSTOMS_LOCAL": IN_TRANSIT,
    "CUSTOMS_COMPLETE": IN_TRANSIT,
    "POSTOMAT_POSTED": IN_TRANSIT,  # in a parcel locker, waiting for the buyer
    "POSTOMAT_SEIZED": IN_TRANSIT,  # taken out of the locker unclaimed; NOT_DELIVERED follows
    # Final for the order.
    "DELIVERED": DELIVERED,
    "POSTOMAT_RECEIVED": DELIVERED,  # the buyer took it from the locker
    # The buyer refused or never came: the order ends here and the parcel goes back to the seller
    # under a return order of its own, which we do not track. Our nearest word is "returned".
    "NOT_DELIVERED": RETURNED,
    # Nothing about the parcel's whereabouts.
    "INVALID": None,  # the order's data is wrong; CDEK waits for a correction
    "REMOVED": None,  # the order was deleted before hand-over
}


def shipment_status(code: str) -> str | None:
    """Our word for a CDEK status code; None when the code is unknown or says nothing."""
    return STATUSES.get(code.strip().upper())


def latest_report(number: str, order: Any) -> TrackingReport | None:
    """The newest status of a `GET /v2/orders` answer that says where the parcel is, or None.

    Statuses are taken newest first by `date_time` (CDEK lists them so; equal or unreadable times
    keep CDEK's order). Raises CarrierUnavailable when the answer is not an order.
    """
    entity = order.get("entity") if isinstance(order, Mapping) else None
    statuses = entity.get("statuses") if isinstance(entity, Mapping) else None
    if not isinstance(statuses, list) or not all(isinstance(s, Mapping) for s in statuses):
        raise CarrierUnavailable("CDEK: the answer has no entity.statuses list")
    for status in sorted(statuses, key=_newest_first, reverse=True):
        code = status.get("code")
        if not isinstance(code, str):
            continue
        ours = shipment_status(code)
        if ours is not None:
            return TrackingReport(number, ours, note(status.get("name"), status.get("city")))
        if code.strip().upper() not in STATUSES:
            log.warning("CDEK order %s has a status code we do not know: %r", number, code)
    return None


def _newest_first(status: Mapping) -> datetime:
    value = status.get("date_time")
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        return datetime.min
    return moment.replace(tzinfo=None) - moment.utcoffset()


@dataclass(frozen=True, slots=True)
class _Token:
    value: str
    renew_at: float  # on the client's clock


class CdekTracking:
    """One CDEK account: its token, kept between calls, and `fetch(number)`."""

    CARRIER = CARRIER
    TOKEN_MARGIN = 60.0  # renew a token this many seconds before it expires (at most a tenth of its life)
    REFUSAL_PAUSE = 60.0  # after refused credentials, refuse at once for this long (default)

    def __init__(
        self,
        url: str,
        client_id: str,
        client_secret: str,
        timeout: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        refusal_pause: float = REFUSAL_PAUSE,
    ):
        self.url = url.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self.timeout = timeout
        self._clock = clock
        self.refusal_pause = refusal_pause
        self._lock = threading.Lock()
        self._token: _Token | None = None
        self._refused_until: float | None = None
        self._refusal = ""
        self._http = requests.Session()

    def __repr__(self) -> str:
        return f"CdekTracking({self.url!r}, client_id={self._client_id!r})"

    def fetch(self, number: str) -> TrackingReport | None:
        """CDEK's latest news on the order with this CDEK number (see the module's rules)."""
        token = self._valid_token()
        response = self._get_order(number, token)
        if response.status_code == 401:  # expired or revoked before we expected: one new token
            self._forget(token)
            response = self._get_order(number, self._valid_token())
            if response.status_code == 401:
                raise CarrierRefused("CDEK refused a token it had just issued (HTTP 401)")
        return self._read_order(number, response)

    # -- the token --------------------------------------------------------------------------------
    def _valid_token(self) -> str:
        with self._lock:
            now = self._clock()
            if self._refused_until is not None and now < self._refused_until:
                raise CarrierRefused(self._refusal)
            if self._token is None or now >= self._token.renew_at:
                self._token = self._new_token(now)
            return self._token.value

    def _forget(self, token: str) -> None:
        with self._lock:
            if self._token is not None and self._token.value == token:
                self._token = None

    def _new_token(self, now: float) -> _Token:
        url = f"{self.url}/v2/oauth/token"
        form = {
            "grant_type": "client_credentials",
            "client_id": self._client_id,
            "client_secret": self._client_secret,
        }
        try:
            response = self._http.post(
                url, data=form, timeout=self.timeout, headers={"Accept": "application/json"}
            )
        except requests.RequestException as exc:
            raise CarrierUnavailable(f"{url}: {exc}") from exc
        if response.status_code in (400, 401, 403):
            self._refusal = (
                f"CDEK refused the client credentials: HTTP {response.status_code} "
                f"{_oauth_error(response)}".strip()
            )
            self._refused_until = now + self.refusal_pause
            raise CarrierRefused(self._refusal)
        if response.status_code != 200:
            raise CarrierUnavailable(f"{url}: HTTP {response.status_code}")
        body = _json(response, url)
        value, lifetime = body.get("access_token"), body.get("expires_in")
        if not isinstance(value, str) or not value or not _is_number(lifetime) or lifetime <= 0:
            raise CarrierUnavailable(f"{url}: no access_token and expires_in in the answer")
        self._refused_until = None
        return _Token(value, now + lifetime - min(self.TOKEN_MARGIN, lifetime / 10))

    # -- the order --------------------------------------------------------------------------------
    def _get_order(self, number: str, token: str) -> requests.Response:
        url = f"{self.url}/v2/orders"
        try:
            return self._http.get(
                url,
                params={"cdek_number": number},
                timeout=self.timeout,
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            )
        except requests.RequestException as exc:
            raise CarrierUnavailable(f"{url}: {exc}") from exc

    def _read_order(self, number: str, response: requests.Response) -> TrackingReport | None:
        where = f"{self.url}/v2/orders?cdek_number={number}"
        if response.status_code in (400, 403, 404):
            codes = _error_codes(response)
            if any("not_found" in code or "forbidden" in code for code in codes):
                return None  # not (yet) known to CDEK, or another account's order
            raise CarrierUnavailable(f"{where}: HTTP {response.status_code} {', '.join(codes)}")
        if response.status_code != 200:
            raise CarrierUnavailable(f"{where}: HTTP {response.status_code}")
        return latest_report(number, _json(response, where))


def _json(response: requests.Response, where: str) -> dict:
    try:
        body = response.json()
    except ValueError as exc:
        raise CarrierUnavailable(f"{where}: not JSON") from exc
    if not isinstance(body, dict):
        raise CarrierUnavailable(f"{where}: not a JSON object")
    return body


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _oauth_error(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("error", "")) if isinstance(body, dict) else ""


def _error_codes(response: requests.Response) -> list[str]:
    """The `errors[].code` of CDEK's answer, wherever it puts them (top level or per request)."""
    try:
        body = response.json()
    except ValueError:
        return []
    if not isinstance(body, dict):
        return []
    groups = [body] + [r for r in _list(body.get("requests")) if isinstance(r, dict)]
    return [
        str(error.get("code", "")).lower()
        for group in groups
        for error in _list(group.get("errors"))
        if isinstance(error, dict)
    ]


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []
