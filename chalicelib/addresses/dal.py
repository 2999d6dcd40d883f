"""Address table: the QR doorplate resolves to one item by its code."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from chalicelib.addresses.schemas import Address, AddressStatus
from chalicelib.core.geo import cells
from chalicelib.core.tables import register


class CountyIndex(GlobalSecondaryIndex["AddressRecord"]):
    """Addresses of one county for registry sync and admin paging; text only, no join needed."""

    class Meta:
        index_name = "by-county"
        projection = IncludeProjection(["text_zh", "text_en", "status"])

    county = UnicodeAttribute(hash_key=True)
    address_code = UnicodeAttribute(range_key=True)


@register
class AddressRecord(Model):
    class Meta:
        table_name = "addresses"
        billing_mode = "PAY_PER_REQUEST"

    address_code = UnicodeAttribute(hash_key=True)
    county = UnicodeAttribute()
    township = UnicodeAttribute()
    community = UnicodeAttribute()
    road = UnicodeAttribute()
    number = UnicodeAttribute()
    building = UnicodeAttribute(null=True)
    unit = UnicodeAttribute(null=True)
    floor = NumberAttribute(null=True)
    room = UnicodeAttribute(null=True)
    text_zh = UnicodeAttribute()
    text_en = UnicodeAttribute()
    lat = NumberAttribute()
    lon = NumberAttribute()
    # Stored, not derived on read: incidents copy them and later queries join on them.
    cell_coarse = UnicodeAttribute()
    cell_fine = UnicodeAttribute()
    status = UnicodeAttribute(default=AddressStatus.ACTIVE.value)
    by_county = CountyIndex()


def address_record(address: Address) -> AddressRecord:
    data = address.model_dump(exclude={"code"}, mode="json")
    coarse, fine = cells(address.lat, address.lon)
    return AddressRecord(address.code, **data, cell_coarse=coarse, cell_fine=fine)


def to_address(record: AddressRecord) -> Address:
    values = dict(record.attribute_values)
    values["code"] = values.pop("address_code")
    return Address.model_validate(values)
