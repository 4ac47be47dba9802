"""How the cooperative splits its SHU (sisa hasil usaha), as its AD/ART says: a list of parts,
each with a share in basis points (1% = 100 bp) that together make exactly 100%.

Two parts go to the members: ``jasa_usaha`` (by what each member bought in the year) and,
where the AD/ART has it, ``jasa_modal`` (by each member's simpanan pokok and wajib). The
others (the reserve, the board, staff, education, social fund ...) stay with the
cooperative and are named by the admin. The split is stored as JSON under the setting
``shu.allocation``; until it is saved the textbook split below is used.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from app.i18n import _
from app.models import audit
from app.models.db import Database
from app.models.errors import Problem, UserError, ValidationError
from app.models.users import User, require

SETTING_KEY = "shu.allocation"
#: 100% in basis points.
WHOLE_BP = 10_000
USAHA, MODAL = "jasa_usaha", "jasa_modal"
MIN_PARTS, MAX_PARTS = 2, 12
MAX_LABEL = 60
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_PERCENT = re.compile(r"^(?P<whole>\d{1,3})(?:[.,](?P<frac>\d{1,2}))?$")


@dataclass(frozen=True)
class ShuPart:
    """One part of the split: ``key`` names it for the program (``jasa_usaha`` is the
    members' pool), ``label`` for people, ``bp`` its share in basis points."""

    key: str
    label: str
    bp: int


def default_allocation() -> tuple[ShuPart, ...]:
    """A textbook split (an example, not a rule: each AD/ART sets its own)."""
    return (
        ShuPart("cadangan", _("Cadangan"), 4000),
        ShuPart(USAHA, _("Jasa usaha anggota"), 2500),
        ShuPart(MODAL, _("Jasa modal anggota"), 1500),
        ShuPart("pengurus", _("Dana pengurus"), 500),
        ShuPart("karyawan", _("Dana karyawan"), 500),
        ShuPart("pendidikan", _("Dana pendidikan"), 500),
        ShuPart("sosial", _("Dana sosial"), 500),
    )


def basis_label(key: str) -> str:
    """What a part is shared by: the members' pools say how; the others stay whole."""
    return {USAHA: _("Dibagi ke anggota menurut belanja"),
            MODAL: _("Dibagi ke anggota menurut simpanan pokok + wajib")}.get(key, "")


def get_shu_allocation(db: Database) -> tuple[ShuPart, ...]:
    """The saved split, or the textbook one when none was saved. A stored split that does
    not read back is refused rather than replaced: SHU shared by a split nobody chose
    would be worse than no report."""
    stored = db.scalar("SELECT value FROM settings WHERE key = ?", (SETTING_KEY,))
    if stored is None:
        return default_allocation()
    try:
        parts = tuple(ShuPart(str(p["key"]), str(p["label"]), p["bp"])
                      for p in json.loads(stored))
    except (ValueError, TypeError, KeyError):
        parts = ()
    if not parts or validate_shu_allocation(parts):
        raise UserError(_("Pengaturan pembagian SHU tidak terbaca; simpan ulang pembagiannya"
                          " di Pengaturan."), "parts")
    return parts


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_shu_allocation(parts) -> list[Problem]:
    """Every problem with a split at once, each with its row (from 1) where it has one."""
    if not isinstance(parts, Sequence) or isinstance(parts, str) or not all(
            isinstance(p, ShuPart) for p in parts):
        return [Problem("parts", _("Pembagian SHU tidak valid."))]
    problems: list[Problem] = []
    if not MIN_PARTS <= len(parts) <= MAX_PARTS:
        problems.append(Problem("parts", _("Pembagian SHU harus terdiri dari {low} sampai"
                                           " {high} bagian.").format(low=MIN_PARTS,
                                                                     high=MAX_PARTS)))
    keys: set[str] = set()
    labels: set[str] = set()
    for row, part in enumerate(parts, start=1):
        if not isinstance(part.key, str) or not _KEY.match(part.key):
            problems.append(Problem("key", _("Kode bagian ke-{row} tidak valid.").format(
                row=row), row))
        elif part.key in keys:
            problems.append(Problem("key", _("Kode bagian {key} dipakai dua kali.").format(
                key=part.key), row))
        keys.add(part.key)
        label = part.label.strip() if isinstance(part.label, str) else ""
        if not label:
            problems.append(Problem("label", _("Nama bagian ke-{row} belum diisi.").format(
                row=row), row))
        elif len(label) > MAX_LABEL:
            problems.append(Problem("label", _("Nama bagian ke-{row} terlalu panjang (paling"
                                               " banyak {n} huruf).").format(row=row,
                                                                           n=MAX_LABEL), row))
        elif label.casefold() in labels:
            problems.append(Problem("label", _("Nama bagian \"{label}\" dipakai dua kali.")
                                    .format(label=label), row))
        labels.add(label.casefold())
        if not _is_int(part.bp) or not 0 < part.bp <= WHOLE_BP:
            problems.append(Problem("bp", _("Persen bagian ke-{row} harus lebih dari 0 dan"
                                            " paling banyak 100.").format(row=row), row))
    if USAHA not in keys:
        problems.append(Problem("parts", _("Pembagian SHU harus memuat jasa usaha anggota"
                                           " (kode {key}).").format(key=USAHA)))
    if all(_is_int(p.bp) for p in parts):
        whole = sum(p.bp for p in parts)
        if whole != WHOLE_BP:
            problems.append(Problem("total", _("Jumlah semua bagian harus tepat 100%;"
                                               " sekarang {percent}%.").format(
                percent=percent_text(whole))))
    return problems


def save_shu_allocation(db: Database, *, user: User, parts) -> tuple[ShuPart, ...]:
    """Store the split after the AD/ART or the RAT changed it; refused whole (nothing
    written) unless every part is sound and they make exactly 100%."""
    require(user, "settings.edit")
    problems = validate_shu_allocation(parts)
    if problems:
        raise ValidationError(problems)
    parts = tuple(ShuPart(p.key, p.label.strip(), p.bp) for p in parts)
    value = json.dumps([asdict(p) for p in parts], ensure_ascii=False)
    with db.atomic():
        before = db.scalar("SELECT value FROM settings WHERE key = ?", (SETTING_KEY,))
        db.execute("INSERT INTO settings(key, value) VALUES (?, ?)"
                   " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                   (SETTING_KEY, value))
        audit.record(db, user_id=user.id, action="settings.shu", entity="settings",
                     entity_id=SETTING_KEY,
                     detail={"before": json.loads(before) if before else None,
                             "after": [asdict(p) for p in parts]})
    return parts


# --- the settings page's text ------------------------------------------------------------


def percent_text(bp: int) -> str:
    """Basis points as people write a percent: 4000 → ``40``, 1250 → ``12,5``."""
    whole, frac = divmod(abs(bp), 100)
    text = str(whole) + (f",{frac:02d}".rstrip("0") if frac else "")
    return ("-" if bp < 0 else "") + text


def parse_percent(value, *, row: int | None = None) -> int:
    """A typed percent (``40``, ``12,5``, ``12.5``, ``40%``) in basis points; at most two
    decimals, more than 0 and at most 100."""
    text = value.strip().rstrip("%").strip() if isinstance(value, str) else ""
    where = _("Persen bagian ke-{row}").format(row=row) if row else _("Persen")
    match = _PERCENT.match(text)
    if not text:
        raise UserError(_("{what} belum diisi.").format(what=where), "bp")
    if not match:
        raise UserError(_("{what} tidak valid: \"{text}\". Tulis angka persen, mis. 40 atau"
                          " 12,5.").format(what=where, text=text[:20]), "bp")
    bp = int(match["whole"]) * 100 + int((match["frac"] or "0").ljust(2, "0"))
    if not 0 < bp <= WHOLE_BP:
        raise UserError(_("{what} harus lebih dari 0 dan paling banyak 100.").format(
            what=where), "bp")
    return bp


def typed_total(texts: Sequence[str]) -> str | None:
    """The sum of the percents typed so far, as text (``95``; a cell not yet filled counts
    nothing), or None while one of them does not read: what the settings page shows under
    its table as the admin types."""
    try:
        return percent_text(sum(parse_percent(t) for t in texts if t.strip()))
    except UserError:
        return None


def new_key(label: str, taken) -> str:
    """A key for a part the admin adds: from its label (``Dana sosial`` → ``dana_sosial``),
    made unique among ``taken``."""
    base = re.sub(r"[^a-z0-9]+", "_", (label or "").casefold())[:24].strip("_")
    base = base if base[:1].isalpha() else f"bagian_{base}".rstrip("_")
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def parts_from_form(rows: Sequence[tuple[str, str, str]]) -> tuple[ShuPart, ...]:
    """The settings page's rows (key, label, percent as typed) as parts; every problem at
    once (a ValidationError), each naming its row."""
    problems: list[Problem] = []
    parts = []
    for row, (key, label, typed) in enumerate(rows, start=1):
        try:
            bp = parse_percent(typed, row=row)
        except UserError as e:
            problems.append(Problem("bp", e.message, row))
            bp = 0
        parts.append(ShuPart(key, label, bp))
    if problems:
        # The other problems too, but no sum of percents that do not read.
        raise ValidationError(problems + [p for p in validate_shu_allocation(parts)
                                          if p.field not in ("bp", "total")])
    return tuple(parts)
