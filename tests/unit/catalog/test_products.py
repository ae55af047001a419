"""A product draft's rules beyond field types (seed 003, "Товары")."""

import pytest

from services.catalog.domain.errors import OptionInvalid, PriceOnRequest, ProductInvalid
from services.catalog.domain.model import Option, OptionKind, SaleMode, Stock, StockMode, Variant
from services.catalog.domain.products import (
    ProductDraft,
    dispatch_days,
    ensure_public_price,
    is_shouting,
    validate_option,
    validate_product_draft,
)
from services.catalog.domain.video import canonical_video_url, youtube_video_id

VIDEO_ID = "dQw4w9WgXcQ"


def a_body(**changes):
    body = {
        "title": "Деревянная посудка «Чайный набор», натуральный цвет",
        "description": "Набор из шести предметов.",
        "category": "wooden-toys",
        "price": 250000,
        "stock": {"mode": "tracked", "quantity": 5},
        "options": [
            {
                "name": "Colour",
                "kind": "select",
                "required": True,
                "variants": [{"label": "red", "price_delta": 2000}, {"label": "blue"}],
            },
            {"name": "Name", "kind": "text", "required": False},
        ],
        "wholesale": [
            {"min_quantity": 2, "set_price": 450000},
            {"min_quantity": 3, "percent_off": 20},
        ],
        "characteristics": {"color": ["natural"], "age": ["3+"]},
    }
    body.update(changes)
    return body


def refusal(**changes):
    with pytest.raises(ProductInvalid) as refused:
        validate_product_draft(ProductDraft.from_dict(a_body(**changes)))
    assert refused.value.code == "invalid_product"
    return refused.value.errors


def test_a_valid_draft_comes_back_cleaned():
    draft = ProductDraft.from_dict(
        a_body(
            title="  Кружка   из глины ",
            category="MUGS-AND-CUPS",
            characteristics={"color": ["white ", "White"]},
            video_url=f"https://youtu.be/{VIDEO_ID}",
        )
    )

    cleaned = validate_product_draft(draft)

    assert cleaned.title == "Кружка из глины"
    assert cleaned.category == "mugs-and-cups"
    assert cleaned.characteristics == {"color": ["white"]}
    assert cleaned.video_url == f"https://www.youtube.com/watch?v={VIDEO_ID}"
    assert cleaned.sale_mode is SaleMode.BUY_NOW
    assert cleaned.stock == Stock(StockMode.TRACKED, quantity=5)


@pytest.mark.parametrize(
    "title",
    [
        "КРУЖКА ИЗ ГЛИНЫ",
        "HANDMADE MUG",
        "ЁЛКА",
        "Кукла ТИЛЬДА",
        "Новогодняя игрушка ЁЛОЧКА ИЗ ФЕТРА",
    ],
)
def test_titles_written_in_capitals_are_refused(title):
    assert is_shouting(title)
    assert refusal(title=title) == {
        "title": ["Do not write the title in capitals: use capitals only where the language needs "
        "them (titles in capitals are left out of search advertising)."]
    }


@pytest.mark.parametrize(
    "title",
    [
        "LED ночник «Луна»",
        "Mug DIY kit",
        "Брошь СССР",
        "Картина XVIII века",
        "USB",
        "Серьги 925",
        "Я",
    ],
)
def test_ordinary_titles_with_acronyms_pass(title):
    assert not is_shouting(title)


def test_an_empty_or_overlong_title_is_refused():
    assert refusal(title="   ") == {"title": ["Give the product a title."]}
    assert refusal(title="a" * 151) == {"title": ["At most 150 characters."]}


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.youtube.com/watch?v={VIDEO_ID}",
        f"http://youtube.com/watch?v={VIDEO_ID}&t=42s",
        f"https://m.youtube.com/watch?feature=share&v={VIDEO_ID}",
        f"https://youtu.be/{VIDEO_ID}?si=abc",
        f"https://www.youtube.com/shorts/{VIDEO_ID}",
        f"youtube.com/embed/{VIDEO_ID}",
    ],
)
def test_youtube_links_are_accepted_in_their_usual_forms(url):
    assert youtube_video_id(url) == VIDEO_ID
    assert canonical_video_url(url) == f"https://www.youtube.com/watch?v={VIDEO_ID}"


@pytest.mark.parametrize(
    "url",
    [
        "https://vimeo.com/123456",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/channel/UC123",
        "ftp://youtu.be/dQw4w9WgXcQ",
        "",
    ],
)
def test_other_video_links_are_refused(url):
    assert youtube_video_id(url) is None


def test_a_draft_with_a_non_youtube_video_names_the_field():
    assert refusal(video_url="https://vimeo.com/1") == {
        "video_url": (
            ["Only YouTube videos: a youtube.com/watch?v=, youtu.be/ or youtube.com/shorts/ link."]
        )
    }


