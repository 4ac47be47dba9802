"""Migration 6: the member register with personal data sealed, savings, credit repayments,
the chart of accounts and the treasurer's journal (release 0.5.0). Registered by
app.models.migrations."""

from __future__ import annotations

from app.models.db import Database
from app.models.migrations import _append_only, _script, migration

#: The cooperative shop's chart of accounts, as first seeded: (code, name, kind).
#: Names here are the Indonesian defaults; the books show system accounts translated.
SYSTEM_ACCOUNTS = (
    ("1101", "Kas di laci kasir", "asset"),
    ("1102", "Kas bendahara", "asset"),
    ("1110", "Bank (termasuk QRIS)", "asset"),
    ("1120", "Piutang anggota (bon)", "asset"),
    ("1130", "Persediaan barang dagang", "asset"),
    ("1210", "Peralatan dan inventaris", "asset"),
    ("2101", "Utang usaha (pemasok)", "liability"),
    ("2102", "Utang kepada penitip (konsinyasi)", "liability"),
    ("2103", "Simpanan sukarela anggota", "liability"),
    ("2104", "Uang muka pesanan anggota", "liability"),
    ("2190", "Utang lain-lain", "liability"),
    ("3101", "Simpanan pokok", "equity"),
    ("3102", "Simpanan wajib", "equity"),
    ("3201", "Modal awal dan hibah", "equity"),
    ("3301", "Cadangan", "equity"),
    ("4101", "Penjualan", "income"),
    ("4102", "Retur dan pembatalan penjualan", "income"),
    ("4201", "Pendapatan lain-lain", "income"),
    ("4202", "Selisih kas lebih", "income"),
    ("5101", "Harga pokok penjualan", "expense"),
    ("6101", "Beban listrik dan air", "expense"),
    ("6102", "Beban gaji dan honor", "expense"),
    ("6103", "Beban sewa tempat", "expense"),
    ("6104", "Beban transportasi", "expense"),
    ("6105", "Beban perlengkapan dan ATK", "expense"),
    ("6106", "Beban susut, rusak dan hilang persediaan", "expense"),
    ("6107", "Selisih kas kurang", "expense"),
    ("6108", "Beban kekurangan barang titipan", "expense"),
    ("6109", "Beban lain-lain", "expense"),
    ("6110", "Selisih pembulatan", "expense"),
)


@migration(6, "members: NIK and phone sealed, address, village, status; savings; bon"
              " repayments; chart of accounts and journal; cash of the drawer by account")
