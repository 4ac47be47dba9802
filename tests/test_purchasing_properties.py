"""After any sequence of receipts, sales, returns, corrections and supplier payments: every
ledger equals its balance, the moving-average cost equals a recomputation from the ledger
in exact fractions, and money is conserved between stock value, cost of goods sold and
what the supplier invoiced."""

from __future__ import annotations

import shutil
import tempfile
from fractions import Fraction
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from app.models import payables, receiving, stock, suppliers
from app.models.cart import Cart, add_product
from app.models.db import open_db
from app.models.payables import PaymentInput
from app.models.products import ProductInput, UnitInput, create_product
from app.models.receiving import ReceiptLineInput
from app.models.returns import return_items
from app.models.sales import PaymentInput as Pay
from app.models.sales import complete_sale, returnable_lines
from app.models.shifts import open_shift

TILL = "KASIR-PROP"


def half_up(value: Fraction) -> int:
    """Round a fraction half away from zero, independently of money.div_round_half_up."""
    sign = -1 if value < 0 else 1
    whole, rest = divmod(abs(value), 1)
    return sign * (int(whole) + (1 if rest >= Fraction(1, 2) else 0))


def replay(movements) -> tuple[int, int, int | None, list[str]]:
    """Walk a product's ledger: (qty, value, cost set by the last receipt, disagreements)."""
    qty, value, cost, wrong = 0, 0, None, []
    for m in movements:
        if m.kind in ("sale", "adjustment") and m.qty < 0:
            out = -m.qty
            held = min(out, max(qty, 0))
            if held and held == qty:
                expected = value
            elif held:
                expected = half_up(Fraction(held * value, qty))
            else:
                expected = 0
            last_cost = cost if cost is not None else None
            if out > held and last_cost is not None:
                expected += half_up(Fraction(last_cost * (out - held), 1000))
            if out == held and -m.value != expected:
                wrong.append(f"{m.kind} {m.qty}: value {m.value}, expected {-expected}")
        qty += m.qty
        value += m.value
        if m.kind == "receipt":
            # A cost is never negative, even when selling ahead of receipts left the value so.
            cost = max(half_up(Fraction(value * 1000, qty)), 0) if qty > 0 else m.unit_cost
    return qty, value, cost, wrong


