"""The demo shop as a cooperative: two months of members with a Lampung NIK (sealed in the
file), their savings at the till and the office, bon paid off or left overdue until the
till refuses more, a member who stops coming, one who leaves and one who joins, and the
treasurer's journal — checked through the domain, the ledgers and ``gerai check``."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest
from stdnum.id import nik as stdnum_nik

from app.cli import run
from app.models import books, ledger, member_money, members
from app.models.check import run_checks
from app.models.clock import local_date
from app.models.db import Database, open_db
from app.models.demo import build_demo
from app.models.demo_members import HONOR, MIN_DAYS, OPENING, VILLAGES
from app.models.errors import UserError
from app.models.member_settings import get_member_settings
from app.models.personal import display_phone, mask_nik
from app.models.report_aging import open_charges
from app.models.settings import get_settings

#: Long enough for a month's costs twice over, a member going and coming, and the first
#: bon of a member who never pays growing older than the till allows (60 days).
DAYS = 66
SEED = 5


@pytest.fixture(scope="module")
def coop(tmp_path_factory) -> Database:
    path = tmp_path_factory.mktemp("demo-members") / "shop.db"
    db = open_db(path)
    build_demo(db, products=40, days=DAYS, seed=SEED)
    db.checkpoint("TRUNCATE")
    yield db
    db.close()


def zone(db: Database) -> str:
    return get_settings(db).zone


def shop_days(db: Database) -> list[date]:
    """The days the shop was open, from the first shift to the last."""
    first = local_date(db.scalar("SELECT min(opened_at) FROM shifts"), zone(db))
    last = local_date(db.scalar("SELECT max(opened_at) FROM shifts"), zone(db))
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def register(db: Database) -> list[members.Member]:
    return members.list_members(db)


# --- the register ---------------------------------------------------------------------------


def test_every_member_has_a_lampung_nik_a_phone_and_a_village_and_joined_before_the_shop(coop):
    first = shop_days(coop)[0]
    everyone = register(coop)
    full = members.personal_values(coop, [m.id for m in everyone])
    assert len(everyone) >= 30
    for m in everyone:
        nik, phone = full[m.id].nik, full[m.id].phone
        assert stdnum_nik.is_valid(nik) and nik.startswith("18"), m.name
        born_day = int(nik[6:8])
        assert m.sex == ("P" if born_day > 40 else "L")
        assert 1 <= born_day % 40 <= 31
        assert phone.startswith("628") and 11 <= len(phone) <= 13
        assert m.nik_masked == mask_nik(nik) and nik not in m.nik_masked
        assert m.village in VILLAGES and m.address and m.occupation
        if m.card_code <= "KA00030":      # the demo's first members
            assert date.fromisoformat(m.joined_on) < first
    assert len({full[m.id].nik for m in everyone}) == len(everyone)
    assert {m.sex for m in everyone} == {"L", "P"}
    assert len({m.village for m in everyone}) >= 4
    assert len({m.occupation for m in everyone}) >= 5


def test_no_nik_or_phone_is_in_the_database_file_in_plain_text(coop):
    everyone = register(coop)
    full = members.personal_values(coop, [m.id for m in everyone])
    coop.checkpoint("TRUNCATE")
    wal = Path(f"{coop.path}-wal")
    raw = coop.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    for m in everyone:
        nik, phone = full[m.id].nik, full[m.id].phone
        for text in (nik, phone, "0" + phone[2:], display_phone(phone)):
            assert text.encode() not in raw, m.name


# --- savings --------------------------------------------------------------------------------


def test_savings_balances_equal_their_ledger_and_the_books(coop):
    assert member_money.savings_mismatches(coop) == []
    totals = defaultdict(int)
    for m in register(coop):
        entries = member_money.savings_entries(coop, m.id)
        by_kind = defaultdict(int)
        running = 0
        for e in entries:
            by_kind[e.kind] += e.amount
            if e.kind == "sukarela":
                running += e.amount
                assert running >= 0, (m.name, e.number)     # never out beyond the balance
        assert member_money.balances(coop, m.id) == {k: by_kind[k] for k in member_money.KINDS}
        for kind, value in by_kind.items():
            totals[kind] += value
    moved = ledger.totals(coop)
    for kind, account in member_money.ACCOUNTS.items():
        assert -moved.get(account, 0) == totals[kind] > 0


def test_every_member_paid_the_whole_pokok_at_the_office_some_in_two_parts(coop):
    pokok = get_member_settings(coop).pokok_amount
    parts = []
    for m in register(coop):
        paid = [e for e in member_money.savings_entries(coop, m.id) if e.kind == "pokok"]
        assert sum(e.amount for e in paid) == pokok, m.name
        assert all(e.method in ("cash", "transfer") for e in paid)
        parts.append(len(paid))
    assert coop.scalar("SELECT count(*) FROM savings_movements WHERE kind = 'pokok'"
                       " AND shift_id IS NOT NULL") == 0
    assert max(parts) == 2 and min(parts) == 1


def test_wajib_is_paid_monthly_mostly_at_the_till_and_some_months_are_missed(coop):
    rows = coop.query("SELECT member_id, period, shift_id, created_at FROM savings_movements"
                      " WHERE kind = 'wajib'")
    # One row a month paid; a visit pays one month or several (arrears, or ahead).
    visits = {(r["member_id"], r["created_at"]): bool(r["shift_id"]) for r in rows}
    at_till = sum(visits.values())
    assert len(visits) / 2 < at_till < len(visits)
    assert len(rows) > len(visits)
    # Some months are missed and paid only in a later month (not counting the months
    # before the shop opened, paid in its first month).
    late = [r for r in rows
            if r["period"] < local_date(r["created_at"], zone(coop)).isoformat()[:7]
            and local_date(r["created_at"], zone(coop)) > shop_days(coop)[0] + timedelta(days=31)]
    assert late


def test_sukarela_goes_in_now_and_then_and_comes_out_only_approved(coop):
    rows = coop.query("SELECT amount, approved_by, shift_id, user_id FROM savings_movements"
                      " WHERE kind = 'sukarela'")
    ins = [r for r in rows if r["amount"] > 0]
    outs = [r for r in rows if r["amount"] < 0]
    assert len(ins) >= 10 and outs
    assert all(r["approved_by"] is None for r in ins)
    roles = dict(coop.query("SELECT id, role FROM users"))
    for r in outs:
        assert roles[r["approved_by"]] in ("bendahara", "manajer")
    assert {bool(r["shift_id"]) for r in ins} == {True, False}


# --- bon --------------------------------------------------------------------------------------


def test_bon_is_paid_off_at_the_till_and_at_the_office_never_beyond_what_is_owed(coop):
    rows = coop.query("SELECT method, shift_id FROM credit_payments")
    assert len(rows) >= 10
    assert {bool(r["shift_id"]) for r in rows} == {True, False}
    assert {"cash", "qris"} <= {r["method"] for r in rows}
    assert members.credit_mismatches(coop) == []
    for member_id, in coop.query("SELECT DISTINCT member_id FROM member_credit_movements"):
        owed = 0
        for amount, in coop.query("SELECT amount FROM member_credit_movements WHERE member_id"
                                  " = ? ORDER BY created_at, rowid", (member_id,)):
            owed += amount
            assert owed >= 0


def test_a_member_whose_bon_is_too_old_is_refused_new_bon_and_still_buys(coop):
    block = get_member_settings(coop).credit_block_days
    blocked = []
    for m in register(coop):
        charges = [(local_date(r[0], zone(coop)), r[1]) for r in coop.query(
            "SELECT created_at, amount FROM member_credit_movements WHERE member_id = ?"
            " ORDER BY created_at, rowid", (m.id,))]
        if not charges or m.balance <= 0:
            continue
        oldest = open_charges(charges).charges[0][0]
        refused_from = oldest + timedelta(days=block + 1)
        if refused_from <= shop_days(coop)[-1]:
            blocked.append((m, refused_from))
    assert blocked, "a member who never pays ran past the limit"
    for m, refused_from in blocked:
        with pytest.raises(UserError, match="lunasi dulu"):   # even a little, within the limit
            member_money.check_bon(coop, m, min(1_000, m.credit_left))
        later = coop.query(
            "SELECT s.id, (SELECT count(*) FROM payments p WHERE p.sale_id = s.id"
            " AND p.method = 'bon') AS bon FROM sales s WHERE s.member_id = ? AND"
            " s.created_at >= ?", (m.id, f"{refused_from.isoformat()}T00:00"))
        assert later and all(r["bon"] == 0 for r in later), m.name


# --- who comes and goes ---------------------------------------------------------------------


def _status_changed(db: Database, member_id: str) -> str:
    return db.scalar("SELECT max(at) FROM audit_log WHERE action = 'member.update'"
                     " AND entity_id = ?", (member_id,))


def test_a_member_stops_coming_one_leaves_and_one_joins(coop):
    first = shop_days(coop)[0]
    by_status = defaultdict(list)
    for m in register(coop):
        by_status[m.status].append(m)
    assert len(by_status["inactive"]) == 1 and len(by_status["left"]) == 1
    gone = by_status["left"][0]
    assert gone.left_on and gone.balance == 0
    assert member_money.balances(coop, gone.id)["sukarela"] == 0
    for m in (gone, by_status["inactive"][0]):
        since = _status_changed(coop, m.id)
        assert coop.scalar("SELECT count(*) FROM sales WHERE member_id = ? AND created_at > ?",
                           (m.id, since)) == 0
    new = [m for m in register(coop) if date.fromisoformat(m.joined_on) >= first]
    assert len(new) == 1 and new[0].card_code == "KA00031"
    pokok = [e for e in member_money.savings_entries(coop, new[0].id) if e.kind == "pokok"]
    assert local_date(pokok[0].created_at, zone(coop)).isoformat() == new[0].joined_on


# --- the treasurer's books ------------------------------------------------------------------


def test_the_treasurers_cash_and_the_bank_never_end_a_day_below_zero(coop):
    for day in shop_days(coop):
        moved = ledger.totals(coop, None, day)
        assert moved.get(books.CASH_OFFICE, 0) >= 0, day
        assert moved.get(books.BANK, 0) >= 0, day


def test_the_journal_opens_the_books_pays_the_months_costs_banks_the_takings_and_undoes_a_slip(
        coop):
    days = shop_days(coop)
    entries = books.list_entries(coop)
    opening = [e for e in entries if e.kind == "opening"]
    assert len(opening) == 1 and opening[0].entry_date == days[0].isoformat()
    assert set(opening[0].lines) == {*OPENING, (books.CAPITAL, -sum(v for _c, v in OPENING))}
    expenses = defaultdict(list)
    for e in entries:
        if e.kind == "expense" and not e.reverses:
            expenses[e.lines[0][0]].append(e)
    months = {d.isoformat()[:7] for d in days if d.day == 20}
    bills = [e for e in expenses["6101"] if "PLN" in e.memo]
    assert all(350_000 <= e.amount <= 600_000 for e in bills)
    honors = expenses["6102"]
    assert len(honors) == 2 * sum(1 for d in days if d.day == 28)
    # A whole month's honor; the month the shop opened in, for its days only.
    assert {e.amount for e in honors if "sejak" not in e.memo} == {HONOR}
    assert all(0 < e.amount < HONOR and e.entry_date[:7] == days[0].isoformat()[:7]
               for e in honors if "sejak" in e.memo)
    assert len(expenses["6103"]) == sum(1 for d in days if d.day == 5)
    assert expenses["6104"] and expenses["6105"]
    deposits = [e for e in entries if e.kind == "transfer"]
    assert len(deposits) >= 10
    assert all(dict(e.lines)[books.BANK] == -dict(e.lines)[books.CASH_OFFICE] > 0
               for e in deposits)
    reversals = [e for e in entries if e.reverses]
    assert len(reversals) == 1
    undone = books.get_entry(coop, reversals[0].reverses)
    assert sorted(reversals[0].lines) == sorted((c, -a) for c, a in undone.lines)
    # The slip was the month's bill typed in twice: once it is undone, each month has one.
    assert len(bills) - 1 == len(months)


def test_gerai_check_is_all_ok_and_the_neraca_balances_at_the_end(coop):
    assert [c for c in run_checks(coop) if not c.ok] == []
    assert run(["check", "--db", str(coop.path)]) == 0
    last = shop_days(coop)[-1]
    assert ledger.balance_sheet(coop, last).balanced


# --- the same seed, the same cooperative ---------------------------------------------------


def _cooperative(db: Database) -> dict:
    """What the demo's cooperative wrote, without ids (the history's are not seeded) nor
    sealed bytes (each sealing has a fresh nonce)."""
    everyone = register(db)
    full = members.personal_values(db, [m.id for m in everyone])
    return {
        "register": [(m.number, m.name, m.sex, m.address, m.village, m.occupation,
                      m.joined_on, m.status, m.credit_limit, full[m.id]) for m in everyone],
        "savings": [tuple(r) for r in db.query(
            "SELECT v.number, m.number, v.kind, v.amount, v.period, v.method, v.created_at,"
            " v.shift_id IS NULL FROM savings_movements v JOIN members m ON m.id = v.member_id"
            " ORDER BY v.number")],
        "bon": [tuple(r) for r in db.query(
            "SELECT p.number, m.number, p.amount, p.method, p.created_at FROM credit_payments p"
            " JOIN members m ON m.id = p.member_id ORDER BY p.number")],
        "journal": [(e.number, e.kind, e.entry_date, e.memo, e.reference, e.lines)
                    for e in books.list_entries(db)],
    }


def test_the_same_seed_gives_the_same_cooperative(tmp_path):
    made = []
    for name in ("one.db", "two.db"):
        db = open_db(tmp_path / name)
        try:
            build_demo(db, products=20, days=MIN_DAYS, seed=3)
            made.append(_cooperative(db))
        finally:
            db.close()
    assert made[0]["savings"] and made[0]["bon"] and len(made[0]["journal"]) > 5
    assert made[0] == made[1]


# --- the size of it -------------------------------------------------------------------------


def test_a_history_shorter_than_four_weeks_stays_a_plain_shop(shop):
    assert MIN_DAYS == 28
    assert shop.scalar("SELECT count(*) FROM savings_movements") == 0
    assert shop.scalar("SELECT count(*) FROM journal_entries") == 0
    assert all(m.nik_masked == "" for m in register(shop))