@pytest.mark.parametrize(("discount", "ok"), [(0, True), (99, True), (100, False), (-1, False)])
def test_a_discount_is_a_percent_from_0_to_99(discount, ok):
    if ok:
        validate_product_draft(ProductDraft.from_dict(a_body(discount_percent=discount)))
    else:
        assert refusal(discount_percent=discount) == {
            "discount_percent": ["A discount is a whole percent from 0 to 99."]
        }


def test_tracked_stock_needs_a_quantity_and_nothing_else():
    assert refusal(stock={"mode": "tracked"}) == {
        "stock.quantity": ["Tracked stock needs the quantity on hand, 0 or more."]
    }
    assert refusal(stock={"mode": "tracked", "quantity": 1, "production_days": 3}) == {
        "stock.production_days": ["Only made-to-order products have production days."]
    }


def test_made_to_order_needs_production_days():
    assert refusal(stock={"mode": "made_to_order", "production_days": 0}) == {
        "stock.production_days": ["Made to order needs the production time in days, 1 to 365."]
    }
    assert refusal(stock={"mode": "made_to_order", "production_days": 7, "quantity": 2}) == {
        "stock.quantity": ["Only tracked stock has a quantity."]
    }


def test_untracked_stock_takes_neither_field_and_an_unknown_mode_is_named():
    validate_product_draft(ProductDraft.from_dict(a_body(stock={"mode": "untracked"})))
    assert refusal(stock={"mode": "sometimes"}) == {
        "stock.mode": ["One of tracked, made_to_order, untracked."]
    }


def test_dispatch_is_one_day_from_stock_and_the_production_time_when_made_to_order():
    assert dispatch_days(Stock(StockMode.TRACKED, quantity=3)) == 1
    assert dispatch_days(Stock(StockMode.UNTRACKED)) == 1
    assert dispatch_days(Stock(StockMode.MADE_TO_ORDER, production_days=14)) == 14


def test_options_with_variants_need_at_least_one_and_text_options_none():
    errors = refusal(
        options=[
            {"name": "Colour", "kind": "radio", "variants": []},
            {"name": "Name", "kind": "text", "variants": [{"label": "Masha"}]},
        ]
    )

    assert errors == {
        "options.0.variants": ["Give 1 to 50 variants."],
        "options.1.variants": ["A text option has no variants: the buyer writes the text."],
    }


def test_variant_labels_are_unique_and_price_differences_not_negative():
    errors = refusal(
        options=[
            {
                "name": "Colour",
                "kind": "select",
                "variants": [{"label": "Red"}, {"label": "red "}, {"label": "", "price_delta": -5}],
            },
            {"name": "colour", "kind": "checkbox", "variants": [{"label": "x"}]},
        ]
    )

    assert errors == {
        "options.0.variants.1.label": ["Two variants have this label."],
        "options.0.variants.2.label": ["Give the variant a label of 1 to 100 characters."],
        "options.0.variants.2.price_delta": (
            ["The price difference is a whole number of minor units, 0 or more."]
        ),
        "options.1.name": ["Two options have this name."],
    }


def test_an_unknown_option_kind_is_named():
    assert refusal(options=[{"name": "Size", "kind": "slider", "variants": []}]) == {
        "options.0.kind": ["One of select, checkbox, radio, text."]
    }


def test_a_global_option_is_checked_on_its_own():
    good = Option("Gift wrap", OptionKind.CHECKBOX, variants=(Variant("paper", 10000),))
    assert validate_option(good) is good

    with pytest.raises(OptionInvalid) as refused:
        validate_option(Option("", OptionKind.SELECT))

    assert refused.value.code == "invalid_option"
    assert refused.value.errors == {
        "name": ["Give the option a name of 1 to 100 characters."],
        "variants": ["Give 1 to 50 variants."],
    }


def test_the_seed_s_wholesale_examples_are_valid():
    for tiers in (
        [{"min_quantity": 2, "set_price": 180000}, {"min_quantity": 3, "set_price": 260000}],
        [{"min_quantity": 2, "percent_off": 10}, {"min_quantity": 3, "percent_off": 20}],
    ):
        validate_product_draft(ProductDraft.from_dict(a_body(price=100000, wholesale=tiers)))


def test_wholesale_tiers_start_at_two_units_and_give_exactly_one_price():
    errors = refusal(
        wholesale=[
            {"min_quantity": 1, "percent_off": 5},
            {"min_quantity": 3},
            {"min_quantity": 4, "percent_off": 10, "unit_price": 100},
        ]
    )

    assert errors == {
        "wholesale.0.min_quantity": ["A wholesale tier starts from 2 units or more."],
        "wholesale.1": ["Give exactly one of percent_off, unit_price, set_price."],
        "wholesale.2": ["Give exactly one of percent_off, unit_price, set_price."],
    }


