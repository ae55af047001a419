"""A shop's payment settings and its plan.

`put_settings` (the owner): the provider, credentials (trimmed; the secret key encrypted at rest
and kept when a later PUT leaves it out), timing and surcharge; `enabled: true` needs a plan that
allows online payment and the shop's legal details, read from the catalog as the owner sees them
(outside any transaction). Every accepted PUT records `shop.payment_settings_changed` (no
credentials in it). `get_settings` (the owner, an admin) never shows the secret and shows the
plan. `set_plan` (an admin): a plan without online payment switches a shop's online payment off.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from services.common import clock
from services.common.caller import Caller
from services.common.errors import NotFound, ShopNotFound
from services.common.uow import UnitOfWork

from .. import schemas
from ..domain.errors import InvalidSettings, UnknownPlan
from ..domain.shop_settings import DEFAULT_TIMING, check_can_enable, clean_credentials
from ..kit import Kit
from ..models import ShopRow
from .access import authorize_owner, keep_shop, shop_owner


def put_settings(uow: UnitOfWork, caller: Caller, kit: Kit, data: dict[str, Any]) -> dict:
    caller.require("seller")
    shop_id = data["shop_id"]
    try:
        shop = uow.peers.catalog.shop(shop_id)  # as its owner sees it: with `legal`
    except NotFound:
        raise ShopNotFound("There is no such shop.") from None
    authorize_owner(uow, caller, shop_id)
    body = schemas.load(schemas.SettingsBody, data["body"],
                        detail="The payment settings have invalid fields.")
    account_id, secret = _credentials(body)
    with uow:
        row = keep_shop(uow, shop_id, str(shop["owner_id"]))
        if secret is None and row.secret_encrypted is None:
            raise InvalidSettings("The payment settings have invalid fields.",
                                  errors={"secret_key": ["Missing data for required field."]})
        row.legal = shop.get("legal")
        if body["enabled"]:
            check_can_enable(kit.plan(row.plan), row.legal)
        row.provider, row.account_id = body["provider"], account_id
        if secret is not None:
            row.secret_encrypted = kit.box.seal(secret)
        row.enabled = body["enabled"]
        row.timing = body["timing"]
        row.surcharge_percent = body["surcharge_percent"]
        row.surcharge_label = body["surcharge_label"]
        row.updated_at = clock.now()
        _record_changed(uow, row)
        return view(row, kit)


def get_settings(uow: UnitOfWork, caller: Caller, kit: Kit, data: dict[str, Any]) -> dict:
    shop_id = data["shop_id"]
    authorize_owner(uow, caller, shop_id, admin_may=True)
    with uow.reading() as session:
        row = session.get(ShopRow, shop_id)
    return view(row, kit, shop_id=shop_id)


def set_plan(uow: UnitOfWork, caller: Caller, kit: Kit, data: dict[str, Any]) -> dict:
    caller.require("admin")
    shop_id = data["shop_id"]
    owner_id = shop_owner(uow, shop_id)  # 404 for a shop nobody knows
    body = schemas.load(schemas.PlanBody, data["body"])
    if body["plan"] not in kit.plans:
        raise UnknownPlan("There is no such plan.",
                          errors={"plan": [f"One of: {', '.join(sorted(kit.plans))}."]})
    with uow:
        row = keep_shop(uow, shop_id, owner_id)
        row.plan = body["plan"]
        row.updated_at = clock.now()
        if row.enabled and not kit.plan(row.plan).online_payment:
            row.enabled = False
            _record_changed(uow, row)
        return {"shop_id": shop_id, **_plan_view(kit, row.plan)}


def _credentials(body: dict) -> tuple[str, str | None]:
    secret = body["secret_key"]
    if secret is None:
        account_id, _ = clean_credentials(body["account_id"], "kept")
        return account_id, None
    return clean_credentials(body["account_id"], secret)


def _record_changed(uow: UnitOfWork, row: ShopRow) -> None:
    uow.record("shop.payment_settings_changed", {
        "shop_id": row.shop_id, "online_payment": bool(row.enabled), "provider": row.provider,
        "timing": row.timing or DEFAULT_TIMING,
        "surcharge_percent": _percent(row.surcharge_percent),
        "surcharge_label": row.surcharge_label,
    }, aggregate_id=row.shop_id)


def _percent(value: Decimal | None) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def _plan_view(kit: Kit, name: str | None) -> dict:
    plan = kit.plan(name)
    return {"plan": plan.name, "commission_percent": _percent(plan.commission_percent),
            "online_payment_allowed": plan.online_payment}


def view(row: ShopRow | None, kit: Kit, shop_id: str | None = None) -> dict:
    """The settings as the owner sees them: never the secret, only whether one is stored."""
    if row is None:
        return {"shop_id": shop_id, "provider": None, "account_id": None, "secret_key_set": False,
                "enabled": False, "surcharge_percent": None, "surcharge_label": None,
                "timing": DEFAULT_TIMING, **_plan_view(kit, None)}
    return {"shop_id": row.shop_id, "provider": row.provider, "account_id": row.account_id,
            "secret_key_set": row.secret_encrypted is not None, "enabled": bool(row.enabled),
            "surcharge_percent": _percent(row.surcharge_percent),
            "surcharge_label": row.surcharge_label, "timing": row.timing or DEFAULT_TIMING,
            **_plan_view(kit, row.plan)}
