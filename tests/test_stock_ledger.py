"""Stock is a ledger: balances always equal the sum of movements, and the past is never edited."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from app.models import audit, stock
from app.models.db import open_db
from app.models.errors import NotFound, UserError
from app.models.money import QTY_SCALE
from app.models.products import ProductInput, create_product, set_archived


def typed(qty: int) -> str:
    """How a person types a quantity of thousandths: ``-1,25``, ``3``."""
    sign = "-" if qty < 0 else ""
    whole, frac = divmod(abs(qty), QTY_SCALE)
    return f"{sign}{whole}" + (f",{frac:03d}" if frac else "")


def ledger_sum(db, product_id: str) -> int:
    return sum(m.qty for m in stock.movements(db, product_id))


def test_typed_quantities_read_back_as_the_thousandths_meant():
    assert [typed(q) for q in (1250, -500, 3000, 1, -42_007)] == [
        "1,250", "-0,500", "3", "0,001", "-42,007"]


def test_ledger_always_balances_after_any_corrections(demo_template):
    manajer = demo_template.users["manajer"]
    workdir = Path(tempfile.mkdtemp(prefix="ledger-"))

    class Shop(RuleBasedStateMachine):
        products = Bundle("products")

        def __init__(self):
            super().__init__()
            self.path = workdir / f"shop-{id(self)}.db"
            shutil.copy(demo_template.path, self.path)
            self.db = open_db(self.path, create=False)
            self.expected: dict[str, int] = {}
            self.fractional: dict[str, bool] = {}
            self.audit_rows = self.db.scalar("SELECT count(*) FROM audit_log")
            self.made = 0

        def teardown(self):
            self.db.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

        @initialize(target=products)
        def a_demo_product(self):
            row = self.db.one("SELECT id FROM products WHERE name = 'Beras Curah Medium'")
            self.expected[row["id"]] = stock.on_hand(self.db, row["id"])
            self.fractional[row["id"]] = True
            return row["id"]

        @rule(target=products, by_weight=st.booleans(),
              opening=st.integers(min_value=0, max_value=500_000))
        def add_product(self, by_weight, opening):
            if not by_weight:
                opening -= opening % QTY_SCALE
            self.made += 1
            product = create_product(self.db, user=manajer, data=ProductInput(
                name=f"Barang Uji {self.made}", base_unit="kg" if by_weight else "pcs",
                price=10_000, barcodes=(f"UJI{self.made:04d}",), opening_stock=opening))
            self.expected[product.id] = opening
            self.fractional[product.id] = by_weight
            self.audit_rows += 1
            return product.id

        @rule(product_id=products,
              qty=st.integers(min_value=-300_000, max_value=300_000).filter(bool),
              whole=st.booleans())
        def correct_stock(self, product_id, qty, whole):
            if whole or not self.fractional[product_id]:
                qty = qty // QTY_SCALE * QTY_SCALE or QTY_SCALE
            movement = stock.adjust_stock(self.db, user=manajer, product_id=product_id,
                                          qty=typed(qty), reason="Selisih hitung")
            assert (movement.qty, movement.kind, movement.user_id) == (qty, "adjustment", manajer.id)
            self.expected[product_id] += qty
            self.audit_rows += 1

        @rule(product_id=products, frac=st.integers(min_value=1, max_value=999))
        def a_fraction_of_a_counted_item_is_refused(self, product_id, frac):
            if self.fractional[product_id]:
                return
            with pytest.raises(UserError):
                stock.adjust_stock(self.db, user=manajer, product_id=product_id,
                                   qty=typed(QTY_SCALE + frac), reason="Selisih hitung")

        @rule(product_id=products, qty=st.sampled_from(["0", "", "abc", "1e3", "0,000"]))
        def a_nonsense_correction_is_refused(self, product_id, qty):
            with pytest.raises(UserError):
                stock.adjust_stock(self.db, user=manajer, product_id=product_id, qty=qty,
                                   reason="Selisih hitung")

        @invariant()
        def balances_equal_the_ledger(self):
            assert stock.ledger_mismatches(self.db) == []
            for product_id, qty in self.expected.items():
                assert stock.on_hand(self.db, product_id) == qty
                assert ledger_sum(self.db, product_id) == qty

        @invariant()
        def every_correction_is_audited_and_the_chain_holds(self):
            assert self.db.scalar("SELECT count(*) FROM audit_log") == self.audit_rows
            assert audit.verify(self.db).ok

    run_state_machine_as_test(
        Shop, settings=settings(max_examples=40, stateful_step_count=20, deadline=None))
    shutil.rmtree(workdir, ignore_errors=True)


# --- corrections, one by one ----------------------------------------------------------------


@pytest.fixture
def beras(shop):
    return shop.scalar("SELECT id FROM products WHERE name = 'Beras Curah Medium'")


def test_a_correction_is_a_new_movement_with_reason_user_and_audit(shop, manajer, beras):
    before = stock.on_hand(shop, beras)
    movement = stock.adjust_stock(shop, user=manajer, product_id=beras, qty="-2,5",
                                  reason="  Karung sobek  ")
    assert (movement.qty, movement.reason, movement.user_id) == (-2500, "Karung sobek", manajer.id)
    assert stock.on_hand(shop, beras) == before - 2500
    assert stock.movements(shop, beras)[-1] == movement
    row = shop.one("SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1")
    assert (row["action"], row["entity_id"], row["user_id"]) == ("stock.adjust", beras, manajer.id)


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_correction_without_a_reason_is_refused_and_writes_nothing(
        shop, manajer, beras, snapshot, reason):
    before = snapshot(shop)
    with pytest.raises(UserError) as refused:
        stock.adjust_stock(shop, user=manajer, product_id=beras, qty="1", reason=reason)
    assert refused.value.field == "reason"
    assert snapshot(shop) == before


@pytest.mark.parametrize("qty", ["0", "abc", "", "1,2345", 1.5, None, "99999999"])
def test_a_bad_correction_quantity_is_refused_and_writes_nothing(
        shop, manajer, beras, snapshot, qty):
    before = snapshot(shop)
    with pytest.raises(UserError) as refused:
        stock.adjust_stock(shop, user=manajer, product_id=beras, qty=qty, reason="Selisih")
    assert refused.value.message.strip()
    assert snapshot(shop) == before


def test_a_fraction_of_a_counted_item_is_refused_and_writes_nothing(shop, manajer, snapshot):
    mie = shop.scalar("SELECT id FROM products WHERE name = 'Mie Instan Goreng'")
    before = snapshot(shop)
    with pytest.raises(UserError):
        stock.adjust_stock(shop, user=manajer, product_id=mie, qty="0,5", reason="Selisih")
    assert snapshot(shop) == before


def test_correcting_an_archived_or_unknown_product_is_refused_and_writes_nothing(
        shop, manajer, beras, snapshot):
    set_archived(shop, user=manajer, product_id=beras, archived=True)
    before = snapshot(shop)
    with pytest.raises(UserError):
        stock.adjust_stock(shop, user=manajer, product_id=beras, qty="1", reason="Selisih")
    with pytest.raises(NotFound):
        stock.adjust_stock(shop, user=manajer, product_id="no-such-id", qty="1", reason="Selisih")
    assert snapshot(shop) == before


def test_the_demo_shop_ledger_balances(shop):
    assert stock.ledger_mismatches(shop) == []
    for row in shop.query("SELECT id FROM products"):
        assert stock.on_hand(shop, row["id"]) == ledger_sum(shop, row["id"])


def test_a_balance_edited_behind_the_ledgers_back_is_found(shop, beras):
    shop.execute("UPDATE stock_balances SET qty = qty + 1 WHERE product_id = ?", (beras,))
    [(product_id, balance, ledger)] = stock.ledger_mismatches(shop)
    assert product_id == beras and balance == ledger + 1


def test_a_movement_without_a_balance_is_found(shop, beras):
    shop.execute("DELETE FROM stock_balances WHERE product_id = ?", (beras,))
    [(product_id, balance, ledger)] = stock.ledger_mismatches(shop)
    assert (product_id, balance) == (beras, 0) and ledger == ledger_sum(shop, beras)


# --- the past cannot be edited ----------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE stock_movements SET qty = qty + 1000",
        "UPDATE stock_movements SET reason = 'diubah'",
        "DELETE FROM stock_movements",
        "DELETE FROM stock_movements WHERE rowid = (SELECT max(rowid) FROM stock_movements)",
        "UPDATE audit_log SET detail = '{}'",
        "UPDATE audit_log SET user_id = NULL WHERE seq = 1",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)",
    ],
)
def test_movements_and_audit_rows_cannot_be_edited_or_deleted(shop, snapshot, sql):
    before = snapshot(shop)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        shop.execute(sql)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"), shop.atomic():
        shop.execute(sql)
    assert snapshot(shop) == before
