"""Till figures for ``gerai bench``: scan to painted line, sale commit, receipt render."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import time
from dataclasses import replace

from app.models import cart as carts
from app.models.db import Database
from app.models.money import QTY_SCALE
from app.models.sale_receipts import receipt_for
from app.models.sales import PaymentInput, complete_sale
from app.models.shifts import open_shift
from app.models.users import authenticate
from app.reports.receipt_escpos import receipt_escpos
from app.reports.receipt_pdf import receipt_pdf

TILL = "BENCH-1"


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def scan_to_line(db: Database, raw: sqlite3.Connection, codes: list[str]) -> tuple[list, list]:
    """A scanned code + Enter until the new line is painted, in the real till screen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app.models.settings import get_settings
    from app.ui.app import make_app
    from app.ui.session import Session
    from app.ui.till_screen import TillScreen

    app = make_app()
    user = authenticate(db, username="kasir", secret="1234")
    screen = TillScreen(Session(db, user, get_settings(db)))
    screen.till = replace(screen.till, till=TILL)
    screen.resize(1000, 700)
    screen.show()
    app.processEvents()
    ours, base = [], []
    for i, code in enumerate(codes):
        if i % 12 == 0:  # a new customer: the cart starts empty again
            screen.cart = carts.Cart()
            screen._show()
        start = time.perf_counter()
        screen.scan.setText(code)
        screen.enter()
        app.processEvents()  # the paint Qt schedules for what changed
        ours.append(_ms(start))
        # Raw: find the code, read the product, write the cart row, in one transaction.
        start = time.perf_counter()
        row = raw.execute("SELECT product_id FROM barcodes WHERE code = ?", (code,)).fetchone()
        product = raw.execute("SELECT id, name, price FROM products WHERE id = ?",
                              (row[0],)).fetchone()
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("DELETE FROM carts WHERE till = 'RAW' AND held = 0")
        raw.execute("INSERT INTO carts(id, till, held, data, updated_at) VALUES (?, 'RAW', 0, ?,"
                    " '')", (f"raw{i}", json.dumps(list(product))))
        raw.execute("COMMIT")
        base.append(_ms(start))
    screen.close()
    return ours, base


def sale_commit(db: Database, raw: sqlite3.Connection, product_ids: list[str], n: int,
                rng: random.Random) -> tuple[list, list, str]:
    """complete_sale for a 3-line cash sale, against the same rows inserted raw."""
    user = authenticate(db, username="kasir", secret="1234")
    open_shift(db, user=user, till=TILL, opening_float=0)
    ours, base, last = [], [], ""
    for i in range(n):
        cart = carts.Cart()
        for product_id in rng.sample(product_ids, 3):
            cart = carts.add_product(db, cart, product_id, qty=QTY_SCALE)
        start = time.perf_counter()
        result = complete_sale(db, user=user, till=TILL, cart=cart,
                               payments=[PaymentInput("cash", cart.total)])
        ours.append(_ms(start))
        last = result.sale_id
        start = time.perf_counter()
        _raw_sale(raw, i, cart)
        base.append(_ms(start))
    return ours, base, last


def _raw_sale(raw: sqlite3.Connection, i: int, cart) -> None:
    raw.execute("BEGIN IMMEDIATE")
    shift = raw.execute("SELECT id, user_id FROM shifts WHERE closed_at IS NULL").fetchone()
    sale_id = f"raw-sale-{i}"
    raw.execute("INSERT INTO sales(id, number, kind, shift_id, user_id, subtotal, total,"
                " created_at) VALUES (?, ?, 'sale', ?, ?, ?, ?, '')",
                (sale_id, f"RAW-{i}", shift[0], shift[1], cart.total, cart.total))
    for n, line in enumerate(cart.lines):
        raw.execute("INSERT INTO sale_lines(id, sale_id, line_no, product_id, name, unit_name,"
                    " qty, factor, base_qty, unit_price, amount, net_amount, cost)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                    (f"{sale_id}-{n}", sale_id, n, line.product_id, line.name, line.unit_name,
                     line.qty, line.factor, line.base_qty, line.unit_price, line.amount,
                     line.amount))
        raw.execute("INSERT INTO stock_movements(id, product_id, kind, qty, created_at)"
                    " VALUES (?, ?, 'sale', ?, '')", (f"{sale_id}-m{n}", line.product_id,
                                                      -line.base_qty))
        raw.execute("UPDATE stock_balances SET qty = qty - ? WHERE product_id = ?",
                    (line.base_qty, line.product_id))
    raw.execute("INSERT INTO payments(id, sale_id, method, amount) VALUES (?, ?, 'cash', ?)",
                (f"{sale_id}-p", sale_id, cart.total))
    # The same bookkeeping rows a sale writes: its number, its audit row, the cleared cart.
    raw.execute("INSERT INTO doc_sequences(kind, day, last) VALUES ('raw', 'd', 1)"
                " ON CONFLICT(kind, day) DO UPDATE SET last = last + 1")
    last = raw.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    raw.execute("INSERT INTO audit_log(seq, at, action, entity, detail, prev_hash, hash)"
                " VALUES (?, '', 'raw', 'sale', '{}', ?, ?)", (last[0] + 1, last[1], last[1]))
    raw.execute("DELETE FROM carts WHERE till = 'RAW' AND held = 0")
    raw.execute("COMMIT")


def receipt_render(db: Database, sale_id: str, n: int) -> list[float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        receipt = receipt_for(db, sale_id)
        receipt_escpos(receipt, 48, open_drawer=True)
        receipt_pdf(receipt, 48)
        samples.append(_ms(start))
    return samples