def _m6_books(db: Database) -> None:
    _script(
        db,
        """
        -- NIK and phone are sealed with a key outside the database (app.models.personal);
        -- the hashes (keyed) find a member by exact NIK or phone.
        ALTER TABLE members ADD COLUMN nik_sealed BLOB;
        ALTER TABLE members ADD COLUMN nik_hash TEXT;
        ALTER TABLE members ADD COLUMN phone_sealed BLOB;
        ALTER TABLE members ADD COLUMN phone_hash TEXT;
        ALTER TABLE members ADD COLUMN sex TEXT NOT NULL DEFAULT '' CHECK (sex IN ('', 'L', 'P'));
        ALTER TABLE members ADD COLUMN address TEXT NOT NULL DEFAULT '';
        ALTER TABLE members ADD COLUMN village TEXT NOT NULL DEFAULT '';
        ALTER TABLE members ADD COLUMN occupation TEXT NOT NULL DEFAULT '';
        ALTER TABLE members ADD COLUMN joined_on TEXT;
        ALTER TABLE members ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
            CHECK (status IN ('active', 'inactive', 'left'));
        ALTER TABLE members ADD COLUMN left_on TEXT;
        UPDATE members SET joined_on = substr(created_at, 1, 10),
            status = CASE WHEN active = 1 THEN 'active' ELSE 'inactive' END;
        CREATE UNIQUE INDEX members_nik ON members(nik_hash) WHERE nik_hash IS NOT NULL;
        CREATE INDEX members_phone ON members(phone_hash) WHERE phone_hash IS NOT NULL;

        -- Savings: pokok once on joining, wajib by period, sukarela in and out.
        CREATE TABLE savings_movements (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            member_id TEXT NOT NULL REFERENCES members(id),
            kind TEXT NOT NULL CHECK (kind IN ('pokok', 'wajib', 'sukarela')),
            amount INTEGER NOT NULL CHECK (amount <> 0),
            period TEXT NOT NULL DEFAULT '',
            method TEXT NOT NULL CHECK (method IN ('cash', 'transfer')),
            reference TEXT NOT NULL DEFAULT '',
            shift_id TEXT REFERENCES shifts(id),
            note TEXT NOT NULL DEFAULT '',
            user_id TEXT NOT NULL REFERENCES users(id),
            approved_by TEXT REFERENCES users(id),
            created_at TEXT NOT NULL
        );
        CREATE INDEX savings_movements_member ON savings_movements(member_id, created_at);
        CREATE INDEX savings_movements_created ON savings_movements(created_at);
        CREATE TABLE savings_balances (
            member_id TEXT NOT NULL REFERENCES members(id),
            kind TEXT NOT NULL,
            balance INTEGER NOT NULL,
            PRIMARY KEY (member_id, kind)
        );

        -- A member paying off bon, at the till (into the drawer) or at the office.
        CREATE TABLE credit_payments (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            member_id TEXT NOT NULL REFERENCES members(id),
            amount INTEGER NOT NULL CHECK (amount > 0),
            method TEXT NOT NULL CHECK (method IN ('cash', 'qris', 'transfer')),
            reference TEXT NOT NULL DEFAULT '',
            shift_id TEXT REFERENCES shifts(id),
            user_id TEXT NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        );
        CREATE INDEX credit_payments_member ON credit_payments(member_id, created_at);
        CREATE INDEX member_credit_movements_created ON member_credit_movements(created_at);
        -- The books read a period's stock corrections by time.
        CREATE INDEX stock_movements_created ON stock_movements(created_at);
        -- A member's purchases (their history, the SHU's jasa usaha).
        CREATE INDEX sales_member ON sales(member_id, created_at) WHERE member_id IS NOT NULL;

        -- What the drawer's other cash is for: the account on the other side
        -- (1102 the treasurer's cash by default; 2104 a pre-order deposit; savings, bon).
        ALTER TABLE shift_cash ADD COLUMN account TEXT NOT NULL DEFAULT '1102';
        ALTER TABLE shift_cash ADD COLUMN doc_type TEXT;
        ALTER TABLE shift_cash ADD COLUMN doc_id TEXT;
        UPDATE shift_cash SET account = '2104' WHERE EXISTS (
            SELECT 1 FROM preorders o WHERE o.deposit > 0
            AND shift_cash.reason LIKE '%' || o.number || '%');

        CREATE TABLE accounts (
            code TEXT PRIMARY KEY CHECK (length(code) = 4),
            name TEXT NOT NULL,
            kind TEXT NOT NULL
                CHECK (kind IN ('asset', 'liability', 'equity', 'income', 'expense')),
            system INTEGER NOT NULL DEFAULT 0,
            active INTEGER NOT NULL DEFAULT 1
        );
        -- The treasurer's own entries: expenses, other income, opening balances, money
        -- moved between cash and bank. Each entry's lines sum to zero (debit +, credit −).
        CREATE TABLE journal_entries (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL
                CHECK (kind IN ('expense', 'income', 'opening', 'transfer', 'adjustment')),
            entry_date TEXT NOT NULL,
            memo TEXT NOT NULL,
            reference TEXT NOT NULL DEFAULT '',
            reverses TEXT REFERENCES journal_entries(id),
            user_id TEXT NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        );
        CREATE INDEX journal_entries_date ON journal_entries(entry_date);
        CREATE UNIQUE INDEX journal_entries_reversed ON journal_entries(reverses)
            WHERE reverses IS NOT NULL;
        CREATE TABLE journal_lines (
            entry_id TEXT NOT NULL REFERENCES journal_entries(id),
            line_no INTEGER NOT NULL,
            account TEXT NOT NULL REFERENCES accounts(code),
            amount INTEGER NOT NULL CHECK (amount <> 0),
            PRIMARY KEY (entry_id, line_no)
        );
        CREATE INDEX journal_lines_account ON journal_lines(account);
        """,
    )
    db.executemany("INSERT INTO accounts(code, name, kind, system) VALUES (?, ?, ?, 1)",
                   SYSTEM_ACCOUNTS)
    _append_only(db, "savings_movements", "credit_payments", "journal_entries",
                 "journal_lines")
    _seal_phones(db)


def _seal_phones(db: Database) -> None:
    """Phones kept in plain text since 0.2.0 are sealed and the column dropped; deleted
    content is zeroed (secure_delete) so the old text does not linger in free pages."""
    from app.models import personal

    rows = db.query("SELECT id, phone FROM members WHERE phone <> ''")
    if rows:
        key = personal.personal_key(db)
        for row in rows:
            try:
                digits = personal.normalize_phone(row["phone"])
            except personal.UserError:
                digits = ""
            db.execute("UPDATE members SET phone_sealed = ?, phone_hash = ? WHERE id = ?",
                       (key.seal(digits), key.digest("phone", digits), row["id"]))
    db.execute("ALTER TABLE members DROP COLUMN phone")
