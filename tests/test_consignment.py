"""Consignment as a gerai does it: two producers leave keripik and emping, the till sells
them, a customer brings one back, the treasurer settles and pays, the manager returns what
is left and counts. Expected figures are worked out by hand from the agreement: a 15%
commission of the sale price, or a fixed price per piece to the producer.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.models import consignment, consignment_stock, consignors, stock
from app.models import consignment_settlement as settlement
from app.models.cart import Cart, add_product, set_cart_discount
from app.models.check import run_checks
from app.models.clock import frozen_clock
from app.models.errors import NotFound, PermissionDenied, UserError, ValidationError
from app.models.money import QTY_SCALE as K
from app.models.payables import PaymentInput as Pay
from app.models.products import ProductInput, create_product, get_product
from app.models.returns import return_items
from app.models.sales import PaymentInput, complete_sale
from app.models.shifts import open_shift
from app.models.stock_ops import write_off

TILL = "KASIR-1"
DAY = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)   # Monday 10:00 WIB


class Clock:
    def __init__(self):
        self.at = DAY

    def __call__(self, days: int = 0, minutes: int = 1):
        self.at += timedelta(days=days, minutes=minutes)
        return frozen_clock(self.at)

    @property
    def today(self) -> date:
        return (self.at + timedelta(hours=7)).date()


@pytest.fixture
def clock():
    return Clock()


def consignor(db, user, clock, **form):
    data = consignors.consignor_from_form({"name": "Ibu Sari", "village": "Desa Hanura",
                                           "commission": "15", **form})
    with clock():
        return consignors.create_consignor(db, user=user, data=data)


def product(db, user, clock, name="Keripik Pisang Uji 250 g", price=12_000):
    with clock():
        return create_product(db, user=user, data=ProductInput(
            name=name, base_unit="pcs", price=price, category="UMKM"))


def intake(db, user, clock, who, item, qty, **line):
    with clock():
        return consignment.post_intake(db, user=user, consignor_id=who.id, lines=[
            consignment.IntakeLine(item.id, qty * K, **line)])


def sell(db, user, clock, item, qty, discount=0):
    with clock():
        cart = add_product(db, Cart(), item.id, qty=qty * K)
        if discount:
            cart = set_cart_discount(cart, discount)
        return complete_sale(db, user=user, till=TILL, cart=cart,
                             payments=[PaymentInput("cash", cart.total)])


@pytest.fixture
def till(shop, kasir, clock):
    with clock():
        open_shift(shop, user=kasir, till=TILL, opening_float="100.000")


@pytest.fixture
def sari(shop, manajer, clock):
    return consignor(shop, manajer, clock)


@pytest.fixture
def budi(shop, manajer, clock):
    return consignor(shop, manajer, clock, name="Pak Budi", village="Kel. Way Halim",
                     terms="fixed", pay_method="transfer", bank_name="BRI",
                     bank_account="0123 0100 5555 501", period="weekly",
                     loss_policy="producer")


@pytest.fixture
def keripik(shop, manajer, clock):
    return product(shop, manajer, clock)


def refused(db, snapshot, call, error=UserError, match=None):
    before = snapshot(db)
    with pytest.raises(error, match=match) as caught:
        call()
    assert snapshot(db) == before
    return caught.value


def test_two_producers_sell_the_same_keripik_oldest_batch_first(
        shop, manajer, kasir, till, clock, sari, budi, keripik):
    intake(shop, manajer, clock, sari, keripik, 3, batch_code="KP-01")
    intake(shop, manajer, clock, budi, keripik, 5, producer_price=9_500)
    assert get_product(shop, keripik.id).stock == 8 * K
    assert stock.movements(shop, keripik.id) == []       # not the shop's stock

    sale = sell(shop, kasir, clock, keripik, 4)          # 3 of Sari's, 1 of Budi's
    line_id = shop.scalar("SELECT id FROM sale_lines WHERE sale_id = ?", (sale.sale_id,))
    assert consignment_stock.line_owners(shop, line_id) == [("Ibu Sari", 3 * K), ("Pak Budi", K)]
    # Sari: 36,000 less 15% = 30,600; Budi: his fixed 9,500. The line's cost is theirs.
    assert shop.scalar("SELECT cost FROM sale_lines WHERE id = ?", (line_id,)) == 40_100
    left = {b.consignor_name: b.on_hand for b in consignment_stock.batches(shop, product_id=keripik.id)}
    assert left == {"Ibu Sari": 0, "Pak Budi": 4 * K}
    assert all(r.ok for r in consignment_stock.reconcile(shop, sari.id))
    assert consignment_stock.mismatches(shop) == []


def test_a_cart_discount_is_shared_by_the_producer_on_commission(
        shop, manajer, kasir, till, clock, sari, keripik):
    intake(shop, manajer, clock, sari, keripik, 10)
    sale = sell(shop, kasir, clock, keripik, 2, discount=2_000)   # 24,000 − 2,000 = 22,000
    row = shop.one("SELECT gross, due FROM consignment_movements WHERE doc_id = ?",
                   (sale.sale_id,))
    assert (row["gross"], row["due"]) == (22_000, 18_700)          # 22,000 − 3,300


def test_a_customer_return_gives_back_the_producers_share(
        shop, manajer, kasir, till, clock, sari, budi, keripik):
    intake(shop, manajer, clock, sari, keripik, 1)
    intake(shop, manajer, clock, budi, keripik, 5, producer_price=9_500)
    sale = sell(shop, kasir, clock, keripik, 3)     # Sari 1 (10,200), Budi 2 (19,000)
    line_id = shop.scalar("SELECT id FROM sale_lines WHERE sale_id = ?", (sale.sale_id,))
    with clock():
        back = return_items(shop, user=manajer, till=TILL, sale_id=sale.sale_id,
                            quantities={line_id: K}, reason="Bungkus sobek")
    # The last taken goes back first: one of Budi's.
    row = shop.one("SELECT consignor_id, qty, gross, due FROM consignment_movements"
                   " WHERE doc_id = ?", (back.sale_id,))
    assert tuple(row) == (budi.id, K, -12_000, -9_500)
    assert shop.scalar("SELECT cost FROM sale_lines WHERE sale_id = ?", (back.sale_id,)) == -9_500
    with clock():
        rest = return_items(shop, user=manajer, till=TILL, sale_id=sale.sale_id,
                            quantities={line_id: 2 * K}, reason="Salah beli")
    assert shop.scalar("SELECT sum(due) FROM consignment_movements WHERE kind LIKE 'sale%'") == 0
    assert shop.scalar("SELECT sum(cost) FROM sale_lines WHERE product_id = ?", (keripik.id,)) == 0
    assert get_product(shop, keripik.id).stock == 6 * K
    assert rest.total == -24_000
    assert consignment_stock.mismatches(shop) == []


def test_settling_a_month_then_paying_by_transfer(
        shop, manajer, kasir, bendahara, till, clock, sari, budi, keripik):
    intake(shop, manajer, clock, sari, keripik, 10)
    sell(shop, kasir, clock, keripik, 2)                      # 20,400 due
    sale = sell(shop, kasir, clock, keripik, 1)               # 10,200 due
    line_id = shop.scalar("SELECT id FROM sale_lines WHERE sale_id = ?", (sale.sale_id,))
    with clock():
        return_items(shop, user=manajer, till=TILL, sale_id=sale.sale_id,
                     quantities={line_id: K}, reason="Kedaluwarsa")  # −10,200
    with clock(days=1):
        preview = settlement.preview_settlement(shop, sari.id, period_to=clock.today)
    assert preview.period_from == date(2026, 11, 2)
    assert (preview.sold_qty, preview.gross, preview.commission, preview.due) == (
        2 * K, 24_000, 3_600, 20_400)
    assert [line.kind for line in preview.lines] == ["sale", "sale", "sale_return"]
    with clock():
        settled = settlement.settle(shop, user=bendahara, consignor_id=sari.id,
                                    period_to=clock.today, expected_due=20_400,
                                    payment=Pay(15_000, "cash"))
    done = settlement.get_settlement(shop, settled)
    assert (done.due, done.paid, done.previous_balance, done.to_pay) == (20_400, 15_000, 0, 20_400)
    assert consignors.get_consignor(shop, sari.id).balance == 5_400
    # The next one starts the day after and carries the unpaid 5,400.
    sell(shop, kasir, clock, keripik, 1)
    with clock(days=1):
        nxt = settlement.preview_settlement(shop, sari.id, period_to=clock.today)
    assert nxt.period_from == date(2026, 11, 4) and nxt.previous_balance == 5_400
    assert nxt.to_pay == 5_400 + 10_200
    with clock():
        settlement.settle(shop, user=bendahara, consignor_id=sari.id, period_to=clock.today,
                          payment=Pay(15_600, "transfer", "TRF 889123"))
    account = settlement.statement(shop, sari.id)
    assert [(line.kind, line.amount, line.balance) for line in account.lines] == [
        ("settlement", 20_400, 20_400), ("payment", -15_000, 5_400),
        ("settlement", 10_200, 15_600), ("payment", -15_600, 0)]
    assert account.unsettled == 0
    assert all(result.ok for result in run_checks(shop))


def test_nothing_is_settled_or_paid_twice(
        shop, manajer, kasir, bendahara, till, clock, sari, keripik, snapshot):
    intake(shop, manajer, clock, sari, keripik, 10)
    sell(shop, kasir, clock, keripik, 2)
    with clock(days=1):
        settlement.settle(shop, user=bendahara, consignor_id=sari.id, period_to=clock.today)
    with clock():
        refused(shop, snapshot, lambda: settlement.settle(
            shop, user=bendahara, consignor_id=sari.id, period_from=date(2026, 11, 2),
            period_to=clock.today), match="sudah diselesaikan")
        refused(shop, snapshot, lambda: settlement.settle(
            shop, user=bendahara, consignor_id=sari.id, period_to=clock.today),
            match="sudah diselesaikan")
        refused(shop, snapshot, lambda: settlement.pay_consignor(
            shop, user=bendahara, consignor_id=sari.id, payment=Pay(20_401)), match="melebihi")
        settlement.pay_consignor(shop, user=bendahara, consignor_id=sari.id, payment=Pay(20_400))
        refused(shop, snapshot, lambda: settlement.pay_consignor(
            shop, user=bendahara, consignor_id=sari.id, payment=Pay(1)), match="melebihi")
    # A settled movement cannot be linked again, nor edited.
    moved = shop.scalar("SELECT movement_id FROM consignment_settlement_lines")
    with pytest.raises(Exception, match="UNIQUE|PRIMARY"), shop.atomic():
        shop.execute("INSERT INTO consignment_settlement_lines VALUES (?, 'x')", (moved,))
    with pytest.raises(Exception, match="append-only"), shop.atomic():
        shop.execute("UPDATE consignment_movements SET due = 0 WHERE id = ?", (moved,))


def test_a_sale_seen_after_the_preview_stops_the_settlement(
        shop, manajer, kasir, bendahara, till, clock, sari, keripik, snapshot):
    intake(shop, manajer, clock, sari, keripik, 10)
    sell(shop, kasir, clock, keripik, 1)
    preview = settlement.preview_settlement(shop, sari.id, period_to=clock.today)
    sell(shop, kasir, clock, keripik, 1)
    with clock():
        refused(shop, snapshot, lambda: settlement.settle(
            shop, user=bendahara, consignor_id=sari.id, period_to=clock.today,
            expected_due=preview.due), match="transaksi baru")


def test_returning_goods_to_the_producer_and_counting(
        shop, manajer, kasir, till, clock, sari, budi, keripik, snapshot):
    intake(shop, manajer, clock, sari, keripik, 6)
    intake(shop, manajer, clock, budi, keripik, 4, producer_price=9_000)
    sari_batch, budi_batch = (b.id for b in consignment_stock.batches(shop, product_id=keripik.id))
    with clock():
        refused(shop, snapshot, lambda: consignment_stock.return_to_producer(
            shop, user=manajer, consignor_id=sari.id, quantities={sari_batch: 7 * K},
            reason="Kedaluwarsa"), match="sisa di gerai")
        refused(shop, snapshot, lambda: consignment_stock.return_to_producer(
            shop, user=manajer, consignor_id=sari.id, quantities={budi_batch: K},
            reason="Kedaluwarsa"), match="penitip lain")
        refused(shop, snapshot, lambda: consignment_stock.return_to_producer(
            shop, user=manajer, consignor_id=sari.id, quantities={sari_batch: K}, reason=" "),
            match="Alasan")
        consignment_stock.return_to_producer(shop, user=manajer, consignor_id=sari.id,
                                       quantities={sari_batch: 2 * K}, reason="Kedaluwarsa")
        # Counted: Sari's 4 are 3 (the shop bears it: 10,200 to her); Budi's 4 are 3 (he
        # bears it: nothing).
        consignment_stock.post_count(shop, user=manajer, approver=manajer,
                               counted={sari_batch: 3 * K, budi_batch: 3 * K})
    charges = dict(shop.query("SELECT consignor_id, due FROM consignment_movements"
                              " WHERE kind = 'count'"))
    assert charges == {sari.id: 10_200, budi.id: 0}
    rec = {r.batch.consignor_id: r for r in consignment_stock.reconcile(shop, sari.id)}
    line = rec[sari.id]
    assert (line.intake, line.sold, line.returned, line.adjusted, line.batch.on_hand) == (
        6 * K, 0, 2 * K, -K, 3 * K)
    assert line.ok
    assert settlement.unsettled_due(shop, sari.id) == 10_200
    assert consignment_stock.mismatches(shop) == []


def test_bad_input_writes_nothing(shop, manajer, kasir, clock, sari, keripik, snapshot):
    with pytest.raises(ValidationError, match="100%"):
        consignors.consignor_from_form({"name": "X", "commission": "101"})
    with pytest.raises(ValidationError) as bad:
        consignors.consignor_from_form({"name": "", "commission": "-5", "pay_method": "transfer"})
    assert {p.field for p in bad.value.problems} == {"name", "commission", "bank_account"}
    assert consignors.parse_commission("12,5%") == 1250
    refused(shop, snapshot, lambda: consignors.create_consignor(
        shop, user=manajer, data=consignors.ConsignorInput(name="X", commission_bp=10_001)),
        match="100%")
    refused(shop, snapshot, lambda: consignors.create_consignor(
        shop, user=kasir, data=consignors.ConsignorInput(name="X")), error=PermissionDenied)
    with clock():
        for line, match in (
            (consignment.IntakeLine(keripik.id, 0), "lebih dari nol"),
            (consignment.IntakeLine(keripik.id, 1500), "utuh"),
            (consignment.IntakeLine(keripik.id, K, expires_on=date(2026, 11, 1)),
             "kedaluwarsa"),
            (consignment.IntakeLine(keripik.id, K, produced_on=date(2026, 12, 1)),
             "masa depan"),
            (consignment.IntakeLine(keripik.id, K, shop_price=11_000), "berbeda"),
            (consignment.IntakeLine(keripik.id, K, shop_price=-1), "tidak valid"),
        ):
            refused(shop, snapshot, lambda line=line: consignment.post_intake(
                shop, user=manajer, consignor_id=sari.id, lines=[line]), match=match)
        refused(shop, snapshot, lambda: consignment.post_intake(
            shop, user=manajer, consignor_id=sari.id, lines=[]), match="belum berisi")
        refused(shop, snapshot, lambda: consignment.post_intake(
            shop, user=manajer, consignor_id="nope", lines=[
                consignment.IntakeLine(keripik.id, K)]), error=NotFound)
        refused(shop, snapshot, lambda: consignment.post_intake(
            shop, user=kasir, consignor_id=sari.id, lines=[
                consignment.IntakeLine(keripik.id, K)]), error=PermissionDenied)
        fixed = consignors.create_consignor(shop, user=manajer, data=consignors.ConsignorInput(
            name="Pak Tetap", terms="fixed"))
        refused(shop, snapshot, lambda: consignment.post_intake(
            shop, user=manajer, consignor_id=fixed.id, lines=[
                consignment.IntakeLine(keripik.id, K)]), match="harga ke produsen")
        refused(shop, snapshot, lambda: consignment.post_intake(
            shop, user=manajer, consignor_id=fixed.id, lines=[
                consignment.IntakeLine(keripik.id, K, producer_price=12_001)]),
            match="lebih tinggi")


def test_settlement_periods_are_checked(shop, manajer, kasir, bendahara, till, clock, sari,
                                        keripik, snapshot):
    intake(shop, manajer, clock, sari, keripik, 10)
    with clock():
        refused(shop, snapshot, lambda: settlement.settle(
            shop, user=bendahara, consignor_id=sari.id, period_to=clock.today),
            match="Tidak ada penjualan")
        refused(shop, snapshot, lambda: settlement.settle(
            shop, user=bendahara, consignor_id=sari.id,
            period_to=clock.today + timedelta(days=1)), match="belum berakhir")
        refused(shop, snapshot, lambda: settlement.settle(
            shop, user=bendahara, consignor_id=sari.id, period_from=clock.today,
            period_to=clock.today - timedelta(days=1)), match="sesudah")
        refused(shop, snapshot, lambda: settlement.settle(
            shop, user=kasir, consignor_id=sari.id, period_to=clock.today),
            error=PermissionDenied)


def test_consigned_goods_stay_out_of_the_shops_own_stock(shop, manajer, clock, sari, keripik,
                                                        snapshot):
    intake(shop, manajer, clock, sari, keripik, 5)
    with clock():
        refused(shop, snapshot, lambda: stock.adjust_stock(
            shop, user=manajer, product_id=keripik.id, qty="1", reason="hitung"),
            match="titipan")
        refused(shop, snapshot, lambda: write_off(
            shop, user=manajer, product_id=keripik.id, qty="1", reason_kind="rusak",
            approver=manajer), match="titipan")
        own = product(shop, manajer, clock, name="Gula Milik Gerai")
        stock.adjust_stock(shop, user=manajer, product_id=own.id, qty="3", reason="awal")
        refused(shop, snapshot, lambda: consignment.post_intake(
            shop, user=manajer, consignor_id=sari.id, lines=[consignment.IntakeLine(own.id, K)]),
            match="riwayat stok")


def test_stock_lists_keep_the_producers_goods_apart(shop, manajer, clock, sari, keripik):
    from app.models.stock_views import low_stock, stock_on_hand, valuation

    assert "UMKM" in {v.category for v in valuation(shop)}   # an own product, until...
    intake(shop, manajer, clock, sari, keripik, 5)
    assert keripik.id not in {row.id for row in stock_on_hand(shop)}
    assert "UMKM" not in {v.category for v in valuation(shop)}
    with clock():
        from app.models.products import ProductInput as In
        from app.models.products import update_product
        update_product(shop, user=manajer, product_id=keripik.id, data=In(
            name=keripik.name, base_unit="pcs", price=keripik.price, category="UMKM",
            min_stock=6 * K))
    low = {row.id: row.qty for row in low_stock(shop)}
    assert low[keripik.id] == 5 * K           # what the producers have in the shop
    assert [r.name for r in run_checks(shop) if not r.ok] == []


def test_the_by_consignor_report_reads_back_equal_in_every_format(
        shop, manajer, kasir, bendahara, till, clock, sari, budi, keripik, tmp_path):
    import csv
    import subprocess

    import openpyxl

    from app.reports.consignment_reports import write_consignment_summary

    intake(shop, manajer, clock, sari, keripik, 3)
    intake(shop, manajer, clock, budi, keripik, 5, producer_price=9_500)
    sell(shop, kasir, clock, keripik, 4)                # Sari 3 → 30,600; Budi 1 → 9,500
    with clock(days=1):
        settlement.settle(shop, user=bendahara, consignor_id=sari.id, period_to=clock.today,
                          payment=Pay(30_000, "cash"))
    period = (date(2026, 11, 1), clock.today)
    rows = {r.name: r for r in settlement.consignor_summary(shop, *period)}
    assert (rows["Ibu Sari"].gross, rows["Ibu Sari"].commission, rows["Ibu Sari"].settled,
            rows["Ibu Sari"].paid, rows["Ibu Sari"].balance) == (36_000, 5_400, 30_600, 30_000, 600)
    assert (rows["Pak Budi"].unsettled, rows["Pak Budi"].on_hand_value) == (9_500, 48_000)
    paths = {fmt: write_consignment_summary(shop, tmp_path / f"t.{fmt}", *period, fmt,
                                            printed_by=bendahara) for fmt in ("pdf", "xlsx", "csv")}
    text = subprocess.run(["pdftotext", "-layout", str(paths["pdf"]), "-"], check=True,
                          capture_output=True, text=True).stdout
    sari_line = next(line for line in text.splitlines() if "Ibu Sari" in line)
    assert all(f"{n:,}".replace(",", ".") in sari_line for n in (36_000, 5_400, 30_600, 600))
    sheet = openpyxl.load_workbook(paths["xlsx"]).active
    found = [[c.value for c in row] for row in sheet.iter_rows() if row[0].value == "Pak Budi"]
    assert found and found[0][3:] == [12_000, 2_500, 9_500, 0, 0, 0, 0, 9_500, 48_000]
    with open(paths["csv"], encoding="utf-8-sig", newline="") as f:
        table = {row[0]: row for row in csv.reader(f)}
    assert [int(v) for v in table["Pak Budi"][3:]] == found[0][3:]


def test_selling_more_than_the_books_hold_goes_on_the_newest_batch(
        shop, manajer, kasir, till, clock, sari, budi, keripik, snapshot):
    new = product(shop, manajer, clock, name="Lempok Durian Uji")
    from app.models.consignment import mark_consigned

    with clock():
        mark_consigned(shop, user=manajer, product_id=new.id)
        cart = add_product(shop, Cart(), new.id, qty=K)
        refused(shop, snapshot, lambda: complete_sale(
            shop, user=kasir, till=TILL, cart=cart, payments=[PaymentInput("cash", 12_000)]),
            match="tanpa nota titip")
    intake(shop, manajer, clock, sari, keripik, 2)
    intake(shop, manajer, clock, budi, keripik, 1, producer_price=9_000)
    sell(shop, kasir, clock, keripik, 5)        # the shelf had 5: two intakes were not entered
    held = {b.consignor_name: b.on_hand for b in consignment_stock.batches(shop, product_id=keripik.id)}
    assert held == {"Ibu Sari": 0, "Pak Budi": -2 * K}
    assert settlement.unsettled_due(shop, budi.id) == 3 * 9_000
    budi_batch = next(b.id for b in consignment_stock.batches(shop, consignor_id=budi.id))
    with clock():
        consignment_stock.post_count(shop, user=manajer, approver=manajer, counted={budi_batch: 0})
    # Budi bears count differences, so the surplus of 2 costs nobody anything.
    assert consignment_stock.get_batch(shop, budi_batch).on_hand == 0
    assert settlement.unsettled_due(shop, budi.id) == 27_000
    assert consignment_stock.mismatches(shop) == []


def test_goods_found_again_take_back_only_what_their_shortage_was_charged(
        shop, manajer, kasir, till, clock, sari, keripik):
    intake(shop, manajer, clock, sari, keripik, 5)
    batch = consignment_stock.batches(shop, consignor_id=sari.id)[0].id
    for counted in (3, 4, 7):
        with clock():
            consignment_stock.post_count(shop, user=manajer, approver=manajer,
                                   counted={batch: counted * K})
    # Short 2 (the shop owes 2 × 10,200), one found (back 10,200), then 3 more than the
    # books: one of them was the other missing piece, two were never entered: still hers.
    dues = [r[0] for r in shop.query("SELECT due FROM consignment_movements WHERE kind = 'count'"
                                     " ORDER BY rowid")]
    assert dues == [20_400, -10_200, -10_200]
    assert consignment_stock.get_batch(shop, batch).on_hand == 7 * K


def test_every_consignment_paper_comes_from_the_command_line(
        shop, manajer, kasir, bendahara, till, clock, sari, keripik, tmp_path, monkeypatch):
    import subprocess

    from app.cli import run
    from app.models.demo import DEMO_USERS

    intake(shop, manajer, clock, sari, keripik, 3, batch_code="KP-7")
    sell(shop, kasir, clock, keripik, 1)
    with clock():
        consignment_stock.return_to_producer(shop, user=manajer, consignor_id=sari.id, quantities={
            consignment_stock.batches(shop, consignor_id=sari.id)[0].id: K}, reason="Kemasan rusak")
    with clock(days=1):
        settled = settlement.settle(shop, user=bendahara, consignor_id=sari.id,
                                    period_to=clock.today, payment=Pay(10_200))
    number = {table: shop.scalar(f"SELECT number FROM {table}") for table in (
        "consignment_intakes", "consignment_returns", "consignment_settlements")}
    assert number["consignment_settlements"] == settlement.get_settlement(shop, settled).number
    monkeypatch.setenv("GERAI_PIN", next(s for u, _n, _r, s in DEMO_USERS if u == "manajer"))

    def report(*args):
        return run(["report", *args, "--db", str(shop.path), "--user", "manajer"])

    def text(path):
        return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                              capture_output=True, text=True).stdout

    for name, table in (("consignment-intake", "consignment_intakes"),
                        ("consignment-return", "consignment_returns"),
                        ("consignment-settlement", "consignment_settlements"),
                        ("labels", "consignment_intakes")):
        out = tmp_path / f"{name}.pdf"
        assert report(name, "--number", number[table].lower(), "--out", str(out)) == 0
        if name != "labels":
            assert number[table] in text(out)
        else:
            assert text(out).count("Keripik Pisang Uji") == 3     # one label per piece
    out = tmp_path / "kartu.pdf"
    assert report("consignor-statement", "--consignor", "ibu sari", "--out", str(out)) == 0
    assert "Ibu Sari" in text(out) and "10.200" in text(out)
    assert report("consignment", "--from", "2026-11-01", "--to", "2026-11-30", "--format",
                  "xlsx", "--out", str(tmp_path / "t.xlsx")) == 0
    assert report("flagship", "--from", "2026-11-01", "--to", "2026-11-30", "--out",
                  str(tmp_path / "unggulan.pdf")) == 0
    assert "Desa Hanura" in text(tmp_path / "unggulan.pdf")
    assert report("retail-ready", "--out", str(tmp_path / "siap.pdf")) == 0
    assert "Keripik Pisang Uji" in text(tmp_path / "siap.pdf")
    assert report("retail-catalog", "--out", str(tmp_path / "katalog.xlsx")) == 0
    assert (tmp_path / "katalog.xlsx").exists()
    # Refused: an unknown number, a paper in XLSX, a summary without its period.
    assert report("consignment-settlement", "--number", "X-1", "--out",
                  str(tmp_path / "x.pdf")) == 1
    assert report("consignment-intake", "--number", number["consignment_intakes"],
                  "--format", "xlsx", "--out", str(tmp_path / "x.xlsx")) == 2
    assert report("consignment", "--out", str(tmp_path / "y.pdf")) == 2
    assert not any(tmp_path.glob("x.*")) and not (tmp_path / "y.pdf").exists()


def test_a_later_payment_pays_the_oldest_settlement_first(
        shop, manajer, kasir, bendahara, till, clock, sari, keripik):
    intake(shop, manajer, clock, sari, keripik, 10)
    sell(shop, kasir, clock, keripik, 2)                           # 20,400
    with clock(days=1):
        settlement.settle(shop, user=bendahara, consignor_id=sari.id, period_to=clock.today)
    sell(shop, kasir, clock, keripik, 1)                           # 10,200
    with clock(days=1):
        settlement.settle(shop, user=bendahara, consignor_id=sari.id, period_to=clock.today,
                          payment=Pay(5_000, "cash"))
        settlement.pay_consignor(shop, user=bendahara, consignor_id=sari.id,
                                 payment=Pay(20_000, "transfer", "TRF 1"))
    newest, oldest = settlement.list_settlements(shop, consignor_id=sari.id)
    assert (oldest.due, oldest.paid, newest.due, newest.paid) == (20_400, 20_400, 10_200, 4_600)
    assert consignors.get_consignor(shop, sari.id).balance == 30_600 - 25_000
