"""Users, roles, login with Argon2id-hashed PINs or passwords, and the permission check."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.i18n import _
from app.models import audit
from app.models.clock import from_iso, now, to_iso
from app.models.db import Database
from app.models.errors import PermissionDenied, Problem, UserError, ValidationError
from app.models.ids import new_id

ROLES = ("kasir", "bendahara", "manajer", "pengawas", "admin")

#: Which roles may do what. The domain checks this; the UI only hides what it may not do.
PERMISSIONS: dict[str, frozenset[str]] = {
    "product.edit": frozenset({"manajer", "admin"}),
    "product.archive": frozenset({"manajer", "admin"}),
    "price.change": frozenset({"manajer", "admin"}),
    "stock.adjust": frozenset({"manajer", "admin"}),
    # Floor work on stock: counting in a stock opname, reporting damaged goods, opening a
    # sack or a carton for retail. Posting a count and approving a write-off stay
    # stock.adjust.
    "stock.count": frozenset({"kasir", "manajer", "admin"}),
    "stock.handle": frozenset({"kasir", "manajer", "admin"}),
    "settings.edit": frozenset({"admin"}),
    # Managers keep the accounts of their staff; only an admin touches an admin account.
    "user.manage": frozenset({"manajer", "admin"}),
    "audit.view": frozenset({"bendahara", "manajer", "pengawas", "admin"}),
    "sale.sell": frozenset({"kasir", "manajer", "admin"}),
    # A supervisor's approval: returns, voids, discounts above the till's limit.
    "sale.approve": frozenset({"manajer", "admin"}),
    "member.edit": frozenset({"bendahara", "manajer", "admin"}),
    "purchase.manage": frozenset({"manajer", "admin"}),
    "goods.receive": frozenset({"manajer", "admin"}),
    "payable.pay": frozenset({"bendahara", "manajer", "admin"}),
    "preorder.take": frozenset({"kasir", "manajer", "admin"}),
    # Printed stock and purchasing papers show costs and debts: not for the counter.
    "report.stock": frozenset({"bendahara", "manajer", "pengawas", "admin"}),
    # Consignment: the manager takes goods in, returns them and counts them; the treasurer
    # settles with the producers and pays them.
    "consignment.manage": frozenset({"manajer", "admin"}),
    "consignment.settle": frozenset({"bendahara", "manajer", "admin"}),
    # The treasurer's books: takings, margins, cash book, aging, results, SHU.
    "report.finance": frozenset({"bendahara", "manajer", "pengawas", "admin"}),
    # Members' money: a cashier takes savings and bon repayments at the till; the treasurer
    # also at the office, approves withdrawals of sukarela and keeps the journal.
    "member.money": frozenset({"kasir", "bendahara", "manajer", "admin"}),
    "member.office": frozenset({"bendahara", "manajer", "admin"}),
    "savings.approve": frozenset({"bendahara", "manajer", "admin"}),
    "journal.edit": frozenset({"bendahara", "manajer", "admin"}),
    # Sync: the shop's key, its enrollment and its packages; at the district office, the
    # shops' keys, their packages and the reference lists sent back.
    "sync.send": frozenset({"manajer", "admin"}),
    "hub.manage": frozenset({"manajer", "admin"}),
}

MAX_FAILED_LOGINS = 5
LOCK_SECONDS = 60
MAX_LOCK_SECONDS = 15 * 60

_hasher = PasswordHasher()
_PIN = re.compile(r"^\d{4,8}$")
_USERNAME = re.compile(r"^[a-z0-9._-]{2,32}$")


def role_label(role: str) -> str:
    return {
        "kasir": _("Kasir"),
        "bendahara": _("Bendahara"),
        "manajer": _("Manajer"),
        "pengawas": _("Pengawas"),
        "admin": _("Admin"),
    }.get(role, role)


def permission_label(permission: str) -> str:
    return {
        "product.edit": _("mengubah data produk"),
        "product.archive": _("mengarsipkan produk"),
        "price.change": _("mengubah harga"),
        "stock.adjust": _("mengoreksi stok"),
        "stock.count": _("menghitung stok (stok opname)"),
        "stock.handle": _("mencatat barang rusak atau membuka karung dan dus"),
        "settings.edit": _("mengubah pengaturan gerai"),
        "user.manage": _("mengelola pengguna"),
        "audit.view": _("melihat log audit"),
        "sale.sell": _("berjualan di kasir"),
        "sale.approve": _("menyetujui retur, pembatalan atau diskon besar"),
        "member.edit": _("mengubah data anggota"),
        "purchase.manage": _("mengelola pemasok dan pesanan pembelian"),
        "goods.receive": _("menerima barang"),
        "payable.pay": _("membayar utang pemasok"),
        "preorder.take": _("mencatat pesanan anggota"),
        "report.stock": _("mencetak laporan stok dan pembelian"),
        "consignment.manage": _("menerima, mengembalikan dan menghitung barang titipan"),
        "consignment.settle": _("menyelesaikan dan membayar titipan produsen"),
        "report.finance": _("mencetak laporan keuangan"),
        "member.money": _("menerima simpanan dan pembayaran bon anggota"),
        "member.office": _("menerima uang anggota di kantor"),
        "savings.approve": _("menyetujui penarikan simpanan sukarela"),
        "journal.edit": _("mencatat biaya dan jurnal kas"),
        "sync.send": _("mengirim paket sinkronisasi ke dinas"),
        "hub.manage": _("mengelola gerai dan paket di dinas"),
    }[permission]


@dataclass(frozen=True)
class User:
    id: str
    username: str
    full_name: str
    role: str
    active: bool = True


def can(user: User, permission: str) -> bool:
    return user.active and user.role in PERMISSIONS[permission]


def require(user: User, permission: str) -> None:
    if not can(user, permission):
        raise PermissionDenied(
            _("{name} ({role}) tidak berhak {action}.").format(
                name=user.full_name, role=role_label(user.role),
                action=permission_label(permission),
            )
        )


def require_acting(user: User | None, permission: str) -> None:
    """``require`` for work the command line also does: there ``user`` is None, the person
    at the machine who holds the database file (and the keys beside it)."""
    if user is not None:
        require(user, permission)


def _row_to_user(row) -> User:
    return User(row["id"], row["username"], row["full_name"], row["role"], bool(row["active"]))


def validate_secret(secret: str) -> str | None:
    """A PIN of 4–8 digits or a password of at least 8 characters."""
    if not isinstance(secret, str) or not secret:
        return _("PIN atau kata sandi belum diisi.")
    if secret.isdigit():
        return None if _PIN.match(secret) else _("PIN harus 4 sampai 8 angka.")
    if len(secret) < 8:
        return _("Kata sandi paling sedikit 8 huruf (atau gunakan PIN 4–8 angka).")
    if len(secret) > 128:
        return _("Kata sandi terlalu panjang.")
    return None


def create_user(
    db: Database, *, user: User | None, username: str, full_name: str, role: str, secret: str
) -> User:
    """Add a user (``user`` None only for the first admin of a new shop)."""
    if user is not None:
        require(user, "user.manage")
        _require_admin_for(user, role)
    elif has_users(db):
        raise PermissionDenied(_("Pengguna baru hanya dapat dibuat oleh admin atau manajer yang sudah masuk."))
    username = (username or "").strip().lower()
    full_name = (full_name or "").strip()
    problems = user_problems(username, full_name, role, secret)
    if problems:
        raise ValidationError(problems)
    secret_hash = _hasher.hash(secret)
    with db.atomic():
        if db.scalar("SELECT 1 FROM users WHERE username = ?", (username,)):
            raise UserError(
                _("Nama pengguna {username} sudah dipakai.").format(username=username), "username"
            )
        new = User(new_id(), username, full_name, role)
        db.execute(
            "INSERT INTO users(id, username, full_name, role, secret_hash, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (new.id, username, full_name, role, secret_hash, to_iso(now())),
        )
        audit.record(db, user_id=user.id if user else None, action="user.create",
                     entity="user", entity_id=new.id, detail={"username": username, "role": role})
    return new


def has_users(db: Database) -> bool:
    return bool(db.scalar("SELECT EXISTS (SELECT 1 FROM users)"))


def user_problems(username: str, full_name: str, role: str, secret: str) -> list[Problem]:
    """What is wrong with a new account's details (all at once)."""
    problems = []
    if not _USERNAME.match(username or ""):
        problems.append(Problem("username", _(
            "Nama pengguna 2–32 huruf kecil, angka, titik, garis bawah atau tanda hubung.")))
    if not full_name or len(full_name) > 80:
        problems.append(Problem("full_name", _("Nama lengkap harus diisi (paling banyak 80 huruf).")))
    if role not in ROLES:
        problems.append(Problem("role", _("Peran tidak dikenal: {role}").format(role=role)))
    secret_problem = validate_secret(secret)
    if secret_problem:
        problems.append(Problem("secret", secret_problem))
    return problems


