"""A member's money: savings pokok, wajib by month and sukarela, approved withdrawals, bon
repaid, at the till (through the drawer) or the office; the till's bon block; and that
the books take each rupiah once, wherever it was paid."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.models import ledger, member_money, members
from app.models.cart import Cart, scan
from app.models.clock import frozen_clock, now
from app.models.errors import PermissionDenied, UserError
from app.models.member_settings import MemberSettings, save_member_settings
from app.models.sales import PaymentInput, complete_sale
from app.models.settings import shop_today
from app.models.shifts import open_shift, shift_summary

TILL = "KASIR-1"


def refused(db, snapshot, call, match=None, error=UserError):
    before = snapshot(db)
    with pytest.raises(error, match=match):
        call()
    assert snapshot(db) == before


@pytest.fixture
def member(shop, demo_users):
    return members.create_member(shop, user=demo_users["bendahara"], name="Pak Darto",
                                 village="Natar", credit_limit=300_000)


@pytest.fixture
def shift(shop, demo_users):
    return open_shift(shop, user=demo_users["kasir"], till=TILL, opening_float=100_000)


def test_pokok_once_in_parts_never_beyond(shop, member, demo_users, snapshot):
    bendahara = demo_users["bendahara"]
    first = member_money.deposit(shop, user=bendahara, member_id=member.id, kind="pokok",
                                 amount="40.000")
    assert first.balances["pokok"] == 40_000 and first.number.split("-")[-1].startswith("SP")
    refused(shop, snapshot, lambda: member_money.deposit(
        shop, user=bendahara, member_id=member.id, kind="pokok", amount=70_000),
        match="tinggal Rp60.000")
    rest = member_money.deposit(shop, user=bendahara, member_id=member.id, kind="pokok")
    assert rest.total == 60_000 and rest.balances["pokok"] == 100_000
    refused(shop, snapshot, lambda: member_money.deposit(
        shop, user=bendahara, member_id=member.id, kind="pokok"), match="sudah lunas")


def test_wajib_pays_the_oldest_unpaid_months(shop, member, demo_users, snapshot):
    bendahara = demo_users["bendahara"]
    month = shop_today(shop).strftime("%Y-%m")
    receipt = member_money.deposit(shop, user=bendahara, member_id=member.id, kind="wajib",
                                   months=2)
    periods = [e.period for e in receipt.entries]
    assert periods[0] == month and len(periods) == 2 and periods[1] > month
    assert receipt.total == 2 * 10_000 and receipt.balances["wajib"] == 20_000
    # Up to a year ahead: the 13th month after next is too far.
    refused(shop, snapshot, lambda: member_money.deposit(
        shop, user=bendahara, member_id=member.id, kind="wajib", months=24),
        match="setahun")
    for months in (0, -1, "3", True, 25):
        refused(shop, snapshot, lambda m=months: member_money.deposit(
            shop, user=bendahara, member_id=member.id, kind="wajib", months=m))


@pytest.mark.parametrize("amount", [0, -5000, "", "abc", 10**12, 1.5, None])
def test_bad_sukarela_amounts_write_nothing(shop, member, demo_users, snapshot, amount):
    refused(shop, snapshot, lambda: member_money.deposit(
        shop, user=demo_users["bendahara"], member_id=member.id, kind="sukarela",
        amount=amount))


def test_transfer_needs_a_reference_and_kinds_are_known(shop, member, demo_users, snapshot):
    user = demo_users["bendahara"]
    refused(shop, snapshot, lambda: member_money.deposit(
        shop, user=user, member_id=member.id, kind="sukarela", amount=5000,
        method="transfer"), match="referensi")
    refused(shop, snapshot, lambda: member_money.deposit(
        shop, user=user, member_id=member.id, kind="deposito", amount=5000))
    refused(shop, snapshot, lambda: member_money.deposit(
        shop, user=user, member_id=member.id, kind="sukarela", amount=5000, method="qris"))


def test_office_money_is_for_the_office(shop, member, demo_users, snapshot):
    refused(shop, snapshot, lambda: member_money.deposit(
        shop, user=demo_users["kasir"], member_id=member.id, kind="sukarela", amount=5000),
        error=PermissionDenied)
    refused(shop, snapshot, lambda: member_money.deposit(
        shop, user=demo_users["pengawas"], member_id=member.id, kind="sukarela",
        amount=5000, till=TILL), error=PermissionDenied)


def test_withdrawal_needs_approval_and_the_balance(shop, member, demo_users, shift, snapshot):
    kasir, manajer = demo_users["kasir"], demo_users["manajer"]
    member_money.deposit(shop, user=kasir, member_id=member.id, kind="sukarela",
                         amount=50_000, till=TILL)
    refused(shop, snapshot, lambda: member_money.withdraw(
        shop, user=kasir, member_id=member.id, amount=20_000, till=TILL),
        error=PermissionDenied, match="persetujuan")
    refused(shop, snapshot, lambda: member_money.withdraw(
        shop, user=kasir, member_id=member.id, amount=20_000, till=TILL,
        approver=demo_users["kasir2"]), error=PermissionDenied)
    refused(shop, snapshot, lambda: member_money.withdraw(
        shop, user=kasir, member_id=member.id, amount=50_001, till=TILL, approver=manajer),
        match="hanya Rp50.000")
    expected = shift_summary(shop, shift.id).expected_cash
    out = member_money.withdraw(shop, user=kasir, member_id=member.id, amount=20_000,
                                till=TILL, approver=manajer)
    assert out.balances["sukarela"] == 30_000
    assert out.entries[0].approved_by == manajer.id
    assert shift_summary(shop, shift.id).expected_cash == expected - 20_000


def test_pokok_and_wajib_are_not_withdrawn(shop, member, demo_users):
    member_money.deposit(shop, user=demo_users["bendahara"], member_id=member.id,
                         kind="pokok")
    with pytest.raises(UserError, match="hanya Rp0"):
        member_money.withdraw(shop, user=demo_users["bendahara"], member_id=member.id,
                              amount=1000)


def test_money_at_the_till_goes_through_the_drawer_and_into_the_books_once(
        shop, member, demo_users, shift):
    kasir, bendahara = demo_users["kasir"], demo_users["bendahara"]
    before_cash = shift_summary(shop, shift.id).expected_cash
    before = ledger.totals(shop)
    member_money.deposit(shop, user=kasir, member_id=member.id, kind="wajib", months=3,
                         till=TILL)
    member_money.deposit(shop, user=bendahara, member_id=member.id, kind="sukarela",
                         amount=25_000)
    member_money.deposit(shop, user=kasir, member_id=member.id, kind="pokok", till=TILL,
                         method="transfer", reference="TRF-778")
    assert shift_summary(shop, shift.id).expected_cash == before_cash + 30_000
    after = ledger.totals(shop)

    def moved(code):
        return after.get(code, 0) - before.get(code, 0)

    assert moved("1101") == 30_000          # the drawer: wajib in cash at the till
    assert moved("1102") == 25_000          # the treasurer's cash: sukarela at the office
    assert moved("1110") == 100_000         # the bank: pokok by transfer
    assert (moved("3102"), moved("2103"), moved("3101")) == (-30_000, -25_000, -100_000)
    assert sum(after.values()) == 0


def test_repayment_at_the_till_and_the_office(shop, member, demo_users, shift, snapshot):
    kasir, bendahara = demo_users["kasir"], demo_users["bendahara"]
    product = shop.one("SELECT b.code FROM barcodes b JOIN products p ON p.id = b.product_id"
                       " WHERE p.consigned = 0 AND p.archived = 0 LIMIT 1")[0]
    cart = Cart(member_id=member.id)
    cart = scan(shop, cart, product)
    sale = complete_sale(shop, user=kasir, till=TILL, cart=cart,
                         payments=[PaymentInput("bon", cart.total)])
    owed = members.get_member(shop, member.id).balance
    assert owed == cart.total and sale.number
    refused(shop, snapshot, lambda: member_money.repay_credit(
        shop, user=kasir, member_id=member.id, amount=owed + 1, till=TILL),
        match="hanya berutang")
    refused(shop, snapshot, lambda: member_money.repay_credit(
        shop, user=kasir, member_id=member.id, amount=1000, till=TILL, method="qris"),
        match="referensi")
    cash_before = shift_summary(shop, shift.id).expected_cash
    part = owed // 2
    paid = member_money.repay_credit(shop, user=kasir, member_id=member.id, amount=part,
                                     till=TILL)
    assert paid.balances["bon"] == owed - part
    assert shift_summary(shop, shift.id).expected_cash == cash_before + part
    member_money.repay_credit(shop, user=bendahara, member_id=member.id, amount=owed - part,
                              method="transfer", reference="BRI 0091")
    assert members.get_member(shop, member.id).balance == 0
    assert not members.credit_mismatches(shop)


def test_the_till_refuses_new_bon_while_old_bon_is_overdue(shop, member, demo_users, shift,
                                                           snapshot):
    save_member_settings(shop, user=demo_users["admin"],
                         settings=MemberSettings(credit_block_days=30))
    with frozen_clock(now() - timedelta(days=45)), shop.atomic():
        members.record_credit(shop, user_id=demo_users["kasir"].id, member_id=member.id,
                              amount=20_000, kind="sale", doc_type="sale", doc_id="old")
    assert member_money.oldest_open_days(shop, member.id) == 45
    product = shop.one("SELECT b.code FROM barcodes b JOIN products p ON p.id = b.product_id"
                       " WHERE p.consigned = 0 AND p.archived = 0 AND p.price < 100000"
                       " LIMIT 1")[0]
    cart = scan(shop, Cart(member_id=member.id), product)
    refused(shop, snapshot, lambda: complete_sale(
        shop, user=demo_users["kasir"], till=TILL, cart=cart,
        payments=[PaymentInput("bon", cart.total)]), match="45 hari")
    # Paying the old bon lifts the block.
    member_money.repay_credit(shop, user=demo_users["kasir"], member_id=member.id,
                              amount=20_000, till=TILL)
    sale = complete_sale(shop, user=demo_users["kasir"], till=TILL, cart=cart,
                         payments=[PaymentInput("bon", cart.total)])
    assert sale.number


def test_a_member_who_left_pays_no_more_savings(shop, member, demo_users, snapshot):
    form = members.member_form(shop, user=demo_users["bendahara"], member_id=member.id)
    from dataclasses import replace

    members.update_member(shop, user=demo_users["bendahara"], member_id=member.id,
                          form=replace(form, status="left"))
    assert members.get_member(shop, member.id).left_on
    refused(shop, snapshot, lambda: member_money.deposit(
        shop, user=demo_users["bendahara"], member_id=member.id, kind="sukarela",
        amount=5000), match="keluar")


def test_member_settings_refuse_nonsense(shop, demo_users, snapshot):
    for bad in (MemberSettings(pokok_amount=-1), MemberSettings(credit_block_days=-3),
                MemberSettings(wajib_amount=True)):
        refused(shop, snapshot, lambda s=bad: save_member_settings(
            shop, user=demo_users["admin"], settings=s))
    refused(shop, snapshot, lambda: save_member_settings(
        shop, user=demo_users["bendahara"], settings=MemberSettings()), error=PermissionDenied)


def test_savings_mismatch_is_found(shop, member, demo_users):
    member_money.deposit(shop, user=demo_users["bendahara"], member_id=member.id,
                         kind="sukarela", amount=5000)
    assert not member_money.savings_mismatches(shop)
    shop.execute("UPDATE savings_balances SET balance = balance + 1")
    assert member_money.savings_mismatches(shop)


@pytest.mark.parametrize("code", ["1101", "1120", "1130", "2101", "2102", "2103", "2104",
                                  "3101", "3102"])
def test_the_journal_keeps_off_accounts_other_ledgers_keep(shop, demo_users, snapshot, code):
    from app.models import books

    refused(shop, snapshot, lambda: books.record_entry(
        shop, user=demo_users["bendahara"], day=None, kind="adjustment", memo="Koreksi",
        lines=[(code, 10_000), ("3201", -10_000)]), match="bukan lewat jurnal")
