"""The platform's category tree and the characteristics each category allows for filters.

Seed 003 ("Как добавить характеристики товара для поиска по фильтрам?") names which characteristics
the marketplace offers and where:
- age: toys, textile, furniture;
- material: textile, clothing, diapers and towels;
- gender: toys, textile, furniture, interior, clothing (except "clothing for boys" and
  "clothing for girls");
- shoe_size: shoes; clothing_size: clothing;
- color: every category;
- theme: stickers, posters.
Those categories follow the seed exactly. The others a handmade marketplace needs (jewellery,
ceramics, bags, art, soap and cosmetics, ...) are ours: each allows `color`, plus `material` where
buyers choose by it (jewellery, ceramics, bags) and `theme` for art. A sub-category lists its own
set; the table below is the only place it is written.

A product belongs to exactly one category, any node of the tree; a category filter includes the
sub-categories. Ids are UUID5 of the slug, so they never change between deployments.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from services.catalog.domain.errors import CategoryNotFound, CharacteristicsInvalid, UnknownCategory

CHARACTERISTIC_KEYS = ("age", "material", "gender", "shoe_size", "clothing_size", "color", "theme")
CATEGORY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://atelier.market/categories")
MAX_VALUES_PER_CHARACTERISTIC = 20
MAX_VALUE_LENGTH = 50
UNKNOWN_CATEGORY_MESSAGE = "Unknown category: give the slug or id of a node of GET /categories."


@dataclass(frozen=True, slots=True)
class Category:
    id: uuid.UUID
    slug: str
    name: str
    parent_slug: str | None
    characteristics: tuple[str, ...]

    def allows(self, key: str) -> bool:
        return key in self.characteristics

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "slug": self.slug,
            "name": self.name,
            "parent_slug": self.parent_slug,
            "characteristics": list(self.characteristics),
        }


def category_id(slug: str) -> uuid.UUID:
    """The stable id of a category: UUID5 of its slug in the catalog's namespace."""
    return uuid.uuid5(CATEGORY_NAMESPACE, slug)


# Each top category: (slug, name, the characteristics it allows, its sub-categories), in the order
# GET /categories lists them. A sub-category is `slug: name` and allows what its parent allows, or
# `slug: (name, characteristics)` where it allows others.
_TREE: tuple[tuple[str, str, str, dict[str, str | tuple[str, str]]], ...] = (
    ("jewelry", "Jewellery", "color material", {
        "earrings": "Earrings",
        "necklaces": "Necklaces and pendants",
        "bracelets": "Bracelets",
        "rings": "Rings",
        "brooches": "Brooches",
    }),
    ("clothing", "Clothing", "color material gender clothing_size", {
        "womens-clothing": "Women's clothing",
        "mens-clothing": "Men's clothing",
        "boys-clothing": ("Clothing for boys", "color material clothing_size"),
        "girls-clothing": ("Clothing for girls", "color material clothing_size"),
        "knitwear": "Knitwear",
    }),
    ("shoes", "Shoes", "color shoe_size", {
        "felt-boots": "Felt boots and slippers",
    }),
    ("textile", "Textile", "color age material gender", {
        "diapers-and-towels": ("Diapers and towels", "color material"),
        "bedding": "Bedding",
        "blankets": "Blankets and plaids",
    }),
    ("toys", "Toys", "color age gender", {
        "soft-toys": "Soft toys",
        "dolls": "Dolls",
        "wooden-toys": "Wooden toys",
    }),
    ("furniture", "Furniture", "color age gender", {
        "kids-furniture": "Children's furniture and wigwams",
    }),
    ("home-decor", "Home decor", "color gender", {
        "candles": "Candles",
        "night-lights": "Night lights and lamps",
        "wall-decor": "Wall decor",
    }),
    ("ceramics", "Ceramics", "color material", {
        "mugs-and-cups": "Mugs and cups",
        "plates-and-bowls": "Plates and bowls",
        "vases": "Vases",
    }),
    ("art", "Art", "color theme", {
        "paintings": "Paintings",
        "posters": "Posters",
        "stickers": "Stickers",
        "postcards": "Postcards",
    }),
    ("bags", "Bags and accessories", "color material", {
        "backpacks": "Backpacks",
        "wallets": "Wallets and cases",
    }),
    ("cosmetics", "Soap and cosmetics", "color", {
        "soap": "Handmade soap",
        "skin-care": "Creams and balms",
    }),
    ("stationery", "Notebooks and stationery", "color theme", {}),
)


def _build(tree) -> tuple[Category, ...]:
    """The tree flat, each parent before its children."""
    categories = []
    for slug, name, allowed, children in tree:
        categories.append(Category(category_id(slug), slug, name, None, tuple(allowed.split())))
        for child, named in children.items():
            child_name, child_allows = named if isinstance(named, tuple) else (named, allowed)
            categories.append(Category(category_id(child), child, child_name, slug,
                                       tuple(child_allows.split())))
    return tuple(categories)


