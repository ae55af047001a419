"""The edge cache of public catalog reads: product pages and storefront listings answered by the
gateway process itself, without an RPC, for callers who get the public answer.

Who: anonymous callers and buyers. Sellers (who may own the product, and see its hidden state and
stock on hand) and admins (who see hidden products) always go to the catalog.

What is kept, per gunicorn worker (no shared server): the JSON bytes of `200` answers with their
ETag, in two bounded LRU maps (`GATEWAY_CATALOG_CACHE_SIZE` entries each).
- Product pages live until the catalog announces a change, `GATEWAY_CATALOG_CACHE_MAX_AGE_SECONDS`
  at most (a safety net: the `new` label and a vacation that begins run on the clock). A
  background consumer in each worker reads the catalog's events on an exclusive, auto-deleted
  queue bound to `atelier.events`: `product.created|updated|hidden` and `product.stock_changed`
  drop the products named, `shop.updated` every page of the shop. A page read from the catalog
  while a change of it was announced is answered but not kept (a sequence number per change).
- Listings are cleared by every announced change of a product or shop (a stock change aside: a
  listing's cards show no stock), so a change of a product, its price or its shop shows in them as
  soon as on its page. What is not announced (the popularity order, which moves with every view
  and cart add) may lag `GATEWAY_CATALOG_LISTING_MAX_AGE_SECONDS` (5 s).
- Concurrent misses of one key in a worker make one call to the catalog; the others wait for it.
- While the consumer is not connected (starting, or the broker restarting) nothing is kept and
  every read goes to the catalog; on (re)connection the cache starts empty, as events may have
  been missed meanwhile.
- A write through this worker (PATCH, PUT, POST, DELETE of a catalog product or shop) drops
  what it changes at once, so its author reads it back; the other workers and gateways learn of it
  from the event.

Views: a page answered from the cache still counts a view. The worker adds it to a counter per
product and sends the counts to the catalog (`record_views`) every
`GATEWAY_CATALOG_VIEWS_FLUSH_SECONDS` and when the worker exits, each batch under an id of its own
(the RPC's command id), so a batch sent again after a lost answer counts once. A page read from the
catalog counts its view there, as before. A `304` to `If-None-Match` is a view too.

Every answer of the two views carries an `ETag` (a hash of its body) and `Cache-Control:
no-cache` (`private` for a signed-in caller), and `If-None-Match` with the current tag gets `304`.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import json
import logging
import os
import threading
import time
import uuid
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from typing import Any

from flask import Flask, Response, current_app, g, request
from kombu import Connection, Consumer, Exchange, Queue, binding

from services.common.settings import EVENTS_EXCHANGE

from .. import metrics
from ..rpc.errors import RemoteError, ServiceUnavailable

log = logging.getLogger(__name__)

EXTENSION = "gateway_catalog_cache"
PRIVATE_ROLES = ("seller", "admin")  # callers whose answer may not be the public one
PRODUCT_EVENTS = ("product.created", "product.updated", "product.hidden")
EVENT_KEYS = (*PRODUCT_EVENTS, "product.stock_changed", "shop.updated")
MAX_VIEW_BATCH = 10_000  # products per batch (the catalog's `ViewBatchIn` limit)
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}
_MAX_MARKS = 100_000  # remembered per-key changes before they are folded into one "all changed"


class Entry:
    __slots__ = ("body", "etag", "expires", "shop_id")

    def __init__(self, body: bytes, etag: str, expires: float, shop_id: str | None):
        self.body, self.etag, self.expires, self.shop_id = body, etag, expires, shop_id


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


@dataclass(eq=False, repr=False)
class EdgeCache:
    """One worker's cache, its event consumer and its view counter (see the module's text)."""

    amqp_uri: str
    rpc: Any
    _: KW_ONLY
    size: int = 20_000  # entries per kind; 0 turns the cache off
    page_max_age: float = 60.0
    listing_max_age: float = 5.0
    views_flush_seconds: float = 1.0
    reconnect_seconds: float = 1.0
    flight_wait_seconds: float = 5.0  # the longest a miss waits for another thread's read

    def __post_init__(self) -> None:
        self.enabled = self.size > 0
        self._lock = threading.Lock()
        self._pages: OrderedDict[str, Entry] = OrderedDict()
        self._listings: OrderedDict[str, Entry] = OrderedDict()
        # Change marks: a sequence number per announced change, so a read that started before a
        # change of its key does not keep its answer.
        self._seq = 0
        self._all_changed = 0
        self._listings_changed = 0
        self._product_changed: dict[str, int] = {}
        self._shop_changed: dict[str, int] = {}
        self.live = False
        self._views: Counter[str] = Counter()
        self._unsent: tuple[str, dict[str, int]] | None = None
        self._views_lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._pid: int | None = None
        self._stopping = threading.Event()
        self._flights: dict[tuple[str, str], threading.Event] = {}

    # -- starting (in the worker, after the fork) ------------------------------------------------
    def start(self) -> None:
        if self._pid == os.getpid() or not self.enabled:
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._reset_after_fork()
            threading.Thread(target=self._consume, name="gateway-cache-events",
                             daemon=True).start()
            threading.Thread(target=self._flush_loop, name="gateway-cache-views",
                             daemon=True).start()
            atexit.register(self.close)

    def _reset_after_fork(self) -> None:
        self._pages.clear()
        self._listings.clear()
        self._views.clear()
        self._unsent = None
        self.live = False
        self._stopping = threading.Event()

    def close(self) -> None:
        """At the worker's exit: stop consuming, send the views counted so far."""
        self._stopping.set()
        self.live = False
        with contextlib.suppress(Exception):
            self.flush_views(timeout=2.0)

    # -- reads --------------------------------------------------------------------------------
    def usable(self) -> bool:
        self.start()
        return self.live

    def mark(self) -> int:
        return self._seq

    def begin(self, kind: str, key: str) -> tuple[bool, threading.Event]:
        """(True, its flight) when this thread is to read `key` from the catalog; (False, the
        flight to wait for) when another thread of this worker is reading it already."""
        with self._lock:
            flight = self._flights.get((kind, key))
            if flight is not None:
                return False, flight
            flight = self._flights[(kind, key)] = threading.Event()
            return True, flight

    def end(self, kind: str, key: str, flight: threading.Event) -> None:
        with self._lock:
            if self._flights.get((kind, key)) is flight:
                del self._flights[(kind, key)]
        flight.set()

    def get(self, kind: str, key: str) -> Entry | None:
        table = self._pages if kind == "page" else self._listings
        with self._lock:
            entry = table.get(key)
            if entry is None:
                return None
            if entry.expires <= time.monotonic():
                del table[key]
                return None
            table.move_to_end(key)
            return entry

    def put(self, kind: str, key: str, body: bytes, etag: str, since: int,
            shop_id: str | None = None) -> None:
        """Keep an answer read from the catalog after `since` (a `mark()`), unless a change it may
        miss was announced meanwhile or the consumer went away."""
        page = kind == "page"
        table = self._pages if page else self._listings
        max_age = self.page_max_age if page else self.listing_max_age
        with self._lock:
            if not self.live or self._all_changed > since:
                return
            if page and (self._product_changed.get(key, 0) > since
                         or (shop_id and self._shop_changed.get(shop_id, 0) > since)):
                return
            if not page and self._listings_changed > since:
                return
            table[key] = Entry(body, etag, time.monotonic() + max_age, shop_id)
            table.move_to_end(key)
            while len(table) > self.size:
                table.popitem(last=False)

    # -- changes ------------------------------------------------------------------------------
    def _next(self) -> int:
        self._seq += 1
        if len(self._product_changed) + len(self._shop_changed) > _MAX_MARKS:
            self._product_changed.clear()
            self._shop_changed.clear()
            self._all_changed = self._seq
        return self._seq

    def drop_products(self, product_ids: list[str], *, listings: bool = True) -> None:
        with self._lock:
            seq = self._next()
            for product_id in product_ids:
                self._product_changed[product_id] = seq
                self._pages.pop(product_id, None)
            if listings:
                self._listings_changed = seq
                self._listings.clear()

    def drop_shop(self, shop_id: str) -> None:
        with self._lock:
            seq = self._next()
            self._shop_changed[shop_id] = seq
            for key in [k for k, entry in self._pages.items() if entry.shop_id == shop_id]:
                del self._pages[key]
            self._listings_changed = seq
            self._listings.clear()

    def drop_listings(self) -> None:
        with self._lock:
            self._listings_changed = self._next()
            self._listings.clear()

    def clear(self) -> None:
        with self._lock:
            self._all_changed = self._next()
            self._product_changed.clear()
            self._shop_changed.clear()
            self._pages.clear()
            self._listings.clear()

    def on_event(self, routing_key: str, body: Any) -> None:
        try:
            envelope = json.loads(body)
            data = envelope["data"]
            if routing_key in PRODUCT_EVENTS:
                self.drop_products([str(data["product_id"])])
            elif routing_key == "product.stock_changed":  # listings show no stock
                self.drop_products([str(i) for i in data["product_ids"]], listings=False)
            elif routing_key == "shop.updated":
                self.drop_shop(str(data["shop_id"]))
        except (ValueError, KeyError, TypeError):
            log.warning("unreadable %s event: everything cached dropped", routing_key)
            self.clear()

    # -- the event consumer ---------------------------------------------------------------------
    def _consume(self) -> None:
        stopping = self._stopping
        while not stopping.is_set():
            conn = Connection(self.amqp_uri, connect_timeout=2, heartbeat=10)
            try:
                conn.connect()
                channel = conn.channel()
                exchange = Exchange(EVENTS_EXCHANGE, type="topic", durable=True,
                                    auto_delete=False)
                exchange(channel).declare()
                queue = Queue(f"gateway.cache-{uuid.uuid4().hex}", exchange=exchange,
                              bindings=[binding(exchange, routing_key=key) for key in EVENT_KEYS],
                              exclusive=True, auto_delete=True)
                consumer = Consumer(channel, queues=[queue], no_ack=True,
                                    on_message=self._on_message)
                consumer.consume()
                self.clear()  # whatever happened while nobody listened is unknown
                self.live = True
                log.info("catalog cache listening for changes")
                while not stopping.is_set():
                    try:
                        conn.drain_events(timeout=1.0)
                    except TimeoutError:
                        conn.heartbeat_check()
            except Exception as exc:  # noqa: BLE001 - kombu wraps some broker errors; retried
                if not stopping.is_set():
                    log.warning("catalog cache: changes not heard (%r); reading through until "
                                "reconnected", exc)
            finally:
                self.live = False
                self.clear()
                with contextlib.suppress(Exception):
                    conn.release()
            stopping.wait(self.reconnect_seconds)

    def _on_message(self, message) -> None:
        self.on_event(message.delivery_info.get("routing_key", ""), message.body)

    # -- views --------------------------------------------------------------------------------
    def count_view(self, product_id: str) -> None:
        with self._views_lock:
            self._views[product_id] += 1

    def _flush_loop(self) -> None:
        stopping = self._stopping
        while not stopping.wait(self.views_flush_seconds):
            try:
                self.flush_views()
            except Exception:  # noqa: BLE001 - the loop must go on; the batch is kept
                log.exception("sending page views failed")

    def flush_views(self, timeout: float | None = None) -> int:
        """Send the views counted (a batch kept from a failed send first, under its own id).
        The number of views the catalog acknowledged."""
        sent = 0
        with self._send_lock:
            while True:
                with self._views_lock:
                    if self._unsent is None and self._views:
                        ids = list(self._views)[:MAX_VIEW_BATCH]
                        self._unsent = (uuid.uuid4().hex,
                                        {i: self._views.pop(i) for i in ids})
                    batch = self._unsent
                if batch is None:
                    return sent
                batch_id, views = batch
                try:
                    self.rpc.call("catalog", "record_views", views, timeout=timeout, context={
                        "request_id": batch_id, "command_id": batch_id, "roles": []})
                except ServiceUnavailable as exc:
                    log.warning("page views not sent yet (%s); kept", exc)
                    return sent
                except RemoteError as exc:
                    log.error("page views refused by the catalog, dropped: %s", exc)
                with self._views_lock:
                    self._unsent = None
                sent += sum(views.values())


