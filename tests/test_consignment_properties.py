"""Consignment under any sequence of intakes, sales, customer returns, returns to the
producer, counts, settlements and payments (Hypothesis state machine).

After every step: each balance equals the sum of its ledger, nothing is paid twice, settled
lines never change, the producers' money is conserved (settled + unsettled = everything
owed), each sale line's cost is what its producers are owed, and every batch reconciles.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from app.models import consignment, consignment_stock, consignors
from app.models import consignment_settlement as settlement
from app.models.cart import Cart, add_product, set_cart_discount
from app.models.clock import frozen_clock, local_date, to_iso
from app.models.db import open_db
from app.models.errors import UserError
from app.models.money import QTY_SCALE as K
from app.models.payables import PaymentInput as Pay
from app.models.products import ProductInput, create_product
from app.models.returns import return_items, returnable_lines
from app.models.sales import PaymentInput, complete_sale
from app.models.shifts import open_shift

TILL = "KASIR-1"
START = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)


def test_consignment_ledgers_hold_under_any_sequence(demo_template, user_by_role):
    manajer, bendahara = user_by_role["manajer"], user_by_role["bendahara"]

    class Consignment(RuleBasedStateMachine):
        @initialize()
        def shop(self):
            self.dir = Path(tempfile.mkdtemp())
            shutil.copy(demo_template.path, self.dir / "shop.db")
            self.db = open_db(self.dir / "shop.db")
            self.at = START
            with self.clock():
                open_shift(self.db, user=manajer, till=TILL, opening_float="0")
                self.people = [consignors.create_consignor(self.db, user=manajer, data=data)
                               for data in (
                                   consignors.ConsignorInput("Ibu Sari", commission_bp=1500),
                                   consignors.ConsignorInput("Pak Budi", terms="fixed",
                                                             loss_policy="producer"),
                                   consignors.ConsignorInput("Bu Ani", commission_bp=1250,
                                                             period="weekly"))]
                self.products = [create_product(self.db, user=manajer, data=ProductInput(
                    name=name, base_unit=unit, price=price, category="UMKM"))
                    for name, unit, price in (("Keripik Pisang P", "pcs", 12_000),
                                              ("Kopi Robusta Curah P", "kg", 95_000),
                                              ("Emping Melinjo P", "pcs", 17_500))]
            self.sales: list[str] = []
            self.settled: dict[str, tuple] = {}     # movement id -> (settlement, qty, gross, due)

        def teardown(self):
            self.db.close()
            shutil.rmtree(self.dir, ignore_errors=True)

        def clock(self, hours: int = 1):
            self.at += timedelta(hours=hours)
            return frozen_clock(self.at)

        @rule(who=st.integers(0, 2), what=st.integers(0, 2), qty=st.integers(1, 40),
              margin=st.integers(0, 100))
        def intake(self, who, what, qty, margin):
            person, product = self.people[who], self.products[what]
            with self.clock():
                consignment.post_intake(self.db, user=manajer, consignor_id=person.id, lines=[
                    consignment.IntakeLine(product.id, qty * (K if product.base_unit == "pcs"
                                                              else 250),
                                           producer_price=product.price * margin // 100
                                           if person.terms == "fixed" else None)])

        @precondition(lambda self: self.db.scalar("SELECT count(*) FROM consignment_batches"))
        @rule(what=st.integers(0, 2), qty=st.integers(1, 12), discount=st.integers(0, 30))
        def sell(self, what, qty, discount):
            product = self.products[what]
            if not self.db.scalar("SELECT 1 FROM consignment_batches WHERE product_id = ?",
                                  (product.id,)):
                return
            with self.clock():
                cart = add_product(self.db, Cart(), product.id,
                                   qty=qty * (K if product.base_unit == "pcs" else 125))
                if discount:
                    cart = set_cart_discount(cart, str(cart.total * discount // 100))
                self.sales.append(complete_sale(self.db, user=manajer, till=TILL, cart=cart,
                                                payments=[PaymentInput("cash", cart.total)]
                                                ).sale_id)

        @precondition(lambda self: self.sales)
        @rule(pick=st.integers(0, 10_000), part=st.integers(1, 3))
        def customer_returns(self, pick, part):
            sale_id = self.sales[pick % len(self.sales)]
            lines = [li for li in returnable_lines(self.db, sale_id) if li.remaining]
            if not lines:
                return
            qty = max(lines[0].remaining // part // 125 * 125, 125)
            if not lines[0].fractional:
                qty = max(qty // K * K, K)
            with self.clock():
                return_items(self.db, user=manajer, till=TILL, sale_id=sale_id,
                             quantities={lines[0].line_id: min(qty, lines[0].remaining)},
                             reason="retur")

        @rule(who=st.integers(0, 2), share=st.integers(1, 100))
        def return_to_producer(self, who, share):
            person = self.people[who]
            held = [b for b in consignment_stock.batches(self.db, consignor_id=person.id)
                    if b.on_hand > 0]
            if not held:
                return
            batch = held[0]
            qty = batch.on_hand * share // 100
            if not batch.fractional:
                qty = qty // K * K
            if not qty:
                return
            with self.clock():
                consignment_stock.return_to_producer(self.db, user=manajer, consignor_id=person.id,
                                               quantities={batch.id: qty}, reason="kedaluwarsa")

        @rule(pick=st.integers(0, 10_000), delta=st.integers(-3, 2))
        def count(self, pick, delta):
            every = consignment_stock.batches(self.db)
            if not every:
                return
            batch = every[pick % len(every)]
            step = K if not batch.fractional else 100
            counted = max(batch.on_hand + delta * step, 0)
            with self.clock():
                consignment_stock.post_count(self.db, user=manajer, approver=manajer,
                                       counted={batch.id: counted})

        @rule(who=st.integers(0, 2), days=st.integers(0, 9), pay=st.integers(0, 100))
        def settle(self, who, days, pay):
            person = self.people[who]
            with self.clock(hours=24 * days + 1):
                today = local_date(to_iso(self.at), "WIB")
                try:
                    preview = settlement.preview_settlement(self.db, person.id, period_to=today)
                except UserError:        # today is already settled
                    return
                if not preview.lines:
                    return
                amount = max(preview.to_pay, 0) * pay // 100
                settlement_id = settlement.settle(
                    self.db, user=bendahara, consignor_id=person.id, period_to=today,
                    expected_due=preview.due,
                    payment=Pay(amount, "cash") if amount > 0 else None)
            for line in preview.lines:
                self.settled[line.movement_id] = (settlement_id, line.qty, line.gross, line.due)

        @rule(who=st.integers(0, 2), share=st.integers(1, 100))
        def pay(self, who, share):
            owed = consignors.get_consignor(self.db, self.people[who].id).balance
            if owed > 0:
                with self.clock():
                    settlement.pay_consignor(self.db, user=bendahara,
                                             consignor_id=self.people[who].id,
                                             payment=Pay(max(owed * share // 100, 1),
                                                         "transfer", "TRF-1"))

        @invariant()
        def balances_equal_ledgers(self):
            assert consignment_stock.mismatches(self.db) == []

        @invariant()
        def nothing_is_paid_twice(self):
            for person in self.people:
                settled = self.db.scalar("SELECT coalesce(sum(due), 0) FROM"
                                         " consignment_settlements WHERE consignor_id = ?",
                                         (person.id,))
                paid = self.db.scalar("SELECT coalesce(sum(amount), 0) FROM consignor_payments"
                                      " WHERE consignor_id = ?", (person.id,))
                balance = consignors.get_consignor(self.db, person.id).balance
                assert balance == settled - paid

        @invariant()
        def settled_lines_never_change(self):
            rows = {r[0]: (r[1], -r[2], r[3], r[4]) for r in self.db.query(
                "SELECT m.id, l.settlement_id, m.qty, m.gross, m.due FROM consignment_movements m"
                " JOIN consignment_settlement_lines l ON l.movement_id = m.id")}
            assert rows == self.settled

        @invariant()
        def the_producers_money_is_conserved(self):
            for person in self.people:
                owed = self.db.scalar(
                    "SELECT coalesce(sum(due), 0) FROM consignment_movements WHERE"
                    " consignor_id = ? AND kind IN ('sale', 'sale_return', 'count')",
                    (person.id,))
                settled = self.db.scalar("SELECT coalesce(sum(due), 0) FROM"
                                         " consignment_settlements WHERE consignor_id = ?",
                                         (person.id,))
                assert settled + settlement.unsettled_due(self.db, person.id) == owed

        @invariant()
        def each_line_costs_what_its_producers_are_owed(self):
            marks = ",".join("?" * len(self.products))
            ids = [p.id for p in self.products]
            wrong = self.db.query(
                "SELECT l.id FROM sale_lines l WHERE l.product_id IN"
                f" ({marks}) AND l.cost <> (SELECT coalesce(sum(m.due), 0) FROM"
                " consignment_movements m WHERE m.sale_line_id = l.id)"
                " OR l.product_id IN"
                f" ({marks}) AND l.net_amount <> (SELECT coalesce(sum(m.gross), 0) FROM"
                " consignment_movements m WHERE m.sale_line_id = l.id)", ids + ids)
            assert wrong == []

        @invariant()
        def every_batch_reconciles(self):
            for person in self.people:
                assert all(r.ok for r in consignment_stock.reconcile(self.db, person.id))

    run_state_machine_as_test(Consignment, settings=settings(
        max_examples=60, stateful_step_count=30, deadline=None))
