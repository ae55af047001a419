"""Seed 003's worked example ("Пример настройки способов доставки для магазина") as data.

A shop that sells goods of every size: large ones (kitchens, beds, wardrobes) only by PEK, small
ones by Russian Post or CDEK, priced and limited per region. Six methods:
- PEK, 20–100 kg, across Russia;
- Russian Post across Russia, by weight, up to 20 kg (seed: "на все товары до 20 кг");
- courier in Moscow and the Moscow region, 300 ₽, free from 3000 ₽ of goods;
- CDEK pickup point across Russia, 0–19 kg;
- northern regions, up to 3 kg (the seed's list says Russian Post, its text CDEK; we take CDEK,
  the text that explains the limit);
- CDEK pickup point in Belarus and Kazakhstan, no weight limit: the only method offered there.
"The others 0–19 kg" (seed) is the courier's and CDEK's limit. The seed gives no price tables
beyond "1 kg 200 ₽, 2 kg 250 ₽ and so on"; the tables below are invented in that spirit.
The shop has switched its four universal methods off, as the seed advises once own methods exist.
Amounts are kopecks.
"""

from __future__ import annotations

from services.shipping.domain import DeliveryMethod, parse_method, universal_methods

SHOP_ID = "5f0c2a58-3c1e-4a53-9a1e-0d6c0b6a2c11"

NORTHERN_REGIONS = (
    "Мурманская область",
    "Архангельская область",
    "Ненецкий автономный округ",
    "Республика Коми",
    "Ямало-Ненецкий автономный округ",
    "Чукотский автономный округ",
    "Магаданская область",
    "Республика Саха (Якутия)",
)

PEK = "method-pek"
RUSSIAN_POST = "method-russian-post"
COURIER = "method-courier-moscow"
CDEK = "method-cdek-russia"
NORTH = "method-north"
CDEK_BY_KZ = "method-cdek-by-kz"

SPECS: dict[str, dict] = {
    PEK: {
        "name": "PEK",
        "carrier": "pek",
        "destinations": [{"country": "RU"}],
        "weight_limit_grams": {"min": 20_000, "max": 100_000},
        "rate": {
            "basis": "weight",
            "tiers": [{"from": 0, "cost": 250_000}, {"from": 50_001, "cost": 400_000}],
        },
        "delivery_days": 7,
    },
    RUSSIAN_POST: {
        "name": "Russian Post across Russia",
        "carrier": "russian_post",
        "destinations": [{"country": "RU"}],
        "weight_limit_grams": {"min": 0, "max": 20_000},
        "rate": {
            "basis": "weight",
            "tiers": [
                {"from": 0, "cost": 20_000},  # up to 1 kg: 200 ₽
                {"from": 1_001, "cost": 25_000},  # up to 2 kg: 250 ₽
                {"from": 2_001, "cost": 30_000},  # up to 3 kg: 300 ₽
                {"from": 3_001, "cost": 35_000},  # up to 5 kg: 350 ₽
                {"from": 5_001, "cost": 45_000},  # up to 10 kg: 450 ₽
                {"from": 10_001, "cost": 70_000},  # up to 15 kg: 700 ₽
                {"from": 15_001, "cost": 90_000},  # up to 20 kg: 900 ₽
            ],
        },
        "delivery_days": 10,
    },
    COURIER: {
        "name": "Courier (Moscow and Moscow region)",
        "carrier": "courier",
        "destinations": [
            {"country": "RU", "region": "Москва"},
            {"country": "RU", "region": "Московская область"},
        ],
        "weight_limit_grams": {"min": 0, "max": 19_000},
        "rate": {
            "basis": "price",
            "tiers": [{"from": 0, "cost": 30_000}, {"from": 300_000, "cost": 0}],
        },
        "delivery_days": 2,
    },
    CDEK: {
        "name": "CDEK pickup point across Russia",
        "carrier": "cdek",
        "destinations": [{"country": "RU"}],
        "weight_limit_grams": {"min": 0, "max": 19_000},
        "rate": {
            "basis": "weight",
            "tiers": [
                {"from": 0, "cost": 35_000},
                {"from": 1_001, "cost": 40_000},
                {"from": 3_001, "cost": 55_000},
                {"from": 10_001, "cost": 90_000},
            ],
        },
        "delivery_days": 5,
    },
    NORTH: {
        "name": "CDEK pickup point (northern regions)",
        "carrier": "cdek",
        "destinations": [{"country": "RU", "region": region} for region in NORTHERN_REGIONS],
        "weight_limit_grams": {"min": 0, "max": 3_000},
        "rate": {
            "basis": "weight",
            "tiers": [
                {"from": 0, "cost": 60_000},
                {"from": 1_001, "cost": 80_000},
                {"from": 2_001, "cost": 100_000},
            ],
        },
        "delivery_days": 14,
    },
    CDEK_BY_KZ: {
        "name": "CDEK pickup point (Belarus, Kazakhstan)",
        "carrier": "cdek",
        "destinations": [{"country": "BY"}, {"country": "KZ"}],
        "rate": {
            "basis": "weight",
            "tiers": [
                {"from": 0, "cost": 90_000},
                {"from": 5_001, "cost": 150_000},
                {"from": 20_001, "cost": 300_000},
            ],
        },
        "delivery_days": 12,
    },
}


def own_methods() -> list[DeliveryMethod]:
    return [parse_method(spec, method_id=method_id) for method_id, spec in SPECS.items()]


def shop_methods() -> list[DeliveryMethod]:
    """The shop's methods as the service lists them: its own, then the universal ones (off)."""
    universal = universal_methods(SHOP_ID)
    return own_methods() + universal_methods(SHOP_ID, {m.id for m in universal})
