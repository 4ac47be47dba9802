"""The books add up: the neraca balances to the rupiah on every day, the PHU's SHU is what
the equity grew by, the cash and bank books end where the neraca says the money is, a
closed shift's drawer is empty again in the books, and what the treasurer enters (an
expense, other income, an opening balance, cash to the bank, a reversal) moves the SHU and
the cash by exactly its amount. Every refusal writes nothing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from books_shop import (
    ELECTRICITY,
    FREEZER_RENT,
    OPENING_EQUIPMENT,
    POKOK,
    TO_BANK,
    WAGES,
    WAJIB_MONTHS,
    on,
)

from app.models import books, journal_input, ledger
from app.models.check import run_checks
from app.models.clock import local_date
from app.models.errors import PermissionDenied, UserError, ValidationError
from app.models.journal_input import DraftRow
from app.models.member_settings import get_member_settings
from app.models.settings import get_settings, shop_today
from app.models.shifts import shift_summary


def cash_in_neraca(sheet: ledger.BalanceSheet, codes) -> int:
    return sum(v for a, v in sheet.assets if a.code in codes)


def equity(db, day) -> int:
    return ledger.balance_sheet(db, day).total_equity


# --- reconciliation -----------------------------------------------------------------------


def test_the_neraca_balances_to_the_rupiah_on_every_day(busy, books_template):
    first = books_template.today - timedelta(days=16)
    day = first
    while day <= books_template.today:
        sheet = ledger.balance_sheet(busy, day)
        assert sheet.balanced, (day, sheet.total_assets, sheet.total_liabilities,
                                sheet.total_equity)
        day += timedelta(days=1)
    sheet = ledger.balance_sheet(busy, books_template.today)
    assert sheet.total_assets > 0
    assert [c.ok for c in run_checks(busy) if "Neraca" in c.name] == [True]


def test_the_neraca_of_the_little_demo_balances_too(shop):
    today = shop_today(shop)
    for back in range(5):
        assert ledger.balance_sheet(shop, today - timedelta(days=back)).balanced


def test_the_phu_surplus_is_what_the_equity_grew_by_when_no_owner_paid_in(busy, books_template):
    first = books_template.days["savings"] + timedelta(days=1)      # after the last owner money
    statement = ledger.income_statement(busy, first, books_template.today)
    grew = equity(busy, books_template.today) - equity(busy, first - timedelta(days=1))
    assert statement.surplus == grew
    assert statement.net_sales > 0 and statement.cogs > 0
    # Each figure of the statement is its accounts' movement in the general ledger.
    moved = ledger.totals(busy, first, books_template.today)
    assert statement.net_sales == -(moved.get(books.SALES, 0) + moved.get(books.SALES_RETURNS, 0))
    assert statement.cogs == moved[books.COGS]


def test_with_owner_money_the_equity_grew_by_the_surplus_and_that_money(busy, books_template):
    first = books_template.days["opening"] - timedelta(days=1)
    statement = ledger.income_statement(busy, first, books_template.today)
    grew = equity(busy, books_template.today) - equity(busy, first - timedelta(days=1))
    wajib = WAJIB_MONTHS * get_member_settings(busy).wajib_amount
    assert grew == statement.surplus + OPENING_EQUIPMENT + POKOK + wajib


def test_the_cash_and_bank_books_close_where_the_neraca_says_the_money_is(busy, books_template):
    sheet = ledger.balance_sheet(busy, books_template.today)
    for first in (books_template.today - timedelta(days=20), books_template.days["income"],
                  books_template.today):
        cash = ledger.cash_book(busy, first, books_template.today)
        bank = ledger.cash_book(busy, first, books_template.today, (books.BANK,))
        assert cash.closing == cash_in_neraca(sheet, books.CASH)
        assert bank.closing == cash_in_neraca(sheet, (books.BANK,))
        # The running balance is the opening plus each line, to the last one.
        running = cash.opening
        for line in cash.lines:
            running += line.money_in - line.money_out
            assert line.balance == running
        assert running == cash.closing


def test_a_closed_shifts_drawer_is_empty_again_and_its_sales_are_its_cash_takings(busy):
    shift_ids = [r[0] for r in busy.query(
        "SELECT id FROM shifts WHERE closed_at IS NOT NULL ORDER BY opened_at")]
    assert len(shift_ids) >= 10
    zone = get_settings(busy).zone
    for shift_id in shift_ids[2:6]:
        summary = shift_summary(busy, shift_id)
        day = local_date(summary.shift.opened_at, zone)
        assert local_date(summary.shift.closed_at, zone) == day
        drawer = ledger.cash_book(busy, day, day, (books.CASH_DRAWER,))
        assert drawer.opening == 0 and drawer.closing == 0
        mine = [x for x in drawer.lines if x.number == summary.shift.number]
        float_in = [x for x in mine if x.source == "shift_open"]
        sales = [x for x in mine if x.source == "sales"]
        assert [x.money_in for x in float_in] == [summary.shift.opening_float]
        cash_takings = dict(summary.by_method)["cash"]
        assert [x.money_in - x.money_out for x in sales] == [cash_takings]
        assert cash_takings > 0
        # At the close the drawer gives up what it should hold: the count handed to the
        # treasurer, and the shortage written off (or the overage taken in).
        close = [x for x in mine if x.source == "shift_close"]
        assert [x.money_out for x in close] == [summary.expected_cash]
        assert summary.expected_cash == summary.counted_cash - summary.over_short


def test_the_story_of_the_busy_shop_is_in_the_books(busy, books_template):
    """What the treasurer entered is where it belongs, and gerai check agrees."""
    days = books_template.days
    assert ledger.totals(busy, days["opening"], days["opening"])["1210"] == OPENING_EQUIPMENT
    electricity = ledger.income_statement(busy, days["electricity"], days["electricity"])
    assert dict((a.code, v) for a, v in electricity.expenses)["6101"] == ELECTRICITY
    income = ledger.income_statement(busy, days["income"], days["income"])
    assert dict((a.code, v) for a, v in income.income)["4201"] == FREEZER_RENT
    moved = ledger.totals(busy, days["to_bank"], days["to_bank"])
    assert moved[books.BANK] >= TO_BANK
    # The wages were entered and reversed: nothing is left of them.
    assert ledger.totals(busy).get("6102", 0) == 0
    assert all(c.ok for c in run_checks(busy)), [c for c in run_checks(busy) if not c.ok]


# --- an expense and its reversal ----------------------------------------------------------


def test_an_expense_lowers_the_surplus_and_the_cash_by_its_amount_and_a_reversal_restores_them(
        busy, books_template, treasurer):
    today = books_template.today
    first = today - timedelta(days=6)

    def figures():
        return (ledger.income_statement(busy, first, today).surplus,
                ledger.cash_book(busy, first, today).closing,
                ledger.cash_book(busy, first, today, (books.BANK,)).closing,
                ledger.balance_sheet(busy, today))

    surplus, cash, bank, _sheet = figures()
    entry = books.record_expense(busy, user=treasurer, day=today - timedelta(days=1),
                                 account="6103", amount="1.250.000", method="cash",
                                 memo="Sewa tempat bulan ini")
    assert entry.kind == "expense" and entry.amount == 1_250_000
    s2, c2, b2, sheet = figures()
    assert (surplus - s2, cash - c2, bank - b2) == (1_250_000, 1_250_000, 0)
    assert sheet.balanced
    books.reverse_entry(busy, user=treasurer, entry_id=entry.id, reason="Sudah dibayar ketua")
    assert figures()[:3] == (surplus, cash, bank)
    with pytest.raises(UserError, match="sudah dibalik"):
        books.reverse_entry(busy, user=treasurer, entry_id=entry.id, reason="lagi")


def test_other_income_by_transfer_raises_the_surplus_and_the_bank(busy, books_template, treasurer):
    today = books_template.today
    before = ledger.income_statement(busy, today, today).surplus
    bank = ledger.cash_book(busy, today, today, (books.BANK,)).closing
    books.record_income(busy, user=treasurer, day=today, account="4201", amount=300_000,
                        method="transfer", reference="MUT-1201", memo="Hibah desa")
    assert ledger.income_statement(busy, today, today).surplus == before + 300_000
    assert ledger.cash_book(busy, today, today, (books.BANK,)).closing == bank + 300_000


def test_cash_to_the_bank_moves_money_but_not_the_surplus(busy, books_template, treasurer):
    today = books_template.today
    surplus = ledger.income_statement(busy, today, today).surplus
    cash = ledger.cash_book(busy, today, today).closing
    bank = ledger.cash_book(busy, today, today, (books.BANK,)).closing
    entry = journal_input.deposit_to_bank(busy, user=treasurer, day=None, amount="500.000",
                                          reference="SLIP 9")
    assert entry.kind == "transfer" and entry.reference == "SLIP 9"
    assert ledger.income_statement(busy, today, today).surplus == surplus
    assert ledger.cash_book(busy, today, today).closing == cash - 500_000
    assert ledger.cash_book(busy, today, today, (books.BANK,)).closing == bank + 500_000


def test_the_wages_reversal_is_dated_today_and_names_the_entry_it_undoes(busy, books_template):
    entries = books.list_entries(busy, books_template.days["wages"], books_template.today)
    wages = next(e for e in entries if e.id == books_template.wages_entry)
    reversal = next(e for e in entries if e.reverses == wages.id)
    assert reversal.entry_date == books_template.today.isoformat()
    assert wages.number in reversal.memo
    assert reversal.lines == tuple((c, -a) for c, a in wages.lines)
    assert wages.amount == WAGES


# --- the grid of a general entry ------------------------------------------------------------


def test_the_grid_sums_what_is_typed_and_says_what_does_not_read():
    rows = [DraftRow("1102", "1.000.000", ""), DraftRow("3201", "", "750000"),
            DraftRow(), DraftRow("3301", "", "abc")]
    totals = journal_input.draft_totals(rows)
    assert (totals.debit, totals.credit, totals.difference) == (1_000_000, 750_000, 250_000)
    assert not totals.balanced
    assert [p.row for p in totals.problems] == [4]
    assert "Baris 4" in totals.problems[0].message
    fixed = journal_input.draft_totals(rows[:3] + [DraftRow("3301", "", "250.000")])
    assert fixed.balanced and fixed.difference == 0


def test_an_opening_balance_typed_in_the_grid_is_recorded(busy, treasurer, books_template):
    entry = journal_input.record_general_entry(
        busy, user=treasurer, day=books_template.today, kind="opening", memo="Saldo awal bank",
        rows=[DraftRow("1110", "5.000.000", ""), DraftRow(" 3201 ", "", "5.000.000"),
              DraftRow()])
    assert entry.lines == (("1110", 5_000_000), ("3201", -5_000_000))
    assert ledger.balance_sheet(busy, books_template.today).balanced


@pytest.mark.parametrize("rows, said", [
    ([DraftRow("1102", "100.000", ""), DraftRow("3201", "", "90.000")],
     "tidak seimbang: selisih Rp10.000"),
    ([DraftRow("1130", "100.000", ""), DraftRow("3201", "", "100.000")],
     "akun 1130 tidak dapat dipakai"),
    ([DraftRow("9999", "100.000", ""), DraftRow("3201", "", "100.000")],
     "akun 9999 tidak dapat dipakai"),
    ([DraftRow("1102", "100.000", "100.000"), DraftRow("3201", "", "100.000")],
     "tidak keduanya"),
    ([DraftRow("", "100.000", ""), DraftRow("3201", "", "100.000")], "akun belum diisi"),
    ([DraftRow("1102", "-100.000", ""), DraftRow("3201", "", "-100.000")], "Baris 1"),
    ([DraftRow("1102", "1" * 30, ""), DraftRow("3201", "", "1" * 30)], "terlalu besar"),
    ([], "dua baris"),
])
def test_a_general_entry_that_is_wrong_is_refused_and_writes_nothing(
        busy, treasurer, snapshot, rows, said):
    before = snapshot(busy)
    with pytest.raises(UserError) as refused:
        journal_input.record_general_entry(busy, user=treasurer, day=None, kind="opening",
                                           memo="Saldo awal", rows=rows)
    assert said.lower() in refused.value.message.lower()
    assert snapshot(busy) == before


def test_a_grid_with_several_problems_says_them_all_at_once(busy, treasurer, snapshot):
    before = snapshot(busy)
    with pytest.raises(ValidationError) as refused:
        journal_input.record_general_entry(
            busy, user=treasurer, day=None, kind="adjustment", memo="Koreksi",
            rows=[DraftRow("1101", "10", ""), DraftRow("", "", "x")])
    assert [p.row for p in refused.value.problems] == [1, 2, 2]
    assert snapshot(busy) == before


# --- refusals -----------------------------------------------------------------------------


def refusals(books_template):
    future = books_template.today + timedelta(days=1)
    expense = {"day": None, "account": "6101", "amount": 100_000, "method": "cash",
               "memo": "Listrik"}
    return [
        ("unbalanced", lambda db, u: books.record_entry(
            db, user=u, day=None, kind="adjustment", memo="Koreksi",
            lines=[("1102", 100_000), ("3201", -99_000)]), "tidak seimbang"),
        ("unknown account", lambda db, u: books.record_expense(
            db, user=u, **{**expense, "account": "6999"}), "Akun 6999 tidak ada"),
        ("not an expense account", lambda db, u: books.record_expense(
            db, user=u, **{**expense, "account": "1102"}), "bukan akun beban"),
        ("future day", lambda db, u: books.record_expense(
            db, user=u, **{**expense, "day": future}), "belum terjadi"),
        ("malformed day", lambda db, u: books.record_expense(
            db, user=u, **{**expense, "day": "31-02-2026"}), "tidak valid"),
        ("transfer without reference", lambda db, u: books.record_expense(
            db, user=u, **{**expense, "method": "transfer"}), "referensi"),
        ("negative amount", lambda db, u: books.record_expense(
            db, user=u, **{**expense, "amount": -5}), "Jumlah"),
        ("amount as a float", lambda db, u: books.record_expense(
            db, user=u, **{**expense, "amount": 1.5}), "angka"),
        ("huge amount", lambda db, u: books.record_expense(
            db, user=u, **{**expense, "amount": "9" * 20}), "terlalu besar"),
        ("no memo", lambda db, u: books.record_expense(
            db, user=u, **{**expense, "memo": "  "}), "Keterangan"),
        ("unknown method", lambda db, u: books.record_expense(
            db, user=u, **{**expense, "method": "cek"}), "Cara bayar"),
        ("reversal without reason", lambda db, u: books.reverse_entry(
            db, user=u, entry_id=books_template.wages_entry, reason=" "), "sudah dibalik"),
        ("bank deposit without slip", lambda db, u: journal_input.deposit_to_bank(
            db, user=u, day=None, amount=100_000, reference=""), "slip"),
        ("bank deposit beyond the cash", lambda db, u: journal_input.deposit_to_bank(
            db, user=u, day=None, amount=journal_input.office_cash(db, books_template.today) + 1,
            reference="SLIP 1"), "terlalu besar"),
        ("bank deposit of nothing", lambda db, u: journal_input.deposit_to_bank(
            db, user=u, day=None, amount="0", reference="SLIP 1"), "Jumlah setoran"),
        ("bank deposit in the future", lambda db, u: journal_input.deposit_to_bank(
            db, user=u, day=future, amount=1000, reference="SLIP 1"), "belum terjadi"),
        ("account with a code in the wrong range", lambda db, u: books.add_account(
            db, user=u, code="5111", name="Beban kebersihan", kind="expense"), "diawali 6"),
        ("account code taken", lambda db, u: books.add_account(
            db, user=u, code="6101", name="Listrik lagi", kind="expense"), "sudah dipakai"),
    ]


def test_every_refusal_is_clear_and_writes_nothing(busy, treasurer, books_template, snapshot):
    """The whole database is the same after all of them; SQLite's count of changed rows
    says that each one on its own changed nothing (not even a row it then took back)."""
    before = snapshot(busy)
    for name, act, said in refusals(books_template):
        changes = busy.conn.total_changes
        with pytest.raises(UserError) as refused:
            act(busy, treasurer)
        assert said.lower() in refused.value.message.lower(), name
        assert busy.conn.total_changes == changes, name
    assert snapshot(busy) == before


def test_a_cashier_may_not_keep_the_journal(busy, books_template, snapshot):
    kasir = books_template.users["kasir"]
    before = snapshot(busy)
    for act in (lambda: books.record_expense(busy, user=kasir, day=None, account="6101",
                                             amount=1000, method="cash", memo="x"),
                lambda: journal_input.deposit_to_bank(busy, user=kasir, day=None, amount=1000,
                                                      reference="S"),
                lambda: journal_input.record_general_entry(
                    busy, user=kasir, day=None, kind="opening", memo="x",
                    rows=[DraftRow("1102", "1", ""), DraftRow("3201", "", "1")]),
                lambda: books.add_account(busy, user=kasir, code="6120", name="Kebersihan",
                                          kind="expense")):
        with pytest.raises(PermissionDenied):
            act()
    assert snapshot(busy) == before


def test_a_new_expense_account_is_offered_and_the_system_accounts_are_not(busy, treasurer):
    offered = [a.code for a in journal_input.expense_accounts(busy)]
    assert {"6101", "6102", "6109"} <= set(offered)
    assert not {"5101", "6106", "6107", "6108", "6110"} & set(offered)
    books.add_account(busy, user=treasurer, code="6111", name="Beban kebersihan",
                      kind="expense")
    assert "6111" in [a.code for a in journal_input.expense_accounts(busy)]
    assert [a.code for a in journal_input.income_accounts(busy)] == ["4201"]
    general = {a.code for a in journal_input.general_accounts(busy)}
    assert {"1102", "1110", "1210", "3201", "3301", "6111"} <= general
    assert not {"1101", "1120", "1130", "2101", "2102", "2103", "3101", "3102"} & general


def test_an_expense_entered_on_a_past_day_lands_on_that_day(busy, treasurer, books_template):
    day = books_template.today - timedelta(days=4)
    with on(books_template.today):
        books.record_expense(busy, user=treasurer, day=day.strftime("%d-%m-%Y"),
                             account="6104", amount="85.000", method="cash", memo="Ongkos")
    assert ledger.totals(busy, day, day)["6104"] == 85_000
    assert "6104" not in ledger.totals(busy, day + timedelta(days=1), books_template.today)