# -- the views -------------------------------------------------------------------------------
def _cache() -> EdgeCache:
    return current_app.extensions[EXTENSION]


def public_caller() -> bool:
    identity = g.get("identity")
    return identity is None or not any(role in identity.roles for role in PRIVATE_ROLES)


def _answer(body: bytes, etag: str, private: bool) -> Response:
    matches = request.if_none_match.contains_weak(etag.strip('"'))
    response = Response(b"" if matches else body, 304 if matches else 200,
                        mimetype="application/json")
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "private, no-cache" if private else "no-cache"
    return response


def _through(view: Callable, args, kwargs, private: bool) -> tuple[Response, bytes | None]:
    """The view as it answers without the cache, with an ETag; its body when it is a 200."""
    response = current_app.make_response(view(*args, **kwargs))
    if response.status_code != 200 or response.direct_passthrough:
        return response, None
    body = response.get_data()
    etag = etag_of(body)
    signed_in = g.get("identity") is not None
    return _answer(body, etag, private or signed_in), body


def _serve(kind: str, key: str, view: Callable, args, kwargs) -> Response:
    """A public read: from the cache, else from the catalog (kept if it may be). Concurrent misses
    of one key in this worker make one call: the others wait for its answer (a moment at most)."""
    cache = _cache()
    signed_in = g.get("identity") is not None
    leader = flight = None
    for _ in range(2):
        entry = cache.get(kind, key)
        if entry is not None:
            if kind == "page":
                cache.count_view(key)
            metrics.CATALOG_CACHE.labels(kind, "hit").inc()
            return _answer(entry.body, entry.etag, signed_in)
        leader, flight = cache.begin(kind, key)
        if leader:
            break
        flight.wait(cache.flight_wait_seconds)
    metrics.CATALOG_CACHE.labels(kind, "miss").inc()
    since = cache.mark()
    try:
        response, body = _through(view, args, kwargs, private=False)  # a page counts its view
        if body is not None:
            shop_id = json.loads(body).get("shop_id") if kind == "page" else None
            cache.put(kind, key, body, response.headers["ETag"], since,
                      shop_id=None if shop_id is None else str(shop_id))
    finally:
        if leader:
            cache.end(kind, key, flight)
    return response


