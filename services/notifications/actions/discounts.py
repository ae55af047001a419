"""An abandoned-cart discount (`cart.discount_offered`): the buyer hears of it in the app and by
e-mail where their preferences take marketing (the app by default, e-mail when they opted in;
`domain.preferences`), with a link to the product.

`fn(uow, event)`, run by the event handler inside the unit of work's transaction (a redelivered
event is in the inbox already and writes nothing twice).
"""

from __future__ import annotations

from services.common.events import Event
from services.common.uow import UnitOfWork

from .. import settings
from ..domain import audience, preferences, templates
from ..domain.discounts import discount_offered
from ..models import Preferences
from .common import add_delivery, add_notice, person


def tell_discount(uow: UnitOfWork, event: Event) -> None:
    data = event.data
    buyer = person(uow, event, str(data["buyer_id"]))
    choice = uow.session.get(Preferences, buyer.user_id)
    stored = choice.channels if choice else None
    news = discount_offered(data, buyer.locale)
    facts = {"shop_id": str(data["shop_id"]), "product_id": str(data["product_id"]),
             "percent_off": int(data["percent_off"])}
    if preferences.allows(stored, audience.IN_APP, preferences.MARKETING):
        add_notice(uow, event, news.title, news.body, recipient_id=buyer.user_id, data=facts)
    if buyer.email and preferences.allows(stored, audience.EMAIL, preferences.MARKETING):
        link = settings.links().product(str(data["product_id"]))
        mail = templates.email(templates.News(news.title, news.body, link), buyer.locale)
        add_delivery(uow, event, audience.Send(audience.EMAIL, audience.BUYER, buyer.user_id,
                                               buyer.email, buyer.locale),
                     subject=mail.subject, body=mail.text, html=mail.html)
