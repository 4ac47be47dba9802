"""Buying from distributors: suppliers, purchase orders, goods receipt, payables."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.models import payables, purchasing, receiving, stock, suppliers
from app.models.check import run_checks
from app.models.clock import frozen_clock
from app.models.errors import PermissionDenied, UserError, ValidationError
from app.models.payables import PaymentInput
from app.models.products import ProductInput, UnitInput, create_product, get_product, set_archived
from app.models.purchasing import LineInput
from app.models.receiving import ReceiptLineInput

NOON = datetime(2026, 11, 26, 5, 0, tzinfo=UTC)   # 12:00 WIB


@pytest.fixture
def clock():
    with frozen_clock(NOON):
        yield


@pytest.fixture
def supplier(shop, manajer, clock):
    return suppliers.create_supplier(shop, user=manajer, data=suppliers.SupplierInput(
        name="CV Sumber Pangan Lampung", phone="0721 123456", bank_name="BRI",
        bank_account="0123-01-000123-50-1", bank_holder="CV Sumber Pangan", terms_days=30,
        lead_days=3))


@pytest.fixture
def oil(shop, manajer, clock):
    """Minyak goreng: 10 pcs on hand at 10,000 each; a dus holds 12."""
    return create_product(shop, user=manajer, data=ProductInput(
        name="Minyak Uji 1 L", base_unit="pcs", price=14_000, cost=10_000,
        opening_stock=10_000, units=(UnitInput(name="dus", factor=12_000, price=160_000),)))


def dus(product):
    return product.units[0].id


def test_a_supplier_is_checked_and_kept(shop, supplier, manajer, kasir):
    assert supplier.terms_label == "Tempo 30 hari" and supplier.balance == 0
    with pytest.raises(ValidationError) as refused:
        suppliers.create_supplier(shop, user=manajer, data=suppliers.SupplierInput(
            name=" ", bank_account="12ab", terms_days="tiga puluh"))
    fields = {p.field for p in refused.value.problems}
    assert fields == {"name", "bank_account", "bank_name", "terms_days"}
    with pytest.raises(ValidationError, match="sudah ada"):
        suppliers.create_supplier(shop, user=manajer, data=suppliers.SupplierInput(
            name="cv sumber pangan lampung"))
    with pytest.raises(PermissionDenied):
        suppliers.create_supplier(shop, user=kasir, data=suppliers.SupplierInput(name="X"))
    assert [s.name for s in suppliers.list_suppliers(shop, "sumber")] == [supplier.name]


def test_a_purchase_order_goes_from_draft_to_received_in_parts(shop, supplier, oil, manajer):
    po = purchasing.create_po(shop, user=manajer, supplier_id=supplier.id, lines=[
        LineInput(oil.id, "5", "150.000", dus(oil))])
    assert po.status == "draft" and po.number.endswith("-P0001")
    assert po.total == 750_000 and po.lines[0].base_qty == 60_000
    po = purchasing.update_po(shop, user=manajer, po_id=po.id, lines=[
        LineInput(oil.id, "4", "150000", dus(oil))])
    po = purchasing.send_po(shop, user=manajer, po_id=po.id)
    assert po.status == "sent" and po.total == 600_000
    with pytest.raises(UserError, match="tidak bisa diubah"):
        purchasing.update_po(shop, user=manajer, po_id=po.id, lines=[
            LineInput(oil.id, "1", "1", dus(oil))])

    first = receiving.post_receipt(shop, user=manajer, supplier_id=supplier.id, po_id=po.id,
                                   lines=[ReceiptLineInput(oil.id, "1", "150000", dus(oil))])
    assert first.po_status == "partial"
    assert purchasing.get_po(shop, po.id).lines[0].remaining_base == 36_000
    second = receiving.post_receipt(shop, user=manajer, supplier_id=supplier.id, po_id=po.id,
                                    lines=[ReceiptLineInput(oil.id, "3", "150000", dus(oil))])
    assert second.po_status == "received"
    assert stock.on_hand(shop, oil.id) == 10_000 + 48_000
    with pytest.raises(UserError, match="tidak bisa diterima"):
        receiving.post_receipt(shop, user=manajer, supplier_id=supplier.id, po_id=po.id,
                               lines=[ReceiptLineInput(oil.id, "1", "150000", dus(oil))])
    assert all(r.ok for r in run_checks(shop))


def test_over_receipt_is_refused_unless_confirmed(shop, supplier, oil, manajer, snapshot):
    po = purchasing.create_po(shop, user=manajer, supplier_id=supplier.id, lines=[
        LineInput(oil.id, "2", "150000", dus(oil))])
    before = snapshot(shop)
    with pytest.raises(UserError, match="melebihi pesanan") as refused:
        receiving.post_receipt(shop, user=manajer, supplier_id=supplier.id, po_id=po.id,
                               lines=[ReceiptLineInput(oil.id, "3", "150000", dus(oil))])
    assert "dipesan 2 dus" in refused.value.message
    assert snapshot(shop) == before
    done = receiving.post_receipt(shop, user=manajer, supplier_id=supplier.id, po_id=po.id,
                                  lines=[ReceiptLineInput(oil.id, "3", "150000", dus(oil))],
                                  confirm_over=True)
    assert done.po_status == "received"
    assert shop.scalar("SELECT approved_by FROM goods_receipts WHERE id = ?",
                       (done.id,)) == manajer.id


def test_receipt_sets_the_moving_average_with_freight(shop, supplier, oil, manajer):
    # 10 pcs at 10,000 on hand; 24 pcs arrive at 150,000 a dus with 12,000 freight.
    result = receiving.post_receipt(
        shop, user=manajer, supplier_id=supplier.id, freight="12.000",
        lines=[ReceiptLineInput(oil.id, "2", "150000", dus(oil))])
    assert result.total == 312_000
    held = stock.balance(shop, oil.id)
    assert held == stock.Balance(34_000, 100_000 + 312_000)
    assert get_product(shop, oil.id).cost == 12_118   # 412,000 / 34, rounded
    # The invoice is due after the supplier's 30 days' terms.
    [invoice] = payables.invoices(shop, supplier_id=supplier.id)
    assert (invoice.amount, invoice.invoice_date, invoice.due_date) == (
        312_000, "2026-11-26", "2026-12-26")
    assert suppliers.get_supplier(shop, supplier.id).balance == 312_000
    assert suppliers.supplied_products(shop, supplier.id)[0].last_price == 150_000


def test_freight_is_spread_to_the_rupiah(shop, supplier, oil, manajer):
    rice = create_product(shop, user=manajer, data=ProductInput(
        name="Beras Uji", base_unit="kg", price=14_000, cost=0,
        units=(UnitInput(name="karung", factor=50_000, price=None),)))
    receiving.post_receipt(shop, user=manajer, supplier_id=supplier.id, freight=10_001, lines=[
        ReceiptLineInput(oil.id, "1", "150000", dus(oil)),
        ReceiptLineInput(rice.id, "2", "600000", rice.units[0].id)])
    freight = [r[0] for r in shop.query("SELECT freight FROM goods_receipt_lines ORDER BY line_no")]
    assert sum(freight) == 10_001 and freight == [1_111, 8_890]
    assert stock.balance(shop, rice.id).value == 1_200_000 + 8_890
    assert get_product(shop, rice.id).cost == 12_089   # per kg: 1,208,890 / 100 kg


@pytest.mark.parametrize("line, message", [
    (lambda p: ReceiptLineInput(p.id, "-1", "1000"), "tidak boleh negatif"),
    (lambda p: ReceiptLineInput(p.id, "0", "1000"), "tidak boleh nol"),
    (lambda p: ReceiptLineInput(p.id, "99999999999", "1000"), "terlalu besar"),
    (lambda p: ReceiptLineInput(p.id, "1,5", "1000"), "bilangan bulat"),
    (lambda p: ReceiptLineInput(p.id, "1", "-5"), "tidak boleh negatif"),
    (lambda p: ReceiptLineInput(p.id, "1", "seribu"), "tidak valid"),
    (lambda p: ReceiptLineInput(p.id, "1", "1000", expiry="25-11-2026"), "sudah lewat"),
    (lambda p: ReceiptLineInput(p.id, "1", "1000", expiry="31-02-2027"), "tidak valid"),
    (lambda p: ReceiptLineInput(p.id, "1", "1000", expiry="01-01-2999"), "terlalu jauh"),
    (lambda p: ReceiptLineInput(p.id, "1", "1000", lot="A;DROP"), "lot"),
    (lambda p: ReceiptLineInput(p.id, "1", "1000", unit_id="not-a-unit"), "bukan milik"),
])
def test_a_bad_receipt_line_writes_nothing(shop, supplier, oil, manajer, snapshot, line,
                                            message):
    before = snapshot(shop)
    with pytest.raises(UserError, match=message) as refused:
        receiving.post_receipt(shop, user=manajer, supplier_id=supplier.id,
                               lines=[ReceiptLineInput(oil.id, "1", "1000"), line(oil)])
    assert "Baris 2" in refused.value.message
    assert snapshot(shop) == before


def test_receiving_an_archived_product_or_nothing_is_refused(shop, supplier, oil, manajer,
                                                             kasir, snapshot):
    set_archived(shop, user=manajer, product_id=oil.id, archived=True)
    before = snapshot(shop)
    with pytest.raises(UserError, match="diarsipkan"):
        receiving.post_receipt(shop, user=manajer, supplier_id=supplier.id,
                               lines=[ReceiptLineInput(oil.id, "1", "1000")])
    with pytest.raises(UserError, match="Belum ada barang"):
        receiving.post_receipt(shop, user=manajer, supplier_id=supplier.id, lines=[])
    with pytest.raises(PermissionDenied):
        receiving.post_receipt(shop, user=kasir, supplier_id=supplier.id,
                               lines=[ReceiptLineInput(oil.id, "1", "1000")])
    assert snapshot(shop) == before


def test_fefo_warnings_at_receipt(shop, supplier, oil, manajer):
    first = receiving.post_receipt(shop, user=manajer, supplier_id=supplier.id, lines=[
        ReceiptLineInput(oil.id, "1", "150000", dus(oil), lot="L1", expiry="2027-06-30")])
    assert first.warnings == ()
    lines = [ReceiptLineInput(oil.id, "1", "150000", dus(oil), lot="L2", expiry="10-12-2026")]
    warnings = receiving.check_receipt(shop, supplier_id=supplier.id, lines=lines)
    assert any("kedaluwarsa dalam 14 hari" in w for w in warnings)
    assert any("letakkan di depan" in w for w in warnings)
    assert receiving.post_receipt(shop, user=manajer, supplier_id=supplier.id,
                                  lines=lines).warnings == tuple(warnings)


def test_paying_a_supplier_and_the_aging(shop, supplier, oil, manajer, bendahara, snapshot):
    receiving.post_receipt(shop, user=manajer, supplier_id=supplier.id,
                           lines=[ReceiptLineInput(oil.id, "1", "150000", dus(oil))])
    [invoice] = payables.invoices(shop, open_only=True)
    before = snapshot(shop)
    for payment, message in [
        (PaymentInput("50000", "transfer"), "referensi"),
        (PaymentInput("200000"), "melebihi sisa"),
        (PaymentInput("0"), "tidak boleh nol"),
        (PaymentInput("10000", "cek"), "tidak dikenal"),
    ]:
        with pytest.raises(UserError, match=message):
            payables.pay_invoice(shop, user=bendahara, invoice_id=invoice.id, payment=payment)
    assert snapshot(shop) == before
    payables.pay_invoice(shop, user=bendahara, invoice_id=invoice.id,
                         payment=PaymentInput("50.000", "transfer", "BRI 7781"))
    assert payables.get_invoice(shop, invoice.id).open == 100_000
    today = date(2026, 11, 26)
    assert payables.aging(shop, today)[0].buckets["current"] == 100_000
    [row] = payables.aging(shop, today + timedelta(days=30 + 45))
    assert row.buckets == {"current": 0, "d30": 0, "d60": 100_000, "d90": 0, "over90": 0}
    statement = payables.statement(shop, supplier.id)
    assert [(s.kind, s.amount, s.balance) for s in statement.lines] == [
        ("invoice", 150_000, 150_000), ("payment", -50_000, 100_000)]
    assert statement.lines[1].reference == "transfer BRI 7781"
    assert all(r.ok for r in run_checks(shop))


def test_paying_a_supplier_spreads_over_the_oldest_invoices(shop, supplier, oil, manajer,
                                                            bendahara):
    for _ in range(2):
        receiving.post_receipt(shop, user=manajer, supplier_id=supplier.id,
                               lines=[ReceiptLineInput(oil.id, "1", "150000", dus(oil))])
    with pytest.raises(UserError, match="melebihi utang"):
        payables.pay_supplier(shop, user=bendahara, supplier_id=supplier.id,
                              payment=PaymentInput(300_001))
    paid = payables.pay_supplier(shop, user=bendahara, supplier_id=supplier.id,
                                 payment=PaymentInput(200_000))
    assert len(paid) == 2
    assert [i.open for i in payables.invoices(shop, supplier_id=supplier.id)] == [0, 100_000]
    assert suppliers.get_supplier(shop, supplier.id).balance == 100_000


def test_cash_on_delivery_is_paid_with_the_receipt(shop, supplier, oil, manajer):
    result = receiving.post_receipt(shop, user=manajer, supplier_id=supplier.id,
                                    lines=[ReceiptLineInput(oil.id, "1", "150000", dus(oil))],
                                    pay=PaymentInput(150_000))
    assert payables.get_invoice(shop, result.invoice_id).open == 0
    assert suppliers.get_supplier(shop, supplier.id).balance == 0


def test_reorder_suggestions_follow_sales_speed_and_lead_time(shop, supplier, oil, manajer):
    receiving.post_receipt(shop, user=manajer, supplier_id=supplier.id,
                           lines=[ReceiptLineInput(oil.id, "1", "150000", dus(oil))])
    with shop.atomic():
        shop.execute("UPDATE products SET min_stock = 6000 WHERE id = ?", (oil.id,))
    # 22 on hand, nothing sold: the minimum is met, nothing to order.
    assert purchasing.reorder_suggestions(shop, supplier_id=supplier.id) == []
    with shop.atomic():
        shop.execute("UPDATE products SET min_stock = 40000 WHERE id = ?", (oil.id,))
    [s] = purchasing.reorder_suggestions(shop, supplier_id=supplier.id)
    assert (s.need, s.unit_name, s.qty, s.unit_price) == (18_000, "dus", 2_000, 150_000)
    po = purchasing.po_from_suggestions(shop, user=manajer, supplier_id=supplier.id, chosen=[s])
    # What is on order now counts: no second suggestion for the same need.
    assert purchasing.reorder_suggestions(shop, supplier_id=supplier.id) == []
    purchasing.cancel_po(shop, user=manajer, po_id=po.id, reason="salah hitung")
    assert len(purchasing.reorder_suggestions(shop, supplier_id=supplier.id)) == 1
    with pytest.raises(UserError):
        purchasing.reorder_suggestions(shop, supplier_id=supplier.id, days=0)


# --- members' pre-orders ------------------------------------------------------------------

TILL = "KASIR-1"


@pytest.fixture
def member(shop, bendahara):
    from app.models.members import create_member
    return create_member(shop, user=bendahara, name="Pak Wayan Sutrisno")


@pytest.fixture
def drawer(shop, kasir, clock):
    from app.models.shifts import open_shift
    return open_shift(shop, user=kasir, till=TILL, opening_float="100.000")


def test_a_pre_order_with_deposit_is_ordered_received_and_collected(
        shop, supplier, oil, member, drawer, kasir, manajer):
    from app.models import preorders
    from app.models.sales import PaymentInput as Pay
    from app.models.shifts import shift_summary
    held_before = preorders.outstanding_deposits(shop)   # the demo's members ordered too
    order = preorders.create_preorder(shop, user=kasir, till=TILL, member_id=member.id,
                                      product_id=oil.id, unit_id=dus(oil), qty="2",
                                      deposit="100.000")
    assert (order.total, order.deposit, order.due, order.status) == (
        320_000, 100_000, 220_000, "open")
    assert shift_summary(shop, drawer.id).expected_cash == 200_000
    assert preorders.outstanding_deposits(shop) == held_before + 100_000
    po = preorders.preorders_into_po(shop, user=manajer, supplier_id=supplier.id,
                                     preorder_ids=[order.id])
    assert po.lines[0].qty == 2_000 and po.lines[0].unit_name == "dus"
    assert preorders.get_preorder(shop, order.id).po_number == po.number
    receiving.post_receipt(shop, user=manajer, supplier_id=supplier.id, po_id=po.id,
                           lines=[ReceiptLineInput(oil.id, "2", "150000", dus(oil))])
    sale = preorders.fulfil_preorder(shop, user=kasir, till=TILL, preorder_id=order.id,
                                     payments=[Pay("cash", 250_000)])
    assert (sale.total, sale.change) == (320_000, 30_000)
    methods = dict(shop.query("SELECT method, amount FROM payments WHERE sale_id = ?",
                              (sale.sale_id,)))
    assert methods == {"deposit": 100_000, "cash": 220_000}
    # The drawer holds the float, the deposit and the rest paid today.
    assert shift_summary(shop, drawer.id).expected_cash == 100_000 + 100_000 + 220_000
    assert preorders.outstanding_deposits(shop) == held_before
    with pytest.raises(UserError, match="sudah diambil"):
        preorders.fulfil_preorder(shop, user=kasir, till=TILL, preorder_id=order.id,
                                  payments=[Pay("cash", 250_000)])
    assert all(r.ok for r in run_checks(shop))


def test_a_cancelled_pre_order_returns_the_deposit(shop, oil, member, drawer, kasir, snapshot):
    from app.models import preorders
    from app.models.shifts import shift_summary
    before = snapshot(shop)
    with pytest.raises(UserError, match="melebihi harga"):
        preorders.create_preorder(shop, user=kasir, till=TILL, member_id=member.id,
                                  product_id=oil.id, qty="1", deposit="20.000")
    with pytest.raises(UserError, match="tidak boleh nol"):
        preorders.create_preorder(shop, user=kasir, till=TILL, member_id=member.id,
                                  product_id=oil.id, qty="0")
    assert snapshot(shop) == before
    order = preorders.create_preorder(shop, user=kasir, till=TILL, member_id=member.id,
                                      product_id=oil.id, qty="1", deposit="10.000")
    with pytest.raises(UserError, match="Alasan"):
        preorders.cancel_preorder(shop, user=kasir, till=TILL, preorder_id=order.id, reason="")
    preorders.cancel_preorder(shop, user=kasir, till=TILL, preorder_id=order.id,
                              reason="tidak jadi")
    assert shift_summary(shop, drawer.id).expected_cash == 100_000
    assert preorders.get_preorder(shop, order.id).status == "cancelled"