def _bypass(kind: str, view: Callable, args, kwargs) -> Response | None:
    cache = _cache()
    if cache.enabled and public_caller() and cache.usable():
        return None
    metrics.CATALOG_CACHE.labels(kind, "bypass").inc()
    return _through(view, args, kwargs, private=not public_caller())[0]


def _cached(kind: str, key_of: Callable[[dict], str]) -> Callable[[Callable], Callable]:
    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def cached(*args, **kwargs):
            bypassed = _bypass(kind, view, args, kwargs)
            if bypassed is not None:
                return bypassed
            return _serve(kind, key_of(kwargs), view, args, kwargs)

        return cached

    return decorate


# `GET /products/{id}`: from the cache for public callers, the view counted either way.
product_page = _cached("page", lambda kwargs: str(kwargs["product_id"]))
# `GET /products`: from the cache for public callers, keyed by the query as sent.
listing = _cached("listing", lambda _kwargs: "&".join(
    f"{k}={v}" for k, v in sorted(request.args.items(multi=True))))


def _after_write(response: Response) -> Response:
    """A catalog write through this worker drops what it changed here at once."""
    if (request.method in _WRITES and response.status_code < 400
            and request.blueprint == "catalog" and request.view_args):
        cache = current_app.extensions.get(EXTENSION)
        if cache is not None and cache.enabled:
            if request.method == "POST":  # a new product, option or collection, or a quote
                if request.endpoint == "catalog.create_product":
                    cache.drop_listings()
            elif "product_id" in request.view_args:
                cache.drop_products([str(request.view_args["product_id"])])
            elif "shop_id" in request.view_args:
                cache.drop_shop(str(request.view_args["shop_id"]))
    return response


def install(app: Flask) -> EdgeCache:
    settings = app.config["GATEWAY"]
    cache = EdgeCache(
        settings.amqp_uri, app.extensions["gateway_rpc"],
        size=settings.catalog_cache_size,
        page_max_age=settings.catalog_cache_max_age_seconds,
        listing_max_age=settings.catalog_listing_max_age_seconds,
        views_flush_seconds=settings.catalog_views_flush_seconds,
    )
    app.extensions[EXTENSION] = cache
    app.after_request(_after_write)
    return cache
