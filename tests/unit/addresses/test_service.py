"""Reading an address and issuing or revoking its doorplates, over in-memory ports."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib.addresses import service
from chalicelib.addresses.ports import AddressSelection, AddressSource
from chalicelib.addresses.schemas import Address, AddressStatus
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.qr import tokens
from chalicelib.qr.keys import StaticKeyRing
from chalicelib.qr.ports import RevocationStore
from chalicelib.qr.revocations import RevocationSet
from chalicelib.qr.schemas import Revocation

RING = StaticKeyRing("k1", {"k1": b"k" * 32})
NOW = 1_780_000_000
DOOR = Address(code="A1", county="350602", township="t", community="c", road="r", number="1", text_zh="芗城区某路1号",
               text_en="1 Some Rd", lat=24.5109, lon=117.6536)  # fmt: skip


class MemoryAddresses(AddressSource):
    def __init__(self, *addresses: Address) -> None:
        self.by_code = {a.code: a for a in addresses}

    def get(self, code: str) -> Address | None:
        return self.by_code.get(code)

    def select(self, selection: AddressSelection) -> Iterator[Address]:
        return iter(a for a in self.by_code.values() if a.community == selection.community)


class MemoryRevocations(RevocationStore):
    def __init__(self) -> None:
        self.items: dict[str, Revocation] = {}

    def put(self, revocation: Revocation) -> None:
        self.items[revocation.subject] = revocation

    def get(self, subject: str) -> Revocation | None:
        return self.items.get(subject)

    def all(self) -> list[Revocation]:
        return list(self.items.values())


def _issue(source: AddressSource, revocations: RevocationStore, now: int = NOW) -> service.IssuedPlate:
    return service.issue_for_code(
        "A1", source=source, ring=RING, revocations=revocations, now=now, base_url="https://call.example.cn/"
    )


def test_a_plate_opens_the_call_page_with_a_token_that_locates_the_door() -> None:
    issued = _issue(MemoryAddresses(DOOR), MemoryRevocations())
    assert issued.qr.url == f"https://call.example.cn/q/{issued.qr.token}"
    claims = tokens.verify(issued.qr.token, RING, RevocationSet(), NOW)
    assert (claims.address_code, claims.county, claims.kid) == ("A1", "350602", "k1")
    assert issued.plate.text_zh == DOOR.text_zh


def test_an_unknown_address_is_404_and_a_retired_one_gets_no_plate() -> None:
    with pytest.raises(NotFound):
        _issue(MemoryAddresses(), MemoryRevocations())
    retired = DOOR.model_copy(update={"status": AddressStatus.RETIRED})
    with pytest.raises(Conflict):
        _issue(MemoryAddresses(retired), MemoryRevocations())


def test_revoking_refuses_earlier_plates_and_a_reprint_in_the_same_second_works() -> None:
    source, revocations = MemoryAddresses(DOOR), MemoryRevocations()
    old = _issue(source, revocations, now=NOW - 10)
    revocation = service.revoke_plates("A1", "stolen plate", "admin-1", source=source, store=revocations, now=NOW)
    fresh = _issue(source, revocations, now=NOW)
    revoked = RevocationSet.of(revocations.all())
    assert revocation.subject == "address#A1"
    assert revoked.revokes(tokens.verify(fresh.qr.token, RING, RevocationSet(), NOW)) is False
    assert revoked.revokes(tokens.verify(old.qr.token, RING, RevocationSet(), NOW)) is True
