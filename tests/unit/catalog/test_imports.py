"""An operator's bulk import of shops and products (`actions/imports.py`) at the actions' own layer,
on SQLite in memory: the bodies `POST /shops` and `POST /products` take, refused as they would be
one by one, and written with the columns one-by-one creation writes."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest
from sqlalchemy import select

from services.catalog import models, schemas
from services.catalog.actions import imports, shops, signals
from services.catalog.actions import products as product_actions
from services.catalog.domain.errors import ProductInvalid, ShopInvalid
from services.catalog.models import Product, ProductCharacteristic, ProductSearchTerm, Shop
from services.common.caller import Caller
from services.common.errors import Conflict, Forbidden
from tests.support import units

OPERATOR = Caller(user_id="ops", roles=frozenset({"system"}))


@pytest.fixture
def uow():
    return units.unit_of_work(models.Base.metadata, "catalog")


def a_body(**changes) -> dict:
    image = {"id": "up-1", "url": "/media/p/1.jpg", "page_url": "/media/p/1-page.jpg",
             "thumb_url": "/media/p/1-thumb.jpg", "width": 800, "height": 600}
    return {"title": "Mug with a fox", "description": "Glazed clay, by hand.",
            "category": "mugs-and-cups", "price": 150_000, "discount_percent": 10,
            "stock": {"mode": "tracked", "quantity": 4}, "images": [image],
            "characteristics": {"color": ["Blue", "white"]},
            "options": [{"name": "Size", "kind": "select", "required": True,
                         "variants": [{"label": "Small"}, {"label": "Large", "price_delta": 5000}]}],
            **changes}


def a_shop(**changes) -> dict:
    return {"id": str(uuid.uuid4()), "owner_id": str(uuid.uuid4()), "name": "Clay and fire",
            "currency": "RUB", **changes}


def stored(uow, product_id: str) -> dict:
    with uow.reading() as session:
        product = session.get(Product, product_id)
        columns = {c.name: getattr(product, c.key) for c in Product.__table__.columns}
        columns["characteristic_rows"] = sorted(session.execute(
            select(ProductCharacteristic.key, ProductCharacteristic.value)
            .where(ProductCharacteristic.product_id == product_id)).all())
        columns["search_term_rows"] = sorted(session.execute(
            select(ProductSearchTerm.term, ProductSearchTerm.weight)
            .where(ProductSearchTerm.product_id == product_id)).all())
        return columns


def test_shops_and_their_products_are_imported_and_the_shops_announced(uow):
    first, second = a_shop(reliable_seller=True), a_shop(online_payment=True)
    ids = [str(uuid.uuid4()) for _ in range(3)]

    assert imports.import_shops(uow, OPERATOR, {"shops": [first, second]}) == {"shops": 2}
    written = imports.import_products(uow, OPERATOR, {"products": iter([
        a_body(id=ids[0], shop_id=first["id"], views=40, sales=3),
        a_body(id=ids[1], shop_id=first["id"], title="Vase with birds", characteristics={}),
        a_body(id=ids[2], shop_id=second["id"], enabled=False),
    ])})

    assert written == {"products": 3, "characteristics": 4}
    assert [(e["type"], e["data"]) for e in units.recorded(uow)] == [
        ("shop.created", {"shop_id": first["id"], "owner_id": first["owner_id"]}),
        ("shop.created", {"shop_id": second["id"], "owner_id": second["owner_id"]}),
    ]
    with uow.reading() as session:
        rows = {p.id: p for p in session.execute(select(Product)).scalars()}
        labels = session.execute(select(Shop.reliable_seller, Shop.online_payment)
                                 .order_by(Shop.reliable_seller.desc())).all()
    assert sorted(rows) == sorted(ids)
    assert (rows[ids[0]].title, rows[ids[0]].views, rows[ids[0]].sales) == ("Mug with a fox", 40, 3)
    assert [rows[i].listed for i in ids] == [True, True, False]
    assert labels == [(True, False), (False, True)]
    # the same shops again: refused, nothing more written or announced
    with pytest.raises(Conflict):
        imports.import_shops(uow, OPERATOR, {"shops": [a_shop(), first]})
    assert len(units.recorded(uow)) == 2


def test_an_invalid_body_is_refused_with_the_errors_one_by_one_creation_gives(uow):
    shop = a_shop()
    imports.import_shops(uow, OPERATOR, {"shops": [shop]})
    broken = a_body(shop_id=shop["id"], price="12", title="", discount_percent=120,
                    characteristics={"color": ["red"], "wingspan": ["2 m"]})
    with pytest.raises(ProductInvalid) as one_by_one:
        schemas.load_product(schemas.NewProductIn, broken)
    assert one_by_one.value.errors  # the same body refused by POST /products

    with pytest.raises(ProductInvalid) as imported:
        imports.import_products(uow, OPERATOR, {"products": [
            a_body(shop_id=shop["id"]), broken, a_body(shop_id=shop["id"])]})

    assert imported.value.errors == {f"products.1.{field}": messages
                                     for field, messages in one_by_one.value.errors.items()}
    with uow.reading() as session:  # one transaction: the valid body before it is not written
        assert session.execute(select(Product.id)).first() is None


def test_a_domain_rule_is_refused_as_create_product_refuses_it(uow):
    seller = Caller(user_id=str(uuid.uuid4()), roles=frozenset({"seller"}))
    shop = shops.create_shop(uow, seller, schemas.load(schemas.ShopIn, {"name": "Fern",
                                                                        "currency": "RUB"}))
    body = a_body(global_option_ids=["no-such-option"])
    with pytest.raises(ProductInvalid) as one_by_one:
        product_actions.create_product(
            uow, seller, schemas.load_product(schemas.NewProductIn, body, shop_id=shop["id"]))

    with pytest.raises(ProductInvalid) as imported:
        imports.import_products(uow, OPERATOR, {"products": [{**body, "shop_id": shop["id"]}]})

    assert imported.value.errors == {f"products.0.{field}": messages
                                     for field, messages in one_by_one.value.errors.items()}


def test_a_shop_breaking_a_rule_is_refused_by_its_place(uow):
    with pytest.raises(ShopInvalid) as refused:
        imports.import_shops(uow, OPERATOR, {"shops": [a_shop(), a_shop(name="  ")]})

    assert list(refused.value.errors) == ["shops.1.name"]
    assert units.recorded(uow) == []


@pytest.mark.parametrize("roles", [{"seller"}, {"buyer"}, set()])
def test_only_an_operator_may_import(uow, roles):
    caller = Caller(user_id=None if not roles else "someone", roles=frozenset(roles))
    shop = a_shop()

    with pytest.raises(Forbidden):
        imports.import_shops(uow, caller, {"shops": [shop]})
    with pytest.raises(Forbidden):
        imports.import_products(uow, caller, {"products": [a_body(shop_id=shop["id"])]})
    admin = Caller(user_id="admin-1", roles=frozenset({"admin"}))
    assert imports.import_shops(uow, admin, {"shops": [shop]}) == {"shops": 1}


def test_an_imported_product_has_the_columns_create_product_writes(uow):
    seller = Caller(user_id=str(uuid.uuid4()), roles=frozenset({"seller"}))
    shop = shops.create_shop(uow, seller, schemas.load(schemas.ShopIn, {"name": "Fern",
                                                                        "currency": "RUB"}))
    body = a_body()
    created = product_actions.create_product(
        uow, seller, schemas.load_product(schemas.NewProductIn, body, shop_id=shop["id"]))
    counts = {"views": 120, "cart_adds": 7, "sales": 4, "review_count": 2, "rating_sum": 9}
    with uow:  # as the catalog's events and page views bring them
        signals.add_to_counters(uow.session, {created["id"]: Counter(counts)})
    imported_id = str(uuid.uuid4())

    imports.import_products(uow, OPERATOR, {"products": [
        {**body, "id": imported_id, "shop_id": shop["id"], **counts}]})

    made, imported = stored(uow, created["id"]), stored(uow, imported_id)
    for columns in (made, imported):
        del columns["id"], columns["created_at"], columns["updated_at"]
        columns["options"] = [{**o, "id": None, "variants": [{**v, "id": None}
                                                              for v in o["variants"]]}
                              for o in columns["options"]]
    assert imported == made
    assert imported["popularity"] > 0 and imported["effective_price"] == 135_000
    assert imported["search_term_rows"] and imported["characteristic_rows"] == [
        ("color", "blue"), ("color", "white")]


def test_option_ids_an_import_gives_are_kept(uow):
    shop = a_shop()
    imports.import_shops(uow, OPERATOR, {"shops": [shop]})
    option = {"id": "opt-1", "name": "Size", "kind": "select",
              "variants": [{"id": "v-1", "label": "S"}, {"label": "M"}]}
    product_id = str(uuid.uuid4())

    imports.import_products(uow, OPERATOR, {"products": [
        a_body(id=product_id, shop_id=shop["id"], options=[option])]})

    [stored_option] = stored(uow, product_id)["options"]
    assert stored_option["id"] == "opt-1"
    assert stored_option["variants"][0]["id"] == "v-1"
    assert stored_option["variants"][1]["id"] not in (None, "v-1")
