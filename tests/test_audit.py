"""The audit log is a hash chain: any edit made behind the program's back is found and named."""

from __future__ import annotations

import sqlite3

import pytest

from app.cli import run
from app.models import audit, stock
from app.models.db import open_db


def tamper(path, *statements: str) -> None:
    """Edit the shop file with plain sqlite3, as someone going around the program would."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


@pytest.fixture
def closed_shop(shop, manajer):
    """The demo shop's file with a few more events, closed so others may edit it."""
    beras = shop.scalar("SELECT id FROM products WHERE name = 'Beras Curah Medium'")
    for qty in ("-1", "2,5", "-0,25"):
        stock.adjust_stock(shop, user=manajer, product_id=beras, qty=qty,
                           reason="Selisih timbang")
    rows = shop.scalar("SELECT count(*) FROM audit_log")
    assert rows >= 10
    path = shop.path
    shop.close()
    return path, rows


def verify_file(path) -> audit.AuditCheck:
    db = open_db(path, create=False)
    try:
        return audit.verify(db)
    finally:
        db.close()


def test_the_chain_of_a_fresh_demo_shop_holds(shop):
    check = audit.verify(shop)
    assert check.ok and check.first_broken is None
    assert check.rows == shop.scalar("SELECT count(*) FROM audit_log") > 0


def test_each_row_links_to_the_one_before(shop):
    rows = shop.query("SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq")
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0]["prev_hash"] == "0" * 64
    for before, after in zip(rows, rows[1:], strict=False):
        assert after["prev_hash"] == before["hash"]
    assert len({r["hash"] for r in rows}) == len(rows)


def test_the_chain_still_holds_after_more_work(closed_shop):
    path, rows = closed_shop
    check = verify_file(path)
    assert check.ok and check.rows == rows


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE audit_log SET detail = '{\"qty\": -100000, \"reason\": \"Selisih timbang\"}'"
        " WHERE seq = {seq}",
        "UPDATE audit_log SET at = '2020-01-01T00:00:00.000Z' WHERE seq = {seq}",
        "UPDATE audit_log SET user_id = NULL WHERE seq = {seq}",
        "UPDATE audit_log SET action = 'login' WHERE seq = {seq}",
    ],
    ids=["detail", "time", "user", "action"],
)
def test_an_edited_row_is_named_with_reason_content(closed_shop, edit):
    path, rows = closed_shop
    seq = rows // 2
    tamper(path, edit.replace("{seq}", str(seq)))
    check = verify_file(path)
    assert (check.first_broken, check.reason) == (seq, "content")
    assert not check.ok


def test_a_forged_hash_is_found_at_its_row(closed_shop):
    path, rows = closed_shop
    seq = rows // 2
    tamper(path, f"UPDATE audit_log SET hash = '{'f' * 64}' WHERE seq = {seq}")
    check = verify_file(path)
    assert check.first_broken == seq and check.reason == "content"
    tamper(path, f"UPDATE audit_log SET prev_hash = '{'e' * 64}' WHERE seq = {seq + 1}")
    assert verify_file(path).first_broken == seq


def test_a_deleted_middle_row_is_reported_missing(closed_shop):
    path, rows = closed_shop
    seq = rows // 2
    tamper(path, f"DELETE FROM audit_log WHERE seq = {seq}")
    check = verify_file(path)
    assert check.reason == "missing"
    assert check.first_broken == seq + 1  # the first row after the gap


def test_only_the_first_break_is_named(closed_shop):
    path, rows = closed_shop
    tamper(path, "UPDATE audit_log SET detail = '{}' WHERE seq = 3",
           f"UPDATE audit_log SET detail = '{{}}' WHERE seq = {rows - 1}")
    assert verify_file(path).first_broken == 3


def test_audit_verify_on_the_command_line_names_the_broken_row(closed_shop, capsys):
    path, rows = closed_shop
    assert run(["audit", "verify", "--db", str(path)]) == 0
    capsys.readouterr()
    seq = rows // 2
    tamper(path, f"UPDATE audit_log SET detail = '{{\"palsu\": 1}}' WHERE seq = {seq}")
    assert run(["audit", "verify", "--db", str(path)]) == 1
    out = capsys.readouterr()
    assert f"baris {seq}" in out.out + out.err


def test_check_fails_when_the_audit_chain_is_broken(closed_shop, capsys):
    path, rows = closed_shop
    seq = rows // 2
    tamper(path, f"DELETE FROM audit_log WHERE seq = {seq}")
    assert run(["check", "--db", str(path)]) == 1
    out = capsys.readouterr()
    failed = [line for line in out.out.splitlines() if line.startswith("[GAGAL]")]
    assert len(failed) == 1 and str(seq + 1) in failed[0]
    assert out.err.strip()


def test_a_tampered_file_is_still_opened_so_it_can_be_examined(closed_shop):
    path, rows = closed_shop
    tamper(path, "DELETE FROM audit_log WHERE seq = 2")
    db = open_db(path, create=False)
    try:
        assert db.scalar("SELECT count(*) FROM audit_log") == rows - 1
    finally:
        db.close()
