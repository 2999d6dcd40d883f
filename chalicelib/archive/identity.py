"""Resident ID numbers (GB 11643) and the keyed hashes a person is found by.

Nothing here keeps or returns a raw ID or phone number: a lookup key is an HMAC-SHA256 under the
deployment's identity key, so the table alone cannot be reversed by hashing every possible number.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_FORMAT = re.compile(r"^\d{17}[\dX]$")


def check_digit(first17: str) -> str:
    """The 18th character of a resident ID number: ISO 7064 MOD 11-2 over the first 17 digits."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def id_number_problem(value: str) -> str | None:
    """Why `value` is not a valid 18-character resident ID number, or None. Never echoes it."""
    number = normalise_id(value)
    if not _ID_FORMAT.match(number):
        return "must be 17 digits and a check digit (0-9 or X)"
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "the birth date part is not a date"
    if check_digit(number[:17]) != number[17]:
        return "the check digit does not match"
    return None


def normalise_id(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().upper()


def normalise_phone(value: str) -> str:
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", value))
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix) :]
    return digits


def _keyed(key: bytes, kind: str, value: str) -> str:
    # The kind is part of the MAC input so an ID key can never equal a phone key.
    return f"{kind}#" + hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def id_key(key: bytes, id_number: str) -> str:
    return _keyed(key, "id", normalise_id(id_number))


def phone_key(key: bytes, phone: str, family_name: str, birth_date: date) -> str:
    family = unicodedata.normalize("NFKC", family_name).strip().casefold()
    return _keyed(key, "ph", f"{normalise_phone(phone)}|{family}|{birth_date.isoformat()}")