CATEGORIES: tuple[Category, ...] = _build(_TREE)
_BY_SLUG = {c.slug: c for c in CATEGORIES}
_BY_ID = {str(c.id): c for c in CATEGORIES}


def all_categories() -> tuple[Category, ...]:
    """The whole tree, flat, every parent before its children (the order of GET /categories)."""
    return CATEGORIES


def find_category(ref: str | uuid.UUID | None) -> Category | None:
    """The category with this slug or id (an id as a UUID or its text), or None."""
    if ref is None:
        return None
    if isinstance(ref, uuid.UUID):
        return _BY_ID.get(str(ref))
    text = str(ref).strip().lower()
    return _BY_SLUG.get(text) or _BY_ID.get(text)


def require_category(ref: str | uuid.UUID | None, field: str = "category") -> Category:
    """The category a product names; an unknown slug or id is a validation error (422)."""
    category = find_category(ref)
    if category is None:
        raise UnknownCategory(
            f"There is no category {ref!r}.",
            errors={field: UNKNOWN_CATEGORY_MESSAGE},
        )
    return category


def get_category(ref: str | uuid.UUID) -> Category:
    """The category asked for by its own address; unknown → not found (404)."""
    category = find_category(ref)
    if category is None:
        raise CategoryNotFound(f"There is no category {ref!r}.")
    return category


def children(ref: str | uuid.UUID) -> tuple[Category, ...]:
    parent = get_category(ref)
    return tuple(c for c in CATEGORIES if c.parent_slug == parent.slug)


def descendants(ref: str | uuid.UUID, include_self: bool = True) -> tuple[Category, ...]:
    """The category's subtree in tree order: what a category filter on the listing matches."""
    root = get_category(ref)
    found, slugs = [root], {root.slug}
    for category in CATEGORIES:  # parents precede children, so one pass collects the subtree
        if category.parent_slug in slugs:
            found.append(category)
            slugs.add(category.slug)
    return tuple(found if include_self else found[1:])


def subtree_slugs(ref: str | uuid.UUID) -> frozenset[str]:
    return frozenset(c.slug for c in descendants(ref))


def ancestors(ref: str | uuid.UUID) -> tuple[Category, ...]:
    """From the root down to the category's parent (a breadcrumb)."""
    path: list[Category] = []
    category = get_category(ref)
    while category.parent_slug is not None:
        category = _BY_SLUG[category.parent_slug]
        path.append(category)
    return tuple(reversed(path))


def validate_characteristics(
    category: Category, characteristics: Mapping[str, Any] | None, field: str = "characteristics"
) -> dict[str, list[str]]:
    """Check a product's characteristics against its category; return them cleaned.

    Keys must be among the category's allowed ones; each value is a non-empty list of non-empty
    strings of at most 50 characters, at most 20 of them (several values of one characteristic are
    allowed, seed 003). Values are trimmed and repeats dropped (case-insensitive), order kept.
    """
    errors: dict[str, str] = {}
    cleaned: dict[str, list[str]] = {}
    for key, values in (characteristics or {}).items():
        path = f"{field}.{key}"
        if key not in CHARACTERISTIC_KEYS:
            errors[path] = f"Unknown characteristic; known: {', '.join(CHARACTERISTIC_KEYS)}."
        elif not category.allows(key):
            allowed = ", ".join(category.characteristics)
            errors[path] = f"Category '{category.slug}' does not use '{key}'; it allows: {allowed}."
        else:
            message, values_cleaned = _check_values(values)
            if message:
                errors[path] = message
            else:
                cleaned[key] = values_cleaned
    if errors:
        raise CharacteristicsInvalid("The characteristics do not fit the category.", errors=errors)
    return cleaned


def _check_values(values: Any) -> tuple[str | None, list[str]]:
    if not isinstance(values, list | tuple) or not values:
        return "Give a non-empty list of values.", []
    if not all(isinstance(v, str) and v.strip() for v in values):
        return "Each value must be non-empty text.", []
    if any(len(v.strip()) > MAX_VALUE_LENGTH for v in values):
        return f"Each value must be at most {MAX_VALUE_LENGTH} characters.", []
    unique: dict[str, str] = {}
    for value in values:
        unique.setdefault(value.strip().casefold(), value.strip())
    if len(unique) > MAX_VALUES_PER_CHARACTERISTIC:
        return f"At most {MAX_VALUES_PER_CHARACTERISTIC} values.", []
    return None, list(unique.values())


def matches_characteristics(
    product: Mapping[str, Iterable[str]], wanted: Mapping[str, Iterable[str]]
) -> bool:
    """The listing filter: every wanted key must share at least one value (case-insensitive).

    `?color=red&color=blue&material=linen` matches a red or blue product made of linen.
    """
    for key, values in wanted.items():
        asked = {v.strip().casefold() for v in values}
        have = {v.casefold() for v in product.get(key, ())}
        if asked and not asked & have:
            return False
    return True
