"""Shop-front images over HTTP, from real files made here with Pillow: a product shows the seller's
uploads in the order given (upload ids or their URLs), the storefront tile its main image's square
thumb; only the seller's own public images are taken; a logo and banner are held to seed 003
(square, at least 200x200; at least 1400 px wide); a collection has a cover; the clean-up never
removes an image a product refers to, not even once the product is deleted."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from gateway.db import Store
from gateway.media.models import Upload
from tests.support.api import Api, User
from tests.support.media import atelier, fetch, image_bytes, upload

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def api(system, media_dir):
    system.start("catalog")
    client = Api(system.gateway(env={"MEDIA_DIR": str(media_dir)}))
    yield client
    client.close()


@pytest.fixture(scope="module")
def store(api):
    db = Store(api.gateway.env["GATEWAY_DATABASE_URL"])
    yield db
    db.dispose()


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == PROBLEM
    return response.json()


def uploaded(api: Api, user: User, size=(1200, 900), purpose="product_image") -> dict:
    return ok(upload(api, user, image_bytes(size), purpose=purpose), 201)


def open_shop(api: Api, seller: User, **fields) -> dict:
    return ok(api.call("POST", "/shops", seller, json={
        "name": "Clay and fire", "currency": "RUB", **fields}), 201)


def product_body(**fields) -> dict:
    return {"title": "Mug with a fox", "category": "mugs-and-cups", "price": 100000,
            "stock": {"mode": "tracked", "quantity": 5}, **fields}


def add_product(api: Api, seller: User, shop_id: str, **fields):
    return api.call("POST", f"/shops/{shop_id}/products", seller, json=product_body(**fields))


def shown(image: dict, upload: dict) -> bool:
    """A response's image is this upload, at the URLs the upload gave."""
    return image == {key: upload[key] for key in ("id", "url", "page_url", "thumb_url",
                                                  "width", "height")}


def tile(api: Api, shop_id: str, product_id: str) -> dict:
    items = ok(api.call("GET", "/products", params={"shop_id": shop_id}))["items"]
    return next(item for item in items if item["id"] == product_id)


def referenced(store: Store, upload_id: str) -> bool:
    with store.reading() as conn:
        return conn.execute(select(Upload.referenced_at).where(
            Upload.id == upload_id)).scalar_one() is not None


# Products -----------------------------------------------------------------------------------------
def test_a_product_shows_its_images_in_order_and_the_storefront_its_main_thumb(api, store):
    seller = api.register("seller")
    shop = open_shop(api, seller)
    front, side = uploaded(api, seller, (1600, 1200)), uploaded(api, seller, (600, 450))
    assert side["warnings"], "a 600 px product image is taken with the upload's warning"

    # The side view by the URL a response showed, the front by its id; the side first.
    product = ok(add_product(api, seller, shop["id"], images=[side["thumb_url"], front["id"]]),
                 201)

    assert shown(product["images"][0], side) and shown(product["images"][1], front)
    page = ok(api.call("GET", f"/products/{product['id']}"))
    assert page["images"] == product["images"]
    for image in page["images"]:
        for url in (image["url"], image["page_url"], image["thumb_url"]):
            assert fetch(url).status_code == 200, url
    assert tile(api, shop["id"], product["id"])["thumb_url"] == side["thumb_url"]
    assert referenced(store, front["id"]) and referenced(store, side["id"])

    changed = ok(api.call("PATCH", f"/products/{product['id']}", seller,
                          json={"images": [front["url"], side["id"]]}))

    assert [image["id"] for image in changed["images"]] == [front["id"], side["id"]]
    assert tile(api, shop["id"], product["id"])["thumb_url"] == front["thumb_url"]
    assert ok(api.call("PATCH", f"/products/{product['id']}", seller,
                       json={"title": "Mug with a fox, blue"}))["images"] == changed["images"]


def test_only_the_sellers_own_public_images_are_taken_and_nothing_is_made_otherwise(api, store):
    seller, other = api.register("seller"), api.register("seller")
    shop = open_shop(api, seller)
    open_shop(api, other)
    mine, theirs = uploaded(api, seller), uploaded(api, other)
    private = uploaded(api, seller, purpose="attachment")

    cases = [
        ([mine["id"], theirs["id"]], "images.1", "No such upload of yours"),
        ([theirs["url"]], "images.0", "No such upload of yours"),
        ([mine["id"], private["id"]], "images.1", "private file"),
        (["https://img.atelier.test/1.jpg"], "images.0", "links to other sites"),
        ([str(uuid.uuid4())], "images.0", "No such upload of yours"),
    ]
    for images, field, words in cases:
        refused = problem(add_product(api, seller, shop["id"], images=images), 422)
        assert list(refused["errors"]) == [field], refused
        assert words in refused["errors"][field][0]
    assert ok(api.call("GET", "/products", params={"shop_id": shop["id"]}))["total"] == 0
    assert not referenced(store, theirs["id"]) and not referenced(store, private["id"])

    # A stranger is told it is not their shop or product before their images are read.
    problem(add_product(api, other, shop["id"], images=[theirs["id"], "nope"]), 403)
    product = ok(add_product(api, seller, shop["id"], images=[mine["id"]]), 201)
    problem(api.call("PATCH", f"/products/{product['id']}", other, json={"images": ["x"]}), 403)
    assert not referenced(store, theirs["id"])


