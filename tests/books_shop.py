"""A busier demo shop for the tests of the books: two weeks of the demo (goods received and
suppliers paid, producers paid, a shift opened and closed each day) and the money the demo
does not make, each on a day of its own: an opening balance, savings paid at the office,
bon repaid by transfer, expenses, other income, cash taken to the bank, and a reversal.

Built once per test run (shared by the test modules that import it); each test copies the
file before it writes.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from app.models import books, journal_input, member_money, members
from app.models.clock import frozen_clock, zone
from app.models.db import Database, open_db
from app.models.demo import DEMO_USERS, build_demo
from app.models.journal_input import DraftRow
from app.models.settings import shop_today
from app.models.users import User, authenticate

BUSY_DAYS = 14
BUSY_PRODUCTS = 40
BUSY_SEED = 7
WIB = zone("WIB")
SECRETS = {username: secret for username, _name, _role, secret in DEMO_USERS}

#: What the story adds, by name: (days before today, amount).
OPENING_EQUIPMENT = 12_500_000
POKOK = 100_000
WAJIB_MONTHS = 2
SUKARELA_IN, SUKARELA_OUT = 200_000, 50_000
ELECTRICITY = 350_000
FREEZER_RENT = 250_000
TO_BANK = 2_000_000
WAGES = 1_500_000


@contextmanager
def on(day: date, hour: int = 14) -> Iterator[None]:
    """The clock at ``hour`` WIB on ``day``."""
    with frozen_clock(datetime.combine(day, time(hour), WIB)):
        yield


@dataclass(frozen=True)
class BusyShop:
    path: Path
    users: dict[str, User]          # by username
    today: date
    days: dict[str, date]           # the day of each event of the story, by name
    member_ids: tuple[str, ...]     # the members who paid savings
    repaid: int                     # bon repaid by transfer
    wages_entry: str                # the wages entry (reversed today)

    def copy(self, folder: Path, name: str = "busy.db") -> Database:
        target = folder / name
        shutil.copy(self.path, target)
        return open_db(target, create=False)


_built: dict[str, BusyShop] = {}


def busy_shop(folder: Path) -> BusyShop:
    """The busy shop, built in ``folder`` the first time it is asked for."""
    if "shop" not in _built:
        _built["shop"] = _build(folder / "busy-template.db")
    return _built["shop"]


def _build(path: Path) -> BusyShop:
    db = open_db(path)
    try:
        build_demo(db, products=BUSY_PRODUCTS, days=BUSY_DAYS, seed=BUSY_SEED)
        users = {u: authenticate(db, username=u, secret=s) for u, s in SECRETS.items()}
        treasurer = users["bendahara"]
        today = shop_today(db)
        days = {"opening": today - timedelta(days=12), "savings": today - timedelta(days=10),
                "electricity": today - timedelta(days=8), "income": today - timedelta(days=5),
                "to_bank": today - timedelta(days=3), "wages": today - timedelta(days=2)}
        in_debt = [m for m in members.list_members(db) if m.balance > 0]
        savers = [m for m in members.list_members(db) if m.id != in_debt[0].id][:2]
        with on(days["opening"]):
            journal_input.record_general_entry(
                db, user=treasurer, day=days["opening"], kind="opening",
                memo="Saldo awal peralatan: timbangan, etalase, freezer",
                rows=[DraftRow("1210", str(OPENING_EQUIPMENT), ""),
                      DraftRow("3201", "", str(OPENING_EQUIPMENT))])
        with on(days["savings"]):
            member_money.deposit(db, user=treasurer, member_id=savers[0].id, kind="pokok",
                                 amount=POKOK, method="cash")
            member_money.deposit(db, user=treasurer, member_id=savers[1].id, kind="wajib",
                                 months=WAJIB_MONTHS, method="transfer", reference="MUT-881")
        with on(days["electricity"]):
            books.record_expense(db, user=treasurer, day=days["electricity"], account="6101",
                                 amount=ELECTRICITY, method="cash",
                                 memo="Listrik dan air bulan lalu")
            repaid = min(in_debt[0].balance, 75_000)
            member_money.repay_credit(db, user=treasurer, member_id=in_debt[0].id,
                                      amount=repaid, method="transfer", reference="MUT-902")
        with on(days["income"]):
            books.record_income(db, user=treasurer, day=days["income"], account="4201",
                                amount=FREEZER_RENT, method="cash", memo="Sewa freezer")
            member_money.deposit(db, user=treasurer, member_id=savers[0].id, kind="sukarela",
                                 amount=SUKARELA_IN, method="cash")
            member_money.withdraw(db, user=treasurer, member_id=savers[0].id,
                                  amount=SUKARELA_OUT, method="cash")
        with on(days["to_bank"]):
            journal_input.deposit_to_bank(db, user=treasurer, day=days["to_bank"],
                                          amount=TO_BANK, reference="SLIP 0042")
        with on(days["wages"]):
            wages = books.record_expense(db, user=treasurer, day=days["wages"], account="6102",
                                         amount=WAGES, method="transfer", reference="TRF-77",
                                         memo="Honor kasir")
        books.reverse_entry(db, user=treasurer, entry_id=wages.id,
                            reason="Honor dibayar tunai oleh ketua")
        db.checkpoint("TRUNCATE")
    finally:
        db.close()
    return BusyShop(path, users, today, days, (savers[0].id, savers[1].id), repaid, wages.id)
