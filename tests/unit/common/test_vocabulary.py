"""The shared words, and the Enums services keep of them, name the same values in the same order."""

import pytest

from services.catalog.domain.shops import ContactMethod
from services.common import vocabulary
from services.orders.domain.states import Status
from services.orders.domain.tabs import Tab
from services.shipping.domain.orders import OrderStatus


@pytest.mark.parametrize(("enum", "words"), [
    (Status, vocabulary.ORDER_STATUSES),
    (OrderStatus, vocabulary.ORDER_STATUSES),
    (Tab, vocabulary.ORDER_TABS),
    (ContactMethod, vocabulary.CONTACT_METHODS),
])
def test_each_service_enum_names_exactly_the_shared_words(enum, words):
    assert tuple(member.value for member in enum) == words
