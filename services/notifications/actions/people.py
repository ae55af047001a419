"""People and shops as notifications knows them: users' contacts (`user.registered`), shops' owners
(`shop.created`), where a shop's order notices go (its owner sets them), and what a user chose to
receive.

Shop settings: only the shop's owner reads or changes them (403 for anyone else, checked before the
body; a shop not known here is a 404). A PUT replaces them all: `order_emails` absent or null
means the owner's own address, `[]` no e-mail at all; a phone or chat left out is cleared.
"""

from __future__ import annotations

from typing import Any

from services.common import clock
from services.common.caller import Caller
from services.common.errors import Forbidden, NotFound
from services.common.events import Event
from services.common.schemas import load
from services.common.uow import UnitOfWork

from .. import schemas
from ..domain import preferences
from ..models import Contact, Preferences, ShopSettings


def user_registered(uow: UnitOfWork, event: Event) -> None:
    data = event.data
    uow.session.merge(Contact(user_id=str(data["user_id"]), email=data["email"],
                              phone=data.get("phone"), name=data.get("name"),
                              locale=data.get("locale") or "en", roles=list(data["roles"])))


def shop_created(uow: UnitOfWork, event: Event) -> None:
    shop_id, owner_id = str(event.data["shop_id"]), str(event.data["owner_id"])
    row = uow.session.get(ShopSettings, shop_id)
    if row is None:
        uow.session.add(ShopSettings(shop_id=shop_id, owner_id=owner_id))
    else:
        row.owner_id = owner_id


def get_shop_settings(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    with uow:
        row = _own_shop(uow, caller, data["shop_id"])
        return _settings_view(uow, row)


def put_shop_settings(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    with uow:
        row = _own_shop(uow, caller, data["shop_id"])
        body = load(schemas.ShopSettingsIn, data["body"])
        row.order_emails = body["order_emails"]
        row.sms_phone = body["sms_phone"]
        row.telegram_chat_id = body["telegram_chat_id"]
        row.updated_at = clock.now()
        return _settings_view(uow, row)


def get_preferences(uow: UnitOfWork, caller: Caller) -> dict[str, Any]:
    caller.require("buyer", "seller", "admin")
    with uow.reading() as session:
        row = session.get(Preferences, caller.user_id)
        return {"channels": preferences.effective(row.channels if row else None)}


def put_preferences(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    caller.require("buyer", "seller", "admin")
    with uow:
        row = uow.session.get(Preferences, caller.user_id, with_for_update=True)
        channels = preferences.merged(row.channels if row else None, data["channels"])
        if row is None:
            uow.session.add(Preferences(user_id=caller.user_id, channels=channels))
        else:
            row.channels = channels
        return {"channels": channels}


def _own_shop(uow: UnitOfWork, caller: Caller, shop_id: str) -> ShopSettings:
    caller.require("seller", "admin")
    row = uow.session.get(ShopSettings, shop_id)
    if row is None:
        raise NotFound("No such shop.", code="shop_not_found")
    if row.owner_id != caller.user_id:
        raise Forbidden("This is not your shop.", code="not_shop_owner")
    return row


def _settings_view(uow: UnitOfWork, row: ShopSettings) -> dict[str, Any]:
    emails = row.order_emails
    if emails is None:
        owner = uow.session.get(Contact, row.owner_id)
        emails = [owner.email] if owner is not None else []
    return {"order_emails": list(emails), "sms_phone": row.sms_phone,
            "telegram_chat_id": row.telegram_chat_id}
