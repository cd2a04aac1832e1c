"""Accepted orders saved in K3 Cloud as sales orders (SAL_SaleOrder), exactly once.

The Save body is the one the import files carry (`erp_export.build_model`: one home for the K3
order fields). A Save is not idempotent in K3, and a Save whose answer was lost (a timeout, a
kill -9 between K3's answer and our commit) may still have been stored, so every attempt first
asks K3 for a sales order of this customer with this PO number in the key field (`erp.po_field`,
default FNote): found, its FBillNo is recorded instead of saving again.
"""
from __future__ import annotations

import logging
from typing import Any

from connectors.errors import PermanentError, TransientError
from connectors.k3cloud import K3Client, filter_equals
from outbox.erp_export import FORM_ID, build_model
from outbox.settings import ErpSettings

log = logging.getLogger(__name__)


def order_key(payload: dict[str, Any], erp: ErpSettings) -> list[tuple[str, str]]:
    """The conditions that find this order in K3: its customer and its PO number in the key field."""
    order = payload["order"]
    customer = (order.get("customer") or {}).get("code")
    po_number = order.get("po_number")
    if not customer or not po_number:
        raise PermanentError("the order has no customer code or no PO number, so K3 cannot be asked "
                             "whether it was saved before; it is not saved through the WebAPI.")
    return [("FCustId.FNumber", customer), (erp.po_field, po_number)]


def find_order(client: K3Client, payload: dict[str, Any], erp: ErpSettings) -> str | None:
    """K3's FBillNo of the sales order saved for this customer and PO number, or None."""
    rows = list(client.query(FORM_ID, ["FBillNo"], filter=filter_equals(order_key(payload, erp)),
                             order="FID ASC", page_size=10))
    return str(rows[0][0]) if rows else None


def save_order(client: K3Client, payload: dict[str, Any], erp: ErpSettings) -> str:
    """Save the order in K3 unless it is there already; returns its FBillNo."""
    order = payload["order"]
    found = find_order(client, payload, erp)
    if found is not None and order.get("is_change"):
        raise PermanentError(f"K3 Cloud already has sales order {found} for PO {order.get('po_number')}; "
                             "this change order is not saved over it through the WebAPI: change "
                             f"{found} in K3 by hand.")
    if found is not None:
        log.info("k3cloud: PO %s is already sales order %s; not saved again", order.get("po_number"), found)
        return found
    body = build_model(payload, erp)
    saved = client.save(FORM_ID, body["Model"], extra={k: v for k, v in body.items() if k != "Model"})
    if not saved.number:
        raise TransientError(f"K3 Cloud saved PO {order.get('po_number')} but named no bill number "
                             f"(id {saved.id}); the next attempt looks it up.")
    log.info("k3cloud: PO %s saved as sales order %s", order.get("po_number"), saved.number)
    return saved.number


MAPPING_FORM = "SAL_CustMatMapping"


def save_mapping(client: K3Client, payload: dict[str, Any], erp: ErpSettings) -> str:
    """Write one learned customer item code to K3 as a SAL_CustMatMapping bill of its own,
    submitted and audited (an audited bill cannot take more entries without being un-audited
    first); returns the bill's id. Looked up first, so a repeat finds it; a code K3 already maps
    to another item is left to a clerk."""
    customer, code, material = payload["customer"], payload["code"], payload["material"]
    rows = client.query(MAPPING_FORM, ["FID", "FCustMatNo", "FMaterialId.FNumber"],
                        filter=filter_equals([("FCustomerId.FNumber", customer)]), order="FID ASC")
    for fid, known_code, known_material in rows:
        if _same_code(str(known_code or ""), code):
            if known_material == material:
                return str(fid)
            raise PermanentError(f"K3 Cloud maps customer {customer}'s code {code!r} to {known_material}, "
                                 f"not {material} as taught; change the mapping in K3 by hand.")
    entry = {"FMaterialId": {"FNumber": material}, "FCustMatNo": code, "FCustMatName": payload.get("name") or ""}
    model = {"FSaleOrgId": {"FNumber": erp.sale_org}, "FCustomerId": {"FNumber": customer}, "FEntity": [entry]}
    saved = client.save(MAPPING_FORM, model, auto_submit=True)
    log.info("k3cloud: customer %s code %s -> %s saved as mapping %s", customer, code, material, saved.id)
    return str(saved.id)


def _same_code(left: str, right: str) -> bool:
    return "".join(left.upper().split()) == "".join(right.upper().split())