def list_users(db: Database) -> list[User]:
    return [_row_to_user(r) for r in db.query("SELECT * FROM users ORDER BY username")]


def get_user(db: Database, user_id: str) -> User | None:
    row = db.one("SELECT * FROM users WHERE id = ?", (user_id,))
    return _row_to_user(row) if row else None


def authenticate(db: Database, *, username: str, secret: str) -> User:
    """Log in; after repeated failures the account waits longer and longer."""
    refused = UserError(_("Nama pengguna atau PIN/kata sandi salah."), "secret")
    if not isinstance(username, str) or not isinstance(secret, str) or not username or not secret:
        raise refused
    with db.atomic():
        row = db.one("SELECT * FROM users WHERE username = ?", (username.strip().lower(),))
        if row is None or not row["active"]:
            raise refused
        moment = now()
        if row["locked_until"] and from_iso(row["locked_until"]) > moment:
            wait = int((from_iso(row["locked_until"]) - moment).total_seconds()) + 1
            raise UserError(
                _("Terlalu banyak percobaan gagal. Coba lagi dalam {seconds} detik.").format(
                    seconds=wait), "secret")
        try:
            _hasher.verify(row["secret_hash"], secret)
        except (VerificationError, InvalidHashError):
            failures = row["failed_attempts"] + 1
            locked_until = None
            if failures >= MAX_FAILED_LOGINS:
                seconds = min(LOCK_SECONDS * 2 ** (failures - MAX_FAILED_LOGINS), MAX_LOCK_SECONDS)
                locked_until = to_iso(moment + timedelta(seconds=seconds))
            db.execute("UPDATE users SET failed_attempts = ?, locked_until = ? WHERE id = ?",
                       (failures, locked_until, row["id"]))
            audit.record(db, user_id=row["id"], action="login.failed", entity="user",
                         entity_id=row["id"], detail={"attempt": failures})
            # The failure is recorded (commit), then refused.
            failure = refused
        else:
            failure = None
            db.execute("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ?",
                       (row["id"],))
            audit.record(db, user_id=row["id"], action="login", entity="user",
                         entity_id=row["id"])
    if failure:
        raise failure
    return _row_to_user(row)


