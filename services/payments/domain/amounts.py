"""Amounts as providers write them: decimal strings in major units ("12.50"), converted to and
from our integer minor units exactly (Decimal arithmetic, never a float).

A currency's minor unit is ISO 4217's exponent: two decimals for most (RUB, USD, EUR), none for a
few (JPY: `1500` minor units is "1500"), three for others (KWD). A provider string with more
decimals than the currency has, or not a plain decimal number, is refused (ValueError): it cannot be
a payment we asked for.

    to_decimal_string(1250, "USD") == "12.50"
    to_minor_units("12.50", "USD") == 1250
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

# ISO 4217 currencies whose exponent is not 2 (all others: 2).
EXPONENTS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
    "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}


def exponent(currency: str) -> int:
    return EXPONENTS.get(currency.upper(), 2)


def to_decimal_string(amount: int, currency: str) -> str:
    """Integer minor units as the provider's decimal string, with exactly the currency's
    decimals."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"an amount is an int of minor units, not {amount!r}")
    places = exponent(currency)
    value = Decimal(amount).scaleb(-places)
    return f"{value:.{places}f}"


def to_minor_units(value: str | int, currency: str) -> int:
    """The provider's decimal string as integer minor units; ValueError when it is not exact."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"not a decimal amount: {value!r}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"not a decimal amount: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a decimal amount: {value!r}")
    minor = number.scaleb(exponent(currency))
    if minor != minor.to_integral_value():
        raise ValueError(f"{value!r} has more decimals than {currency} allows")
    return int(minor)
