"""Returns and voids: a reversing sale record, stock back, money out by the original method."""

from __future__ import annotations

from app.i18n import _
from app.models import audit, consignment, stock
from app.models.clock import local_date, now_iso
from app.models.db import Database
from app.models.errors import UserError
from app.models.ids import new_id, next_document_number
from app.models.members import record_credit
from app.models.money import QTY_SCALE, div_round_half_up, format_qty
from app.models.sales import REFUND_ORDER, SaleResult, _approval, _write_payments, returnable_lines
from app.models.settings import get_settings
from app.models.shifts import require_open_shift
from app.models.users import User, require


def _part(total: int, done: int, qty: int, sold: int, remaining: int) -> int:
    """This return's share of a line's ``total`` rupiah: what everything returned so far
    (this return included) is worth, less what earlier returns took; the rest of it when the
    last pieces go back. Rounding the running sum, not each piece, keeps every share between
    zero and what is left, so returns in many pieces never give back more than was paid."""
    if qty == remaining:
        return total - done
    return div_round_half_up(total * (sold - remaining + qty), sold) - done


def return_items(db: Database, *, user: User, till: str, sale_id: str,
                 quantities: dict[str, int], reason: str, supervisor: User | None = None,
                 kind: str = "return") -> SaleResult:
    """Take back ``quantities`` (line id → thousandths of the unit sold) of an earlier sale."""
    require(user, "sale.sell")
    reason = (reason or "").strip()
    if not reason:
        raise UserError(_("Alasan retur/pembatalan harus diisi."), "reason")
    quantities = {k: v for k, v in quantities.items() if v}
    if not quantities:
        raise UserError(_("Pilih barang dan jumlah yang dikembalikan."), "qty")
    with db.atomic():
        approver = _approval(user, supervisor, _("Retur atau pembatalan"))
        original = db.one("SELECT * FROM sales WHERE id = ?", (sale_id,))
        if original is None or original["kind"] != "sale":
            raise UserError(_("Hanya struk penjualan yang bisa diretur."))
        shift = require_open_shift(db, user=user, till=till)
        lines = {line.line_id: line for line in returnable_lines(db, sale_id)}
        for line_id, qty in quantities.items():
            line = lines.get(line_id)
            if line is None:
                raise UserError(_("Baris itu bukan bagian dari struk ini."))
            if not isinstance(qty, int) or isinstance(qty, bool) or qty < 0:
                raise UserError(_("Jumlah retur tidak valid."), "qty")
            if not line.fractional and qty % QTY_SCALE:
                raise UserError(_("{name} dijual per {unit} utuh, tanpa desimal.").format(
                    name=line.name, unit=line.unit_name), "qty")
            if qty > line.remaining:
                raise UserError(_("{name}: retur {qty} melebihi sisa yang dibeli {left}.").format(
                    name=line.name, qty=format_qty(qty, line.unit_name),
                    left=format_qty(line.remaining, line.unit_name)), "qty")
        settings = get_settings(db)
        at = now_iso()
        # Sales, returns and voids share one numbering: a number finds exactly one receipt.
        number = next_document_number(db, kind="sale", shop_code=settings.shop_code,
                                      day=local_date(at, settings.zone))
        return_id = new_id()
        written = []
        for line_id, qty in quantities.items():
            old = db.one("SELECT * FROM sale_lines WHERE id = ?", (line_id,))
            done = db.one("SELECT coalesce(-sum(amount), 0) AS amount,"
                          " coalesce(-sum(net_amount), 0) AS net, coalesce(-sum(cost), 0) AS cost,"
                          " coalesce(-sum(base_qty), 0) AS base, coalesce(-sum(discount), 0)"
                          " AS discount FROM sale_lines WHERE original_line_id = ?", (line_id,))
            remaining = lines[line_id].remaining
            part = {key: _part(old[column], done[key], qty, old["qty"], remaining)
                    for key, column in (("amount", "amount"), ("net", "net_amount"),
                                        ("cost", "cost"), ("base", "base_qty"),
                                        ("discount", "discount"))}
            # Consigned goods go back to the batches they came from; the producers give
            # back what they were owed for them, and that is the cost returned.
            takes = consignment.plan_take_back(db, original_line_id=old["id"],
                                               base_qty=part["base"], net_amount=part["net"])
            if takes:
                part["cost"] = sum(take.due for take in takes)
            written.append((old, qty, part, takes))
        refund = sum(part["net"] for _old, _qty, part, _takes in written)
        subtotal = sum(part["amount"] for _old, _qty, part, _takes in written)
        db.execute(
            "INSERT INTO sales(id, number, kind, shift_id, user_id, member_id, original_id,"
            " subtotal, cart_discount, total, change, reason, approved_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)",
            (return_id, number, kind, shift.id, user.id, original["member_id"], sale_id,
             -subtotal, -(subtotal - refund), -refund, reason[:200], approver.id, at))
        for line_no, (old, qty, part, takes) in enumerate(written, start=1):
            line_id = new_id()
            db.execute(
                "INSERT INTO sale_lines(id, sale_id, line_no, product_id, unit_id, name,"
                " unit_name, qty, factor, base_qty, unit_price, discount, amount, net_amount,"
                " cost, het, original_line_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (line_id, return_id, line_no, old["product_id"], old["unit_id"], old["name"],
                 old["unit_name"], -qty, old["factor"], -part["base"], old["unit_price"],
                 -part["discount"], -part["amount"], -part["net"], -part["cost"], old["het"],
                 old["id"]))
            if takes:
                consignment.write_take_back(db, takes, user_id=user.id, return_id=return_id,
                                            return_line_id=line_id, reason=reason[:200], at=at)
            elif part["base"]:
                # Goods come back at what they cost when they left.
                stock.record_movement(db, user_id=user.id, product_id=old["product_id"],
                                      kind="return", qty=part["base"], value=part["cost"],
                                      doc_type=kind, doc_id=return_id, reason=reason[:200])
        rows = _refund_rows(db, sale_id, refund)
        _write_payments(db, return_id, rows)
        bon = -sum(value for method, value, _t, _r in rows if method == "bon")
        if bon:
            record_credit(db, user_id=user.id, member_id=original["member_id"], amount=-bon,
                          kind=kind, doc_type=kind, doc_id=return_id)
        audit.record(db, user_id=user.id, action=f"sale.{kind}", entity="sale",
                     entity_id=return_id, detail={"number": number, "original": original["number"],
                                                  "refund": refund, "reason": reason[:200],
                                                  "approved_by": approver.username})
    return SaleResult(return_id, number, kind, -refund, 0,
                      any(method == "cash" for method, *_rest in rows))


