"""Bulk import: an operator loads many shops and products at once (`atelier seed`, a migration from
another platform), through the same checks and the same derived columns as one-by-one creation.

    imports.import_shops(uow, operator, {"shops": [shop body, ...]})
    imports.import_products(uow, operator, {"products": iterable of product bodies})

Who: an operator (a caller with the role `system` or `admin`); anyone else is refused (403).

Each shop body is a `ShopIn` (as `POST /shops` takes) with the import's own fields (`ShopImportIn`:
its id, owner, creation time, and the labels other services give a shop later: `reliable_seller`
from verification, `online_payment` from its payment settings). Each product body is a
`NewProductIn` (as `POST /shops/{id}/products` takes), loaded by the same `load_product` and checked
by the same domain rules (`products.checked`), so a body refused one by one is refused here with the
same field errors, under `products.<n>.` (n counts from 0 in the import). Its import fields
(`ProductImportIn`): the id, creation time, the admin's `official_reseller` label and the
popularity counters (views, cart adds, sales, reviews with their rating sum) it brings along. The
columns are then set by `products.apply_draft`, the one place a body becomes a product (effective
price, option ids, search columns, `listed`, the domain's `popularity` score from those counters).
Option and variant ids a product body gives are kept, as a change keeps the ids it repeats.

One transaction: the whole import is written or, when any body is refused, nothing. Rows go in by
batches of `BATCH` through the session's connection (PostgreSQL: COPY; SQLite: executemany), and a
batch's words join the spelling index once (`listing.write_search_terms`).

Events: `shop.created` for each shop (notifications and shipping learn owners from it), recorded
in the import's transaction like any other. No `product.created`: its one subscriber is the
gateway's edge cache, which keeps only pages it has answered (a new product has none) and
listings for at most `GATEWAY_CATALOG_LISTING_MAX_AGE_SECONDS`, so an imported product shows there
within seconds anyway; one event per product would clear every cached listing once per product,
and recording them alone (about 0.85 ms of a transaction per event on PostgreSQL, so some 85 s for
100,000 products) costs more than importing the products.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from services.catalog.domain import search
from services.catalog.domain.errors import ProductInvalid, ShopInvalid
from services.catalog.models import Product, ProductCharacteristic, Shop
from services.catalog.schemas import (
    NewProductIn,
    ProductImportIn,
    ShopImportIn,
    ShopIn,
    load,
    load_product,
)
from services.common.caller import Caller
from services.common.errors import Conflict, NotFound
from services.common.uow import UnitOfWork

from .common import ensure_manageable, now
from .listing import write_search_terms
from .products import (
    apply_draft,
    characteristic_rows,
    checked,
    new_product_columns,
)
from .shops import new_shop_columns

BATCH = 5_000
OPERATORS = ("system", "admin")
SHOP_INVALID = "A shop of the import breaks a rule."
PRODUCT_INVALID = "A product of the import breaks the catalog's rules."
# The fields an import's bodies have besides those of `POST /shops` and `POST /products`.
IMPORT_FIELDS = tuple(sorted(set(ProductImportIn._declared_fields)
                             - set(NewProductIn._declared_fields)))
SHOP_IMPORT_FIELDS = tuple(sorted(set(ShopImportIn._declared_fields)
                                  - set(ShopIn._declared_fields)))


def import_shops(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, int]:
    """`{"shops": [shop body, ...]}` → `{"shops": written}`. A shop id or owner already in the
    catalog is refused (409) and nothing is written."""
    caller.require(*OPERATORS)
    moment = now()
    rows = [shop_row(body, n, moment) for n, body in enumerate(data["shops"])]
    with uow:
        session = uow.session
        ids = [row["id"] for row in rows]
        owners = [row["owner_id"] for row in rows]
        if len(set(ids)) != len(ids) or len(set(owners)) != len(owners) or any(
                session.execute(select(Shop.id).where(column.in_(values[i:i + BATCH]))).first()
                for column, values in ((Shop.id, ids), (Shop.owner_id, owners))
                for i in range(0, len(values), BATCH)):
            raise Conflict("A shop of the import, or its owner's shop, is already in the catalog.",
                           "shop_exists")
        write = bulk_writer(session)
        for i in range(0, len(rows), BATCH):
            write(Shop.__table__, rows[i:i + BATCH])
        for row in rows:
            uow.record("shop.created", {"shop_id": row["id"], "owner_id": row["owner_id"]},
                       aggregate_id=row["id"])
        return {"shops": len(rows)}


def import_products(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, int]:
    """`{"products": iterable of product bodies}` (each with its `shop_id`; read batch by batch,
    so a generator never sits whole in memory) → `{"products": n, "characteristics": n}`. A shop
    the catalog does not have is refused (404)."""
    caller.require(*OPERATORS)
    written = characteristics = 0
    moment = now()
    with uow:
        session = uow.session
        write = bulk_writer(session)
        shops: dict[str, Any] = {}
        for start, batch in _batches(data["products"]):
            rows, traits, indexed = [], [], []
            _load_shops(session, shops, batch)
            for n, body in enumerate(batch, start):
                row, index = product_row(session, shops, body, n, moment)
                indexed.append((row["id"], index))
                rows.append(row)
                traits.extend(characteristic_rows(row["id"], row["characteristics"]))
            write(Product.__table__, rows)
            write(ProductCharacteristic.__table__, traits)
            write_search_terms(session, indexed)
            written += len(rows)
            characteristics += len(traits)
        return {"products": written, "characteristics": characteristics}


# Rows -------------------------------------------------------------------------------------------


def shop_row(body: Any, n: int, moment: datetime) -> dict[str, Any]:
    """The columns of the import's `n`th shop, from its body, checked as `create_shop` checks."""
    try:
        loaded = load(ShopImportIn, body, error=ShopInvalid, detail=SHOP_INVALID)
        given = {key: loaded.pop(key) for key in SHOP_IMPORT_FIELDS}
        return new_shop_columns(
            loaded, str(given["owner_id"]), given["created_at"] or moment, **_known(given),
            reliable_seller=given["reliable_seller"], online_payment=given["online_payment"])
    except ShopInvalid as refused:
        raise ShopInvalid(SHOP_INVALID, errors=_under(f"shops.{n}", refused.errors)) from None


