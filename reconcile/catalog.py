"""The ERP catalog as plain, typed records (CONTRACT §1), and the snapshot reconciliation reads.

The records are what the catalog bundle reader produces and what the store persists;
`CatalogSnapshot` adds the indexes (by code, barcode, customer item, name n-grams) that
item matching needs, built once per snapshot.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Material:
    number: str                      # FNumber, e.g. "1.01.0003"
    name: str                        # FName
    specification: str = ""          # FSpecification
    base_unit: str = "PCS"           # FBaseUnitId (unit code)
    barcode: str | None = None       # FBarCode
    pack_qty: Decimal = Decimal(1)   # FPackQty
    min_qty: Decimal = Decimal(0)    # FMinQty
    lead_days: int = 0               # FLeadDays (working days)
    active: bool = True              # FForbidStatus A (True) / B (False)


@dataclass(frozen=True, slots=True)
class Customer:
    number: str                             # FNumber
    name: str                               # FName
    short_name: str = ""                    # FShortName
    emails: tuple[str, ...] = ()            # FEmail split on ';': addresses or '@domain' patterns
    edi_id: str | None = None               # FEdiId
    currency: str = "CNY"                   # FCurrency
    credit_limit: Decimal | None = None     # FCreditLimit (None = unlimited)
    open_amount: Decimal = Decimal(0)       # FOpenAmount
    address: str | None = None              # FAddress


@dataclass(frozen=True, slots=True)
class PriceEntry:
    material: str                       # FMaterialId
    price: Decimal                      # FPrice (per base unit)
    customer: str | None = None         # FCustId (None = all customers)
    from_qty: Decimal = Decimal(0)      # FFromQty
    to_qty: Decimal | None = None       # FToQty (None = no upper bound; 0 in the file means None)
    effective: date | None = None       # FEffectiveDate
    expiry: date | None = None          # FExpiryDate (None = open)
    currency: str | None = None         # FCurrency
    includes_tax: bool | None = None    # FIsIncludedTax (None = the configured default)


@dataclass(frozen=True, slots=True)
class CustomerItem:
    customer: str          # FCustId
    code: str              # FCustMatNo
    name: str              # FCustMatName
    material: str          # FMaterialId


@dataclass(frozen=True, slots=True)
class UnitConversion:
    material: str | None   # FMaterialId (None = any item)
    from_unit: str         # FFromUnit
    to_unit: str           # FToUnit (the base unit)
    rate: Decimal          # 1 from_unit = rate to_unit


class AliasKind:
    """What a learned customer alias is: where on an order it identifies the customer."""

    SENDER = "sender"      # an e-mail address (or an @domain) the orders come from
    NAME = "name"          # a company name printed as letterhead, stamp or buyer field

    ALL = (SENDER, NAME)


@dataclass(frozen=True, slots=True)
class CustomerAlias:
    """A sender address or printed company name a clerk taught to mean this customer."""

    customer: str          # customers.FNumber
    kind: str              # AliasKind.SENDER | AliasKind.NAME
    text: str


@dataclass(frozen=True, slots=True)
class LearnedRecords:
    """What clerks taught at the review desk, newest per key already chosen: customer item
    codes (laid over the bundle's `customer_items`) and customer aliases."""

    customer_items: tuple[CustomerItem, ...] = ()
    aliases: tuple[CustomerAlias, ...] = ()


@dataclass(frozen=True, slots=True)
class CatalogRecords:
    """Everything a catalog bundle holds, unindexed."""

    materials: tuple[Material, ...] = ()
    customers: tuple[Customer, ...] = ()
    prices: tuple[PriceEntry, ...] = ()
    customer_items: tuple[CustomerItem, ...] = ()
    stock: tuple[tuple[str, Decimal], ...] = ()      # (FMaterialId, FQty)
    units: tuple[UnitConversion, ...] = ()
