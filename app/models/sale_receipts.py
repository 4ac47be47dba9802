"""A sale, return or void as the receipt shows it."""

from __future__ import annotations

from app.i18n import _
from app.models.clock import format_local
from app.models.db import Database
from app.models.errors import NotFound
from app.models.money import amount, format_qty
from app.models.receipts import Receipt, ReceiptLine, ReceiptPayment
from app.models.settings import get_settings
from app.models.shifts import method_label


def receipt_for(db: Database, sale_id: str, *, copy: bool = False,
                qris_payload: str = "") -> Receipt:
    sale = db.one("SELECT s.*, u.full_name AS cashier, m.number AS member_number,"
                  " m.name AS member_name, o.number AS original_number FROM sales s"
                  " JOIN users u ON u.id = s.user_id LEFT JOIN members m ON m.id = s.member_id"
                  " LEFT JOIN sales o ON o.id = s.original_id WHERE s.id = ?", (sale_id,))
    if sale is None:
        raise NotFound(_("Struk tidak ditemukan."))
    settings = get_settings(db)
    lines = []
    for row in db.query("SELECT * FROM sale_lines WHERE sale_id = ? ORDER BY line_no",
                        (sale_id,)):
        saving = 0
        if row["het"] is not None and row["qty"] > 0:
            saving = max(0, amount(row["het"] - row["unit_price"], row["qty"]))
        lines.append(ReceiptLine(row["name"], format_qty(row["qty"], row["unit_name"]),
                                 row["unit_price"], row["amount"], row["discount"], saving))
    payments = tuple(ReceiptPayment(method_label(r["method"]),
                                    r["tendered"] if r["tendered"] is not None else r["amount"],
                                    r["reference"])
                     for r in db.query("SELECT * FROM payments WHERE sale_id = ? ORDER BY rowid",
                                       (sale_id,)))
    title = {"sale": _("STRUK PENJUALAN"), "return": _("RETUR"), "void": _("PEMBATALAN")}[
        sale["kind"]]
    notes = ()
    if sale["kind"] != "sale":
        notes = (_("Atas struk {number}").format(number=sale["original_number"]),
                 _("Alasan: {reason}").format(reason=sale["reason"]))
    member = f"{sale['member_number']} {sale['member_name']}" if sale["member_number"] else ""
    return Receipt(
        cooperative_name=settings.cooperative_name, shop_name=settings.shop_name,
        address=settings.address, number=sale["number"],
        time_text=format_local(sale["created_at"], settings.zone), cashier=sale["cashier"],
        member=member, title=title, lines=tuple(lines), subtotal=sale["subtotal"],
        cart_discount=sale["cart_discount"], total=sale["total"], payments=payments,
        change=sale["change"], het_saving=sum(line.het_saving for line in lines),
        footer=settings.receipt_footer, copy=copy, qris_payload=qris_payload, notes=notes)