def product_row(session: Session, shops: dict[str, Any], body: Any, n: int,
                moment: datetime) -> tuple[dict[str, Any], search.ProductIndex]:
    """The columns of the import's `n`th product and its search index, from its body, checked
    as `create_product` checks it (its shop among `shops`, id → Shop)."""
    try:
        loaded = load_product(ProductImportIn, body)
        given = {key: loaded.pop(key) for key in IMPORT_FIELDS}
        shop = shops.get(str(loaded.pop("shop_id")))
        if shop is None:
            raise NotFound("There is no such shop.", "shop_not_found")
        ensure_manageable(shop)
        draft, _ = checked(session, shop, loaded)
    except ProductInvalid as refused:
        raise ProductInvalid(PRODUCT_INVALID,
                             errors=_under(f"products.{n}", refused.errors)) from None
    row = SimpleNamespace(**new_product_columns(
        shop, given["created_at"] or moment, **_known(given), **_counters(given)))
    kept = [{"id": option.id, "variants": [{"id": v.id} for v in option.variants if v.id]}
            for option in draft.options if option.id]
    index = apply_draft(row, shop, draft, previous_options=kept)
    return vars(row), index


# Checking ---------------------------------------------------------------------------------------


def _under(prefix: str, errors: dict[str, list[str]]) -> dict[str, list[str]]:
    return {f"{prefix}.{field}": messages for field, messages in errors.items()}


def _known(given: dict[str, Any]) -> dict[str, str]:
    """The id an import body gives (else the new row gets one of its own)."""
    return {} if given["id"] is None else {"id": str(given["id"])}


def _counters(given: dict[str, Any]) -> dict[str, Any]:
    return {key: given[key] for key in ("official_reseller", "views", "cart_adds", "sales",
                                        "review_count", "rating_sum")}


def _load_shops(session: Session, shops: dict[str, Any], batch: list[Any]) -> None:
    """Load the shops the batch names that are not loaded yet."""
    wanted = sorted({str(body["shop_id"]) for body in batch
                     if isinstance(body, dict) and body.get("shop_id")} - set(shops))
    if wanted:
        for shop in session.execute(select(Shop).where(Shop.id.in_(wanted))).scalars():
            shops[shop.id] = shop


def _batches(bodies: Iterable[dict[str, Any]]) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """(number of the batch's first body, the batch)."""
    bodies = iter(bodies)
    start = 0
    while batch := list(islice(bodies, BATCH)):
        yield start, batch
        start += len(batch)


# Writing ----------------------------------------------------------------------------------------


def bulk_writer(session: Session):
    """`write(table, rows)` on the session's connection, in its transaction: COPY on PostgreSQL,
    executemany elsewhere. The columns are those of the first row; the others take their
    defaults."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        def insert_rows(table: Table, rows: list[dict[str, Any]]) -> None:
            if rows:
                connection.execute(insert(table), rows)
        return insert_rows

    cursor = connection.connection.dbapi_connection.cursor()

    def copy_rows(table: Table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        columns = [c.name for c in table.columns if c.name in rows[0]]
        arrays = {c.name for c in table.columns if isinstance(c.type, ARRAY)}
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in rows:
            writer.writerow([_array(row[c]) if c in arrays else _csv(row[c]) for c in columns])
        buffer.seek(0)
        cursor.copy_expert(
            f"COPY {table.name} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
            buffer,
        )
    return copy_rows


def _array(value: list[str]) -> str:
    """A PostgreSQL array literal of search terms (letters and digits only; quoted, so a term
    "null" stays a word)."""
    return "{" + ",".join(f'"{term}"' for term in value) + "}"


def _csv(value: Any) -> Any:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list | dict):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, datetime):
        return value.isoformat()
    return value