def _refund_rows(db: Database, sale_id: str, refund: int) -> list:
    """Money goes back by the way it came, never more per method than was paid that way."""
    left = dict(db.query(
        "SELECT p.method, sum(p.amount) FROM payments p JOIN sales s ON s.id = p.sale_id"
        " WHERE s.id = ? OR s.original_id = ? GROUP BY p.method", (sale_id, sale_id)))
    rows = []
    for method in REFUND_ORDER:
        if refund <= 0:
            break
        take = min(refund, left.get(method, 0))
        if take > 0:
            rows.append((method, -take, None, ""))
            refund -= take
    if refund > 0:  # cannot happen while payments cover the sale; never lose a rupiah
        rows.append(("cash", -refund, None, ""))
    return rows


def void_sale(db: Database, *, user: User, till: str, sale_id: str, reason: str,
              supervisor: User | None = None) -> SaleResult:
    """Cancel what is left of a sale: every line's remaining quantity goes back."""
    quantities = {line.line_id: line.remaining for line in returnable_lines(db, sale_id)}
    if not any(quantities.values()):
        raise UserError(_("Semua barang pada struk ini sudah dikembalikan."))
    return return_items(db, user=user, till=till, sale_id=sale_id, quantities=quantities,
                        reason=reason, supervisor=supervisor, kind="void")
