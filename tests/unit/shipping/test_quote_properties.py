"""Properties that hold for any method and any order."""

from hypothesis import given, settings
from hypothesis import strategies as st

from services.shipping.domain import (
    Destination,
    InvalidDeliveryMethod,
    Line,
    Measures,
    parse_method,
    quote,
    tier_cost,
)
from services.shipping.domain.errors import ErrorCollector
from services.shipping.domain.rates import parse_rate

COUNTRIES = ["RU", "BY", "KZ"]
REGIONS = ["Москва", "Московская область", "Мурманская область", None]

costs_ = st.integers(min_value=0, max_value=10**7)


@st.composite
def tier_tables(draw, first=0):
    """Valid tiers: first from 0, strictly increasing."""
    gaps = draw(st.lists(st.integers(min_value=1, max_value=50_000), max_size=6))
    starts = [first]
    for gap in gaps:
        starts.append(starts[-1] + gap)
    return [{"from": start, "cost": draw(costs_)} for start in starts]


@st.composite
def rates(draw):
    basis = draw(st.sampled_from(["fixed", "price", "weight", "quantity", "percent"]))
    if basis == "percent":
        return {
            "basis": "quantity",
            "base": draw(costs_),
            "percent_per_extra_item": draw(st.integers(min_value=0, max_value=1000)),
        }
    if basis == "fixed":
        return {"basis": "fixed", "tiers": [{"from": 0, "cost": draw(costs_)}]}
    first = draw(st.sampled_from([0, 1])) if basis == "quantity" else 0
    return {"basis": basis, "tiers": draw(tier_tables(first))}


@st.composite
def destination_rules(draw):
    country = draw(st.sampled_from(COUNTRIES))
    region = draw(st.sampled_from(REGIONS))
    return {"country": country} if region is None else {"country": country, "region": region}


@st.composite
def weight_limits(draw):
    low = draw(st.integers(min_value=0, max_value=30_000))
    high = draw(st.one_of(st.none(), st.integers(min_value=low, max_value=60_000)))
    return {"min": low, "max": high}


@st.composite
def methods(draw, index):
    spec = {
        "name": f"method {index}",
        "carrier": draw(st.sampled_from(["russian_post", "cdek", "courier", "pek", "boxberry"])),
        "rate": draw(rates()),
        "free_delivery_applies": draw(st.booleans()),
        "enabled": draw(st.booleans()),
    }
    if draw(st.booleans()):
        spec["destinations"] = draw(st.lists(destination_rules(), max_size=3))
    if draw(st.booleans()):
        spec["weight_limit_grams"] = draw(weight_limits())
    return parse_method(spec, method_id=f"m{index}")


lines_ = st.lists(
    st.builds(
        Line,
        quantity=st.integers(min_value=1, max_value=20),
        weight_grams=st.one_of(st.none(), st.integers(min_value=0, max_value=20_000)),
        free_delivery=st.booleans(),
        total=st.integers(min_value=0, max_value=10**6),
    ),
    min_size=1,
    max_size=5,
)
destinations_ = st.builds(
    Destination, st.sampled_from(COUNTRIES), st.sampled_from(REGIONS), st.none()
)


@st.composite
def shops(draw):
    count = draw(st.integers(min_value=1, max_value=5))
    return [draw(methods(index)) for index in range(count)]


def real_weight(lines):
    if any(line.weight_grams is None for line in lines if not line.free_delivery):
        return None
    return sum(line.quantity * (line.weight_grams or 0) for line in lines)