def _require_admin_for(user: User, role: str) -> None:
    if role == "admin" and user.role != "admin":
        raise PermissionDenied(_("Hanya admin yang boleh mengelola akun admin."))


def _target(db: Database, target_id: str) -> User:
    target = get_user(db, target_id)
    if target is None:
        raise UserError(_("Pengguna tidak ditemukan."))
    return target


def change_secret(db: Database, *, user: User, target_id: str, secret: str) -> None:
    """Set a new PIN or password: one's own, or (managers, admins) a staff member's."""
    if user.id != target_id:
        require(user, "user.manage")
    problem = validate_secret(secret)
    if problem:
        raise UserError(problem, "secret")
    with db.atomic():
        target = _target(db, target_id)
        if user.id != target_id:
            _require_admin_for(user, target.role)
        db.execute("UPDATE users SET secret_hash = ?, failed_attempts = 0, locked_until = NULL"
                   " WHERE id = ?", (_hasher.hash(secret), target_id))
        audit.record(db, user_id=user.id, action="user.secret", entity="user", entity_id=target_id)


def set_user_active(db: Database, *, user: User, target_id: str, active: bool) -> User:
    """Deactivate (leaving staff: can no longer log in) or reactivate an account; never deleted."""
    require(user, "user.manage")
    if user.id == target_id and not active:
        raise UserError(_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    with db.atomic():
        target = _target(db, target_id)
        _require_admin_for(user, target.role)
        db.execute("UPDATE users SET active = ? WHERE id = ?", (int(active), target_id))
        audit.record(db, user_id=user.id, action="user.activate" if active else "user.deactivate",
                     entity="user", entity_id=target_id, detail={"username": target.username})
    return _target(db, target_id)


def authorize(db: Database, *, username: str, secret: str, permission: str) -> User:
    """A supervisor's PIN typed at the till: log them in for one approval (audited, throttled)."""
    supervisor = authenticate(db, username=username, secret=secret)
    require(supervisor, permission)
    return supervisor