# The shop's logo and banner -----------------------------------------------------------------------
def test_a_logo_and_banner_are_held_to_seed_003_and_shown_on_the_shop(api, store):
    seller = api.register("seller")
    oblong = uploaded(api, seller, (300, 200))
    narrow = uploaded(api, seller, (1000, 300), purpose="cover")

    refused = problem(api.call("POST", "/shops", seller, json={
        "name": "Clay and fire", "currency": "RUB", "logo_url": oblong["id"],
        "banner_url": narrow["url"]}), 422)

    assert "must be square" in refused["errors"]["logo_url"][0]
    assert "at least 1400 px wide" in refused["errors"]["banner_url"][0]
    assert api.call("GET", "/me", seller).json().get("shop_id") is None
    shop = open_shop(api, seller)
    logo, banner = uploaded(api, seller, (200, 200), "logo"), uploaded(api, seller, (1400, 350))

    changed = ok(api.call("PATCH", f"/shops/{shop['id']}", seller, json={
        "logo_url": logo["url"], "banner_url": banner["id"]}))

    read = ok(api.call("GET", f"/shops/{shop['id']}"))
    assert changed["logo_url"] == read["logo_url"] == logo["url"]
    assert changed["banner_url"] == read["banner_url"] == banner["url"]
    for url in (read["logo_url"], read["banner_url"]):
        assert fetch(url).status_code == 200
    assert referenced(store, logo["id"]) and referenced(store, banner["id"])
    refused = problem(api.call("PATCH", f"/shops/{shop['id']}", seller,
                               json={"banner_url": narrow["id"]}), 422)
    assert "1400" in refused["errors"]["banner_url"][0]
    assert ok(api.call("GET", f"/shops/{shop['id']}"))["banner_url"] == banner["url"]
    assert ok(api.call("PATCH", f"/shops/{shop['id']}", seller,
                       json={"logo_url": None}))["logo_url"] is None


# Collections --------------------------------------------------------------------------------------
def test_a_collection_has_a_cover_image(api, store):
    seller, other = api.register("seller"), api.register("seller")
    shop = open_shop(api, seller)
    cover, theirs = uploaded(api, seller, (1200, 1200), "cover"), uploaded(api, other)
    vase = ok(add_product(api, seller, shop["id"]), 201)
    path = f"/shops/{shop['id']}/collections"

    refused = problem(api.call("POST", path, seller, json={
        "name": "Vases", "product_ids": [vase["id"]], "cover": theirs["id"]}), 422)
    assert list(refused["errors"]) == ["cover"]
    made = ok(api.call("POST", path, seller, json={
        "name": "Vases", "product_ids": [vase["id"]], "cover": cover["url"]}), 201)

    assert shown(made["cover"], cover)
    [listed] = ok(api.call("GET", path))["items"]
    assert listed["cover"] == made["cover"]
    assert fetch(listed["cover"]["thumb_url"]).status_code == 200
    assert referenced(store, cover["id"])


# The clean-up -------------------------------------------------------------------------------------
def test_a_deleted_products_images_outlive_the_clean_up_unreferenced_uploads_do_not(api):
    seller = api.register("seller")
    shop = open_shop(api, seller)
    photo, unused = uploaded(api, seller), uploaded(api, seller)
    product = ok(add_product(api, seller, shop["id"], images=[photo["id"]]), 201)
    assert ok(api.call("DELETE", f"/products/{product['id']}", seller))["enabled"] is False
    env = {"GATEWAY_DATABASE_URL": api.gateway.env["GATEWAY_DATABASE_URL"],
           "MEDIA_DIR": api.gateway.env["MEDIA_DIR"]}

    done = atelier("media-cleanup", "--days", "0", env=env)

    assert done.returncode == 0, done.stderr
    assert unused["id"] in done.stdout and photo["id"] not in done.stdout
    for url in (unused["url"], unused["thumb_url"]):
        assert fetch(url).status_code == 404
    for url in (photo["url"], photo["page_url"], photo["thumb_url"]):
        assert fetch(url).status_code == 200
    owner_view = ok(api.call("GET", f"/products/{product['id']}", seller))
    assert shown(owner_view["images"][0], photo)