@settings(max_examples=200, deadline=None)
@given(shops(), destinations_, lines_, st.integers(min_value=0, max_value=10**7))
def test_costs_are_never_negative_and_unfit_methods_are_never_offered(
    shop, destination, lines, items_total
):
    offered = quote(shop, destination, lines, items_total, "RUB")
    by_id = {method.id: method for method in shop}
    weight = real_weight(lines)
    for quoted in offered:
        method = by_id[quoted.method_id]
        assert method.enabled
        assert quoted.cost is not None and quoted.cost.amount >= 0
        assert quoted.cost.currency == "RUB"
        if method.destinations:
            assert any(
                rule.country == destination.country
                and (rule.region is None or rule.region == destination.region)
                for rule in method.destinations
            )
        if method.weight_limit is not None and not method.weight_limit.is_unbounded:
            assert weight is not None
            assert method.weight_limit.min <= weight
            assert method.weight_limit.max is None or weight <= method.weight_limit.max
    # Offered methods keep the shop's order.
    order = [method.id for method in shop]
    assert [q.method_id for q in offered] == sorted((q.method_id for q in offered), key=order.index)


@settings(max_examples=200, deadline=None)
@given(tier_tables(), st.integers(min_value=0, max_value=10**6))
def test_a_price_rate_is_the_step_of_the_greatest_from_not_above_the_total(tiers, total):
    errors = ErrorCollector()
    rate = parse_rate({"basis": "price", "tiers": tiers}, errors)
    expected = max((t for t in tiers if t["from"] <= total), key=lambda t: t["from"])["cost"]
    assert rate.cost(Measures(total, 0, 1), "RUB").amount == expected
    assert tier_cost(rate.tiers, total) == expected


@settings(max_examples=200, deadline=None)
@given(tier_tables(), st.integers(min_value=0, max_value=10**6))
def test_the_cost_only_changes_where_a_tier_starts(tiers, total):
    errors = ErrorCollector()
    rate = parse_rate({"basis": "price", "tiers": tiers}, errors)
    here = rate.cost(Measures(total, 0, 1), "RUB")
    next_total = total + 1
    if all(t["from"] != next_total for t in tiers):
        assert rate.cost(Measures(next_total, 0, 1), "RUB") == here


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "from": st.integers(min_value=-5, max_value=50),
                "cost": st.one_of(st.integers(min_value=-5, max_value=50), st.floats(0, 5)),
            }
        ),
        max_size=5,
    )
)
def test_a_table_is_accepted_only_if_it_starts_at_0_increases_and_costs_nothing_negative(tiers):
    starts = [t["from"] for t in tiers]
    valid = (
        bool(tiers)
        and starts[0] == 0
        and all(b > a for a, b in zip(starts, starts[1:], strict=False))
        and all(isinstance(t["cost"], int) and t["cost"] >= 0 for t in tiers)
    )
    spec = {"name": "m", "carrier": "cdek", "rate": {"basis": "weight", "tiers": tiers}}
    try:
        parse_method(spec, method_id="m")
        accepted = True
    except InvalidDeliveryMethod:
        accepted = False
    assert accepted == valid


@settings(max_examples=150, deadline=None)
@given(
    shops(),
    destinations_,
    lines_,
    st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=1, max_value=5),
    st.integers(min_value=0, max_value=10**5),
)
def test_adding_a_free_delivery_product_never_changes_the_cost_where_free_delivery_applies(
    shop, destination, lines, items_total, quantity, price
):
    """Except through a `price` rate, which measures the whole item total (the product counts
    toward its thresholds): there the cost is the tier of the new total."""
    if all(line.free_delivery for line in lines):
        lines = [*lines, Line(1, 100)]
    free = Line(quantity, None, free_delivery=True, total=price)
    before = {q.method_id: q.cost for q in quote(shop, destination, lines, items_total, "RUB")}
    after = quote(shop, destination, [*lines, free], items_total + price, "RUB")
    by_id = {method.id: method for method in shop}
    for quoted in after:
        method = by_id[quoted.method_id]
        if not method.free_delivery_applies:
            continue
        if method.rate is not None and method.rate.basis.value == "price":
            assert quoted.cost.amount == tier_cost(method.rate.tiers, items_total + price)
        else:
            assert quoted.cost == before[quoted.method_id]
