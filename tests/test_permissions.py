"""Who may do what, checked in the domain; and logging in with a PIN or password."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.models import stock
from app.models.clock import frozen_clock
from app.models.demo import DEMO_USERS
from app.models.errors import PermissionDenied, UserError
from app.models.products import ProductInput, UnitInput, create_product, get_product, update_product
from app.models.products import set_archived as archive_product
from app.models.settings import get_settings, save_settings
from app.models.users import (
    LOCK_SECONDS,
    MAX_FAILED_LOGINS,
    ROLES,
    authenticate,
    change_secret,
    create_user,
    list_users,
    set_user_active,
)

DEMO_SECRETS = {username: secret for username, _name, _role, secret in DEMO_USERS}

#: What each role may do to the shop's data (the shop's rules, written out by hand):
#: the manager keeps products, prices, stock and the staff's accounts; only the admin
#: touches the shop settings (and admin accounts, tested below).
MAY = {
    "create_product": {"manajer", "admin"},
    "update_product": {"manajer", "admin"},
    "archive_product": {"manajer", "admin"},
    "change_price": {"manajer", "admin"},
    "adjust_stock": {"manajer", "admin"},
    "save_settings": {"admin"},
    "create_user": {"manajer", "admin"},
    "change_others_secret": {"manajer", "admin"},
    "deactivate_user": {"manajer", "admin"},
}


def test_the_shop_has_exactly_the_roles_the_matrix_covers():
    assert set(ROLES) == {"kasir", "bendahara", "manajer", "pengawas", "admin"}


def _gula(db):
    return get_product(db, db.scalar("SELECT id FROM products WHERE name = 'Gula Pasir 1 kg'"))


def _as_input(product, **changes) -> ProductInput:
    return replace(ProductInput(
        name=product.name, brand=product.brand, category=product.category,
        base_unit=product.base_unit, fractional=product.fractional, price=product.price,
        cost=product.cost, min_stock=product.min_stock, het=product.het,
        barcodes=product.barcodes,
        units=tuple(UnitInput(u.name, u.factor, u.price, u.barcodes, u.id) for u in product.units),
    ), **changes)


def _other_user(db, actor):
    return next(u for u in list_users(db) if u.username == "kasir2" and u.id != actor.id)


def do(operation: str, db, user):
    """Attempt one operation; return a check that it took effect."""
    if operation == "create_product":
        product = create_product(db, user=user, data=ProductInput(
            name="Gula Semut Aren", base_unit="pcs", price=25_000, barcodes=("AREN01",)))
        return lambda: db.scalar("SELECT name FROM products WHERE id = ?", (product.id,)) == (
            "Gula Semut Aren")
    if operation == "update_product":
        gula = _gula(db)
        update_product(db, user=user, product_id=gula.id,
                       data=_as_input(gula, name="Gula Pasir Putih 1 kg"))
        return lambda: _gula_named(db, "Gula Pasir Putih 1 kg")
    if operation == "archive_product":
        gula = _gula(db)
        archive_product(db, user=user, product_id=gula.id, archived=True)
        return lambda: get_product(db, gula.id).archived
    if operation == "change_price":
        gula = _gula(db)
        update_product(db, user=user, product_id=gula.id, data=_as_input(gula, price=gula.price - 500))
        return lambda: get_product(db, gula.id).price == gula.price - 500
    if operation == "adjust_stock":
        gula = _gula(db)
        stock.adjust_stock(db, user=user, product_id=gula.id, qty="2", reason="Selisih hitung")
        return lambda: stock.on_hand(db, gula.id) == gula.stock + 2000
    if operation == "save_settings":
        save_settings(db, user=user, settings=replace(get_settings(db), shop_name="Gerai Baru"))
        return lambda: get_settings(db).shop_name == "Gerai Baru"
    if operation == "create_user":
        create_user(db, user=user, username="kasir3", full_name="Wati", role="kasir", secret="9876")
        return lambda: "kasir3" in {u.username for u in list_users(db)}
    if operation == "change_others_secret":
        other = _other_user(db, user)
        change_secret(db, user=user, target_id=other.id, secret="24680")
        return lambda: authenticate(db, username=other.username, secret="24680").id == other.id
    if operation == "deactivate_user":
        other = _other_user(db, user)
        set_user_active(db, user=user, target_id=other.id, active=False)
        return lambda: not next(u for u in list_users(db) if u.id == other.id).active
    raise AssertionError(operation)


def _gula_named(db, name):
    return db.scalar("SELECT count(*) FROM products WHERE name = ?", (name,)) == 1


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", sorted(MAY))
def test_each_role_may_do_only_its_own_work(shop, user_by_role, snapshot, role, operation):
    user = user_by_role[role]
    if role in MAY[operation]:
        took_effect = do(operation, shop, user)
        assert took_effect()
    else:
        before = snapshot(shop)
        with pytest.raises(PermissionDenied) as refused:
            do(operation, shop, user)
        assert user.full_name in refused.value.message
        assert snapshot(shop) == before


@pytest.mark.parametrize("operation", sorted(MAY))
def test_a_deactivated_admin_may_do_nothing(shop, admin, snapshot, operation):
    before = snapshot(shop)
    with pytest.raises(PermissionDenied):
        do(operation, shop, replace(admin, active=False))
    assert snapshot(shop) == before


@pytest.mark.parametrize("role", ROLES)
def test_everyone_may_change_their_own_pin(shop, user_by_role, role):
    user = user_by_role[role]
    change_secret(shop, user=user, target_id=user.id, secret="13579")
    assert authenticate(shop, username=user.username, secret="13579").id == user.id
    with pytest.raises(UserError):
        authenticate(shop, username=user.username, secret=DEMO_SECRETS[user.username])


def test_a_weak_new_pin_is_refused_and_writes_nothing(shop, admin, kasir, snapshot):
    before = snapshot(shop)
    for weak in ("123", "123456789", "abc", "", "pendek"):
        with pytest.raises(UserError) as refused:
            change_secret(shop, user=admin, target_id=kasir.id, secret=weak)
        assert refused.value.field == "secret"
    assert snapshot(shop) == before


def test_new_shop_setup_needs_no_user_but_a_running_shop_does(shop, snapshot):
    before = snapshot(shop)
    with pytest.raises(PermissionDenied):
        create_user(shop, user=None, username="penyusup", full_name="X", role="admin",
                    secret="99999999")
    with pytest.raises(PermissionDenied):
        save_settings(shop, user=None, settings=get_settings(shop))
    assert snapshot(shop) == before


def test_a_new_user_with_bad_details_is_refused_with_every_problem(shop, admin, snapshot):
    before = snapshot(shop)
    with pytest.raises(UserError) as refused:
        create_user(shop, user=admin, username="A B", full_name="", role="raja", secret="12")
    assert {p.field for p in refused.value.problems} == {"username", "full_name", "role", "secret"}
    with pytest.raises(UserError) as taken:
        create_user(shop, user=admin, username="KASIR", full_name="Agus Lagi", role="kasir",
                    secret="1111")
    assert taken.value.field == "username"
    assert snapshot(shop) == before


# --- login -----------------------------------------------------------------------------------


def _audit_actions(db, user_id):
    return [r["action"] for r in db.query(
        "SELECT action FROM audit_log WHERE user_id = ? ORDER BY seq", (user_id,))]


def _failed_attempts(db, user_id):
    return db.scalar("SELECT failed_attempts FROM users WHERE id = ?", (user_id,))


def test_the_right_pin_logs_in_and_is_audited(shop, kasir):
    before = _audit_actions(shop, kasir.id)
    user = authenticate(shop, username="kasir", secret=DEMO_SECRETS["kasir"])
    assert (user.id, user.role, user.full_name) == (kasir.id, "kasir", "Agus Saputra")
    assert _audit_actions(shop, kasir.id) == [*before, "login"]


def test_the_username_is_not_case_sensitive(shop, kasir):
    assert authenticate(shop, username="  KaSiR ", secret=DEMO_SECRETS["kasir"]).id == kasir.id


def test_a_password_logs_in_too(shop, admin):
    assert authenticate(shop, username="admin", secret=DEMO_SECRETS["admin"]).id == admin.id


def test_a_wrong_pin_is_refused_and_the_failure_is_audited(shop, kasir):
    before = _audit_actions(shop, kasir.id)
    with pytest.raises(UserError) as refused:
        authenticate(shop, username="kasir", secret="0000")
    assert refused.value.message.strip() and refused.value.field == "secret"
    assert _audit_actions(shop, kasir.id) == [*before, "login.failed"]


def _wrong_pin_message(db) -> str:
    with pytest.raises(UserError) as refused:
        authenticate(db, username="bendahara", secret="0000")
    return refused.value.message


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_pin_and_nothing_is_written(
        shop, snapshot):
    wrong_pin = _wrong_pin_message(shop)
    before = snapshot(shop)
    for username, secret in (("tamu", "1234"), ("", "1234"), ("kasir", ""), (None, "1234"),
                             ("kasir", None), ("kasir", 1234)):
        with pytest.raises(UserError) as refused:
            authenticate(shop, username=username, secret=secret)
        assert refused.value.message == wrong_pin
    assert snapshot(shop) == before


def test_an_inactive_user_gets_the_same_answer_as_a_wrong_pin(shop, pengawas, snapshot):
    wrong_pin = _wrong_pin_message(shop)
    admin = authenticate(shop, username="admin", secret=DEMO_SECRETS["admin"])
    set_user_active(shop, user=admin, target_id=pengawas.id, active=False)
    before = snapshot(shop)
    with pytest.raises(UserError) as refused:
        authenticate(shop, username="pengawas", secret=DEMO_SECRETS["pengawas"])
    assert refused.value.message == wrong_pin
    assert snapshot(shop) == before


def test_repeated_failures_lock_the_account_until_the_wait_is_over(shop, kasir):
    pin = DEMO_SECRETS["kasir"]
    start = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    with frozen_clock(start):
        for _ in range(MAX_FAILED_LOGINS):
            with pytest.raises(UserError):
                authenticate(shop, username="kasir", secret="0000")
        logins_before = _audit_actions(shop, kasir.id).count("login")
        with pytest.raises(UserError) as locked:
            authenticate(shop, username="kasir", secret=pin)  # even the right PIN
        assert locked.value.message != _wrong_pin_message_for(shop, "kasir2")
    with frozen_clock(start + timedelta(seconds=LOCK_SECONDS - 1)), pytest.raises(UserError):
        authenticate(shop, username="kasir", secret=pin)
    assert _audit_actions(shop, kasir.id).count("login") == logins_before

    with frozen_clock(start + timedelta(seconds=LOCK_SECONDS + 1)):
        assert authenticate(shop, username="kasir", secret=pin).id == kasir.id
    assert _failed_attempts(shop, kasir.id) == 0


def _wrong_pin_message_for(db, username) -> str:
    with pytest.raises(UserError) as refused:
        authenticate(db, username=username, secret="0000")
    return refused.value.message


def test_a_lock_does_not_spread_to_other_users(shop, kasir):
    with frozen_clock(datetime(2026, 11, 26, 8, 0, tzinfo=UTC)):
        for _ in range(MAX_FAILED_LOGINS):
            with pytest.raises(UserError):
                authenticate(shop, username="kasir", secret="0000")
        assert authenticate(shop, username="kasir2", secret=DEMO_SECRETS["kasir2"])


def test_failing_again_after_a_lock_locks_for_longer(shop, kasir):
    pin = DEMO_SECRETS["kasir"]
    start = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    with frozen_clock(start):
        for _ in range(MAX_FAILED_LOGINS):
            with pytest.raises(UserError):
                authenticate(shop, username="kasir", secret="0000")
    second_try = start + timedelta(seconds=LOCK_SECONDS + 1)
    with frozen_clock(second_try), pytest.raises(UserError):
        authenticate(shop, username="kasir", secret="0000")
    with frozen_clock(second_try + timedelta(seconds=LOCK_SECONDS + 1)), pytest.raises(UserError):
        authenticate(shop, username="kasir", secret=pin)  # the first wait is not enough now
    with frozen_clock(second_try + timedelta(minutes=16)):
        assert authenticate(shop, username="kasir", secret=pin).id == kasir.id


def test_a_good_login_clears_earlier_failures(shop, kasir):
    pin = DEMO_SECRETS["kasir"]
    with frozen_clock(datetime(2026, 11, 26, 8, 0, tzinfo=UTC)):
        for _round in range(2):
            for _ in range(MAX_FAILED_LOGINS - 1):
                with pytest.raises(UserError):
                    authenticate(shop, username="kasir", secret="0000")
            assert authenticate(shop, username="kasir", secret=pin).id == kasir.id


def test_a_manager_may_not_create_or_touch_an_admin_account(shop, manajer, snapshot):
    admin = next(u for u in list_users(shop) if u.role == "admin")
    before = snapshot(shop)
    with pytest.raises(PermissionDenied):
        create_user(shop, user=manajer, username="admin2", full_name="Boss", role="admin",
                    secret="12345678")
    with pytest.raises(PermissionDenied):
        change_secret(shop, user=manajer, target_id=admin.id, secret="24680")
    with pytest.raises(PermissionDenied):
        set_user_active(shop, user=manajer, target_id=admin.id, active=False)
    assert snapshot(shop) == before


def test_nobody_locks_themselves_out_by_deactivating_their_own_account(shop, admin, snapshot):
    before = snapshot(shop)
    with pytest.raises(UserError):
        set_user_active(shop, user=admin, target_id=admin.id, active=False)
    assert snapshot(shop) == before
