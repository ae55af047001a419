"""A relevance set for the catalog's text search: a small catalog in Russian and English and the
queries a buyer would type, each with the products that must rank in its first five.

The catalog is made the same way every time: `TARGETS` (the products the queries are after),
written first, then `DISTRACTORS`, drawn from `random.Random(SEED)`: gift sets whose titles share
no word with the queries but whose descriptions (and sometimes characteristics) mention the
queries' words in other forms. They are newer than the targets, so a search that did not rank
title matches above description matches would fill the first five with them.

The queries cover word forms ("кружками", "mugs"), several words ("свеча с лавандой"), stop words,
`ё`, characteristics ("серебро"), and one typo in a word of five letters or more ("крушка",
"lavendar", "свчеи": a letter changed, left out, added, or two swapped).

`hit_rate(search)` runs every query through `search(q) -> [product keys, best first]` and says
how many queries found all their products in the first five: the test asks for all of them, the
catalog benchmark reports the figure.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

SEED = 20_261_203
TOP = 5


def _p(title: str, category: str, description: str = "", **characteristics: list[str]):
    return {"title": title, "category": category, "description": description,
            "characteristics": characteristics}


TARGETS: dict[str, dict[str, Any]] = {
    # Russian
    "ru_mug_fox": _p("Кружка с лисой", "mugs-and-cups",
                     "Керамическая кружка ручной работы, объём 300 мл.", color=["Рыжий"]),
    "ru_mugs_set": _p("Кружки «Зимний лес», набор из двух", "mugs-and-cups",
                      "Фарфор, роспись подглазурными красками.", material=["Фарфор"]),
    "ru_candle_lavender": _p("Свеча ароматическая с лавандой", "candles",
                             "Соевый воск, хлопковый фитиль, горит 30 часов."),
    "ru_candles_beeswax": _p("Свечи из пчелиного воска, три штуки", "candles",
                             "Катаные свечи из вощины."),
    "ru_blanket": _p("Вязаный плед из шерсти мериноса", "blankets",
                     "Плед крупной вязки, 130 на 170 см.", material=["Шерсть"]),
    "ru_bunny": _p("Вязаный зайчик", "soft-toys",
                   "Игрушка связана крючком из хлопковой пряжи."),
    "ru_bear": _p("Мишка Тедди", "soft-toys", "Авторская игрушка из плюша, шарнирные лапы."),
    "ru_earrings": _p("Серьги из серебра с жемчугом", "earrings",
                      "Серебро 925 пробы, речной жемчуг.", material=["Серебро"]),
    "ru_ring": _p("Кольцо «Ветка»", "rings", "Литьё, ручная полировка.", material=["Серебро"]),
    "ru_felt_boots": _p("Валенки детские с вышивкой", "felt-boots",
                        "Из натуральной овечьей шерсти."),
    "ru_soap": _p("Мыло с мёдом и овсом", "soap", "Натуральное, сварено холодным способом."),
    "ru_vase": _p("Ваза для цветов из глины", "vases", "Обожжена в дровяной печи."),
    "ru_plate": _p("Тарелка расписная «Подсолнухи»", "plates-and-bowls",
                   "Можно мыть в посудомоечной машине."),
    "ru_postcard": _p("Открытка с акварельной лисой", "postcards", "Формат А6, плотная бумага."),
    "ru_painting": _p("Картина маслом «Море на закате»", "paintings",
                      "Холст на подрамнике, 40 на 50 см.", theme=["Природа"]),
    "ru_bag": _p("Сумка-шоппер из льна", "bags", "Длинные ручки, внутренний карман."),
    "ru_backpack": _p("Рюкзак кожаный городской", "backpacks", "Натуральная кожа, два отделения."),
    "ru_notebook": _p("Блокнот в кожаной обложке", "stationery", "Сто листов в точку."),
    "ru_night_light": _p("Ночник «Луна» из дерева", "night-lights",
                         "Тёплый свет, питание от USB."),
    "ru_doll": _p("Кукла вальдорфская", "dolls", "Набита овечьей шерстью."),
    "ru_sweater": _p("Свитер с оленями", "knitwear", "Связан вручную, узор жаккард."),
    # English
    "en_mug_fox": _p("Blue fox mug", "mugs-and-cups", "Stoneware, glazed by hand.",
                     color=["Blue"]),
    "en_mugs_pair": _p("Pair of speckled mugs", "mugs-and-cups", "Two stoneware cups, 350 ml."),
    "en_candle_lavender": _p("Lavender soy candle", "candles", "Burns for 40 hours."),
    "en_candles_beeswax": _p("Beeswax candles, set of three", "candles", "Rolled by hand."),
    "en_blanket": _p("Chunky knitted blanket", "blankets", "Merino wool throw.",
                     material=["Wool"]),
    "en_earrings": _p("Silver leaf earrings", "earrings", "Sterling, with hooks.",
                      material=["Silver"]),
    "en_necklace": _p("Pearl necklace", "necklaces", "Freshwater pearls on silk."),
    "en_teddy": _p("Teddy bear with a scarf", "soft-toys", "Jointed, mohair."),
    "en_train": _p("Wooden toy train", "wooden-toys", "Beech, oiled, three carriages."),
    "en_painting": _p("Watercolour painting of a lighthouse", "paintings", "A4, framed."),
    "en_poster": _p("Botanical poster", "posters", "Giclée print on cotton paper."),
    "en_sketchbook": _p("Leather sketchbook", "stationery", "A5, 120 pages."),
    "en_backpack": _p("Canvas backpack", "backpacks", "Waxed canvas, brass buckles."),
    "en_wallet": _p("Leather wallet", "wallets", "Six card slots."),
    "en_soap": _p("Goat milk soap", "soap", "Unscented, for sensitive skin."),
    "en_slippers": _p("Felted slippers", "felt-boots", "Wool, with leather soles."),
    "en_vase": _p("Tall ceramic vase", "vases", "Matte glaze."),
    "en_bowls": _p("Set of ramen bowls", "plates-and-bowls", "Two bowls with chopsticks."),
}

# Forms of the queries' words that the distractors mention in their descriptions.
RU_MENTIONS = ["кружкой", "кружками", "свечой", "свечами", "пледом", "серьгами", "серебром",
               "валенками", "вазой", "лисой", "мылом", "картиной", "сумкой", "рюкзаком",
               "блокнотом", "ночником", "куклой", "свитером", "лавандой", "тарелкой", "мёдом",
               "открыткой", "зайчиком"]
EN_MENTIONS = ["mugs", "candles", "blankets", "earrings", "silver", "fox", "lavender", "vases",
               "bowls", "soap", "backpacks", "wallets", "slippers", "paintings", "posters",
               "bears", "necklaces", "knitted", "leather", "trains", "sketchbooks"]
DISTRACTOR_COUNT = 90


def _distractors() -> dict[str, dict[str, Any]]:
    rng = random.Random(SEED)
    made = {}
    for n in range(DISTRACTOR_COUNT):
        if n % 2:
            words = rng.sample(RU_MENTIONS, 3)
            body = _p(f"Подарочный набор {n}", "home-decor",
                      f"Хорошо смотрится рядом с {words[0]}, {words[1]} и {words[2]}.")
            if rng.random() < 0.2:
                body["characteristics"] = {"color": [rng.choice(["Рыжий", "Синий", "Белый"])]}
        else:
            words = rng.sample(EN_MENTIONS, 3)
            body = _p(f"Gift box {n}", "home-decor",
                      f"Goes well with {words[0]}, {words[1]} and {words[2]}.")
            if rng.random() < 0.2:
                body["characteristics"] = {"color": [rng.choice(["Blue", "Grey", "White"])]}
        made[f"distractor_{n}"] = body
    return made


DISTRACTORS = _distractors()

# (query, products that must be among its first five)
QUERIES: list[tuple[str, list[str]]] = [
    # Russian: word forms
    ("кружка", ["ru_mug_fox", "ru_mugs_set"]),
    ("кружки", ["ru_mug_fox", "ru_mugs_set"]),
    ("кружками", ["ru_mug_fox", "ru_mugs_set"]),
    ("свечи", ["ru_candle_lavender", "ru_candles_beeswax"]),
    ("свеча с лавандой", ["ru_candle_lavender"]),
    ("лаванда", ["ru_candle_lavender"]),
    ("вязаный плед", ["ru_blanket"]),
    ("пледы", ["ru_blanket"]),
    ("серьги серебро", ["ru_earrings"]),
    ("серебро", ["ru_earrings", "ru_ring"]),  # a characteristic outranks a description
    ("валенки", ["ru_felt_boots"]),
    ("мыло с медом", ["ru_soap"]),  # ё and е
    ("вазы", ["ru_vase"]),
    ("тарелки", ["ru_plate"]),
    ("открытка лиса", ["ru_postcard"]),
    ("лисы", ["ru_mug_fox", "ru_postcard"]),
    ("картина море", ["ru_painting"]),
    ("сумки", ["ru_bag"]),
    ("рюкзак кожаный", ["ru_backpack"]),
    ("блокноты", ["ru_notebook"]),
    ("ночник луна", ["ru_night_light"]),
    ("куклы", ["ru_doll"]),
    ("свитер с оленями", ["ru_sweater"]),
    ("игрушки", ["ru_bunny", "ru_bear"]),
    # Russian: one typo
    ("крушка", ["ru_mug_fox", "ru_mugs_set"]),  # a letter changed
    ("валенок", ["ru_felt_boots"]),  # a letter added to the stem
    ("рукзак", ["ru_backpack"]),  # a letter changed
    ("свчеи", ["ru_candle_lavender", "ru_candles_beeswax"]),  # two letters swapped
    ("зайчк", ["ru_bunny"]),  # a letter left out
    # English: word forms
    ("mug", ["en_mug_fox", "en_mugs_pair"]),
    ("mugs", ["en_mug_fox", "en_mugs_pair"]),
    ("fox", ["en_mug_fox"]),
    ("candles", ["en_candle_lavender", "en_candles_beeswax"]),
    ("lavender candle", ["en_candle_lavender"]),
    ("knitted blankets", ["en_blanket"]),
    ("silver earrings", ["en_earrings"]),
    ("silver", ["en_earrings"]),
    ("necklaces", ["en_necklace"]),
    ("teddy bears", ["en_teddy"]),
    ("wooden trains", ["en_train"]),
    ("leather wallet", ["en_wallet"]),
    ("backpacks", ["en_backpack"]),
    ("felted slippers", ["en_slippers"]),
    ("vases", ["en_vase"]),
    ("bowl", ["en_bowls"]),
    ("goat milk soap", ["en_soap"]),
    ("poster", ["en_poster"]),
    # English: one typo
    ("lavendar", ["en_candle_lavender"]),  # a letter changed
    ("candel", ["en_candle_lavender", "en_candles_beeswax"]),  # two letters swapped
    ("blankit", ["en_blanket"]),
    ("watercolor painting", ["en_painting"]),  # a letter left out
    ("sketchbok", ["en_sketchbook"]),
    ("necklacce", ["en_necklace"]),  # a letter added
]


def catalog() -> list[tuple[str, dict[str, Any]]]:
    """(key, product body fields) in the order they are written: targets, then distractors."""
    return [*TARGETS.items(), *DISTRACTORS.items()]


def body(fields: dict[str, Any]) -> dict[str, Any]:
    """A full product body for the catalog's create call."""
    return {**fields, "price": 100_000, "stock": {"mode": "tracked", "quantity": 3}}


def misses(search: Callable[[str], list[str]]) -> list[tuple[str, list[str], list[str]]]:
    """(query, expected, found) for every query whose products are not all in its first five."""
    failed = []
    for query, expected in QUERIES:
        found = search(query)[:TOP]
        if not set(expected) <= set(found):
            failed.append((query, expected, found))
    return failed


def hit_rate(search: Callable[[str], list[str]]) -> tuple[int, int]:
    """(queries whose products are all in their first five, queries)."""
    return len(QUERIES) - len(misses(search)), len(QUERIES)