def test_wholesale_tiers_increase_and_never_cost_more_per_unit():
    errors = refusal(
        price=100000,
        wholesale=[
            {"min_quantity": 3, "percent_off": 20},
            {"min_quantity": 2, "percent_off": 30},
            {"min_quantity": 5, "unit_price": 90000},
        ],
    )

    assert errors == {
        "wholesale.1.min_quantity": ["Tiers go by increasing min_quantity."],
        "wholesale.2": ["A larger quantity must not cost more per unit than a smaller one."],
    }


def test_tiers_are_judged_with_the_products_discount():
    # 10 % for 2 on a product at 20 % off is 720 ₽ each; 850 ₽ each from 3 would cost more
    tiers = [{"min_quantity": 2, "percent_off": 10}, {"min_quantity": 3, "unit_price": 85000}]

    assert validate_product_draft(ProductDraft.from_dict(a_body(price=100000, wholesale=tiers)))
    assert refusal(price=100000, discount_percent=20, wholesale=tiers) == {
        "wholesale.1": ["A larger quantity must not cost more per unit than a smaller one."]}


def test_a_tier_that_makes_more_units_cheaper_in_total_is_refused():
    assert refusal(price=100000, wholesale=[{"min_quantity": 2, "percent_off": 60}]) == {
        "wholesale.0": (
            ["2 units would cost less in total than 1: a larger order must not cost less."]
        )
    }


def test_fixed_wholesale_prices_must_be_below_the_list_price():
    errors = refusal(
        price=100000,
        wholesale=[{"min_quantity": 2, "unit_price": 100000}, {"min_quantity": 3, "set_price": 0}],
    )

    assert errors == {
        "wholesale.0.unit_price": (
            ["The wholesale unit price must be above 0 and below the product's price."]
        ),
        "wholesale.1.set_price": (
            ["The set price must be above 0 and below min_quantity × the price."]
        ),
    }


def test_an_unknown_category_and_foreign_characteristics_are_named_together():
    assert refusal(category="pottery") == {
        "category": ["Unknown category: give the slug or id of a node of GET /categories."]
    }
    assert refusal(category="ceramics", characteristics={"age": ["3+"]}) == {
        "characteristics.age": ["Category 'ceramics' does not use 'age'; it allows: color, material."]
    }


def an_image(n: int = 1, **changes):
    upload_id = f"00000000-0000-4000-8000-{n:012d}"
    image = {"id": upload_id, "url": f"/media/{upload_id}/original.jpg",
             "page_url": f"/media/{upload_id}/page.jpg",
             "thumb_url": f"/media/{upload_id}/thumb.jpg", "width": 1200, "height": 900}
    return {**image, **changes}


def test_images_are_kept_in_the_order_given():
    images = [an_image(2), an_image(1)]

    draft = validate_product_draft(ProductDraft.from_dict(a_body(images=images)))

    assert [image["id"] for image in draft.images] == [images[0]["id"], images[1]["id"]]
    assert list(draft.images) == images


def test_images_are_uploads_listed_once_and_at_most_twenty():
    assert refusal(images=[an_image(1), an_image(2, thumb_url="file:///etc/passwd")]) == {
        "images.1": ["Give an image uploaded to the platform."]
    }
    assert refusal(images=[an_image(1), an_image(1)]) == {
        "images": ["The same image is listed twice."]
    }
    assert refusal(images=[an_image(n) for n in range(21)]) == {"images": ["At most 20 images."]}


def test_a_plain_link_kept_from_before_uploads_reads_as_an_image_without_an_upload():
    draft = validate_product_draft(ProductDraft.from_dict(
        a_body(images=["https://cdn.example/a.jpg", an_image(1)])))

    assert draft.images[0] == {"id": None, "url": "https://cdn.example/a.jpg",
                               "page_url": "https://cdn.example/a.jpg",
                               "thumb_url": "https://cdn.example/a.jpg",
                               "width": None, "height": None}
    assert refusal(images=["file:///etc/passwd"]) == {
        "images.0": ["Give an image uploaded to the platform."]
    }


def test_every_broken_field_is_named_at_once():
    errors = refusal(title="ЁЛКА", discount_percent=100, stock={"mode": "made_to_order"})

    assert set(errors) == {"title", "discount_percent", "stock.production_days"}


def test_an_offer_only_product_shows_no_public_price():
    ensure_public_price(SaleMode.BUY_NOW)
    ensure_public_price(SaleMode.BUY_NOW_OR_OFFER)
    with pytest.raises(PriceOnRequest) as refused:
        ensure_public_price(SaleMode.OFFER_ONLY)

    assert refused.value.code == "offer_only"
    assert refused.value.kind == "conflict"


def test_an_unknown_sale_mode_is_named():
    assert refusal(sale_mode="auction") == {
        "sale_mode": ["One of buy_now, buy_now_or_offer, offer_only."]
    }