def test_money_and_stock_are_conserved_through_buying_and_selling(demo_template):
    manajer = demo_template.users["manajer"]
    bendahara = demo_template.users["bendahara"]
    workdir = Path(tempfile.mkdtemp(prefix="buying-"))

    class Shop(RuleBasedStateMachine):
        products = Bundle("products")

        def __init__(self):
            super().__init__()
            self.path = workdir / f"shop-{id(self)}.db"
            shutil.copy(demo_template.path, self.path)
            self.db = open_db(self.path, create=False)
            self.made = 0
            self.opening_value = 0
            self.sales: list[str] = []
            self.mine: list[str] = []
            self.supplier = suppliers.create_supplier(self.db, user=manajer, data=(
                suppliers.SupplierInput(name=f"Distributor {id(self)}", terms_days=14)))
            open_shift(self.db, user=manajer, till=TILL, opening_float=0)

        def teardown(self):
            self.db.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

        @initialize(target=products)
        def first_product(self):
            return self._new(by_weight=False, opening=0, cost=0)

        @rule(target=products, by_weight=st.booleans(),
              opening=st.integers(min_value=0, max_value=50), cost=st.integers(0, 40_000))
        def add_product(self, by_weight, opening, cost):
            return self._new(by_weight, opening, cost)

        def _new(self, by_weight, opening, cost):
            self.made += 1
            product = create_product(self.db, user=manajer, data=ProductInput(
                name=f"Barang Beli {self.made}", base_unit="kg" if by_weight else "pcs",
                price=50_000, cost=cost, opening_stock=opening * 1000,
                units=(UnitInput(name="dus", factor=12_000 if not by_weight else 25_000,
                                 price=None),)))
            self.opening_value += stock.balance(self.db, product.id).value
            self.mine.append(product.id)
            return product

        @rule(product=products, packs=st.integers(1, 5), price=st.integers(0, 700_001),
              loose=st.integers(0, 7), freight=st.integers(0, 9_999))
        def receive(self, product, packs, price, loose, freight):
            lines = [ReceiptLineInput(product.id, str(packs), str(price), product.units[0].id)]
            if loose:
                lines.append(ReceiptLineInput(product.id, str(loose), str(price // 11)))
            receiving.post_receipt(self.db, user=manajer, supplier_id=self.supplier.id,
                                   lines=lines, freight=freight)

        @rule(product=products, qty=st.integers(1, 30))
        def sell(self, product, qty):
            cart = add_product(self.db, Cart(), product.id, qty=qty * 1000)
            result = complete_sale(self.db, user=manajer, till=TILL, cart=cart,
                                   payments=[Pay("cash", cart.total)])
            self.sales.append(result.sale_id)

        @precondition(lambda self: self.sales)
        @rule(pick=st.integers(0, 10_000), part=st.integers(1, 3))
        def return_some(self, pick, part):
            sale_id = self.sales[pick % len(self.sales)]
            lines = [li for li in returnable_lines(self.db, sale_id) if li.remaining]
            if not lines:
                return
            line = lines[0]
            qty = max(line.remaining // 1000 // part, 1) * 1000
            return_items(self.db, user=manajer, till=TILL, sale_id=sale_id,
                         quantities={line.line_id: min(qty, line.remaining)}, reason="rusak")

        @rule(product=products, qty=st.integers(-20, 20).filter(bool))
        def correct(self, product, qty):
            stock.adjust_stock(self.db, user=manajer, product_id=product.id, qty=str(qty),
                               reason="hitung ulang")

        @rule(share=st.integers(1, 100))
        def pay(self, share):
            owed = suppliers.get_supplier(self.db, self.supplier.id).balance
            if owed:
                payables.pay_supplier(self.db, user=bendahara, supplier_id=self.supplier.id,
                                      payment=PaymentInput(max(owed * share // 100, 1)))

        @invariant()
        def ledgers_equal_balances(self):
            assert stock.ledger_mismatches(self.db) == []
            assert stock.ledger_mismatches(self.db, "value") == []
            assert payables.payable_mismatches(self.db) == []

        @invariant()
        def the_average_cost_is_what_the_ledger_says(self):
            for product_id in self.mine:
                qty, value, cost, wrong = replay(stock.movements(self.db, product_id))
                assert wrong == []
                assert stock.balance(self.db, product_id) == stock.Balance(qty, value)
                if cost is not None:
                    assert self.db.scalar("SELECT cost FROM products WHERE id = ?",
                                          (product_id,)) == cost

        @invariant()
        def money_is_conserved(self):
            marks = ",".join("?" * len(self.mine))
            held = self.db.scalar(f"SELECT coalesce(sum(value), 0) FROM stock_balances"
                                  f" WHERE product_id IN ({marks})", self.mine)
            cogs = self.db.scalar(f"SELECT coalesce(sum(cost), 0) FROM sale_lines"
                                  f" WHERE product_id IN ({marks})", self.mine)
            corrections = self.db.scalar(
                f"SELECT coalesce(sum(value), 0) FROM stock_movements WHERE kind = 'adjustment'"
                f" AND product_id IN ({marks})", self.mine)
            invoiced = self.db.scalar("SELECT coalesce(sum(amount), 0) FROM supplier_invoices"
                                      " WHERE supplier_id = ?", (self.supplier.id,))
            receipts = self.db.scalar("SELECT coalesce(sum(total), 0) FROM goods_receipts"
                                      " WHERE supplier_id = ?", (self.supplier.id,))
            paid = self.db.scalar("SELECT coalesce(sum(amount), 0) FROM supplier_payments"
                                  " WHERE supplier_id = ?", (self.supplier.id,))
            assert invoiced == receipts
            assert held == self.opening_value + invoiced + corrections - cogs
            assert suppliers.get_supplier(self.db, self.supplier.id).balance == invoiced - paid

    run_state_machine_as_test(
        Shop, settings=settings(max_examples=25, stateful_step_count=25, deadline=None))
    shutil.rmtree(workdir, ignore_errors=True)
