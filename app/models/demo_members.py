"""The demo shop's cooperative side: its members and its books.

The register filled in (NIK, phone, address, village, occupation, join date before the
shop's first day); simpanan pokok paid at the office when the shop opens (or on joining),
wajib each month (most at the till, some at the office, some months missed and paid later),
sukarela now and then with a few approved withdrawals; bon paid off — on time, late, or so
late that the till refuses the member new bon; in a longer history a member who stops
coming, one who leaves and new ones who join. And the treasurer's journal: the opening
capital, the rent, the electricity, the cashiers' honor, transport and stationery, the
takings carried to the bank, one mistake reversed. All through the same domain calls the
till, the members' screens and the treasurer's journal make.

It has its own random generator, so the rest of the demo draws the same numbers with or
without it; it plays into ``demo_history.run_history`` through hooks, as
``demo_consignment.DemoConsignment`` does: :meth:`DemoCooperative.before_day` plans the
day, :meth:`DemoCooperative.until` does what falls due before each sale and before the close.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from app.models import books, ledger, member_money, members, personal, shifts
from app.models.clock import ZONES, frozen_clock, now_iso, to_iso
from app.models.db import Database
from app.models.members import Member, MemberForm
from app.models.users import User, list_users

#: A history shorter than four weeks stays a plain shop — no members' money, no journal:
#: the wajib is monthly, and the test suite's small shops (a few days, two weeks) keep the
#: books their tests write themselves.
MIN_DAYS = 28
#: A history this long also sees members stop coming, leave and join.
CHANGES_DAYS = 60

WOMEN = frozenset({
    "Siti Rahmawati", "Sri Wahyuni", "Nurhayati", "Dewi Sartika", "Fitriani", "Indah Permata",
    "Kartini", "Maryam", "Nanda Putri", "Rini Astuti", "Tuti Handayani", "Wulan Sari", "Zainab",
    "Ratna Dewi", "Lestari", "Yanti Susanti", "Sumarni", "Putu Ayu Lestari"})
#: Villages of Kecamatan Natar, Lampung Selatan, around the shop.
VILLAGES = ("Natar", "Hajimena", "Merak Batin", "Candimas", "Branti Raya", "Pemanggilan",
            "Negara Ratu", "Muara Putih")
#: Where a member's NIK was issued: province 18 (Lampung) and a regency of stdnum's table —
#: 03 Lampung Selatan for most, 71 Bandar Lampung and 09 Pesawaran for those who moved here
#: — then a district (the demo's own codes: stdnum checks the province and the regency).
NIK_REGIONS = ("180301", "180301", "180301", "180301", "180301", "180302", "187103",
               "180905")
MEN_WORK = ("Petani", "Petani", "Petani", "Pedagang", "Buruh harian lepas", "Guru",
            "Wiraswasta", "Tukang ojek", "Perangkat desa", "Pensiunan", "Nelayan")
WOMEN_WORK = ("Ibu rumah tangga", "Ibu rumah tangga", "Petani", "Pedagang", "Guru",
              "Penjahit", "Bidan", "Buruh harian lepas")
STREETS = ("Jl. Raya Natar", "Jl. Pesantren", "Jl. Masjid Al-Ikhlas", "Jl. Kebun Jeruk",
           "Jl. Flamboyan", "Jl. Way Sekampung", "Gg. Melati", "Gg. Mawar")
HAMLETS = ("Sidorejo", "Sukamaju", "Karang Rejo", "Banjar Sari", "Sumber Agung", "Rejosari")
PHONE_PREFIXES = ("0812", "0813", "0821", "0822", "0852", "0853", "0857", "0878", "0896")
#: Who joins the cooperative during a long history (name, card number).
NEWCOMERS = ("Sumarni", "Darmaji", "Putu Ayu Lestari", "Wayan Sudira")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")

#: The treasurer's opening balances (against 3201 modal awal): the cash box, the bank
#: account the village's capital came into, and the shop's equipment.
OPENING = ((books.CASH_OFFICE, 10_000_000), (books.BANK, 40_000_000),
           (books.EQUIPMENT, 35_000_000))
#: The cashiers' monthly honor, the rent of the village's building, a month's ATK.
HONOR, RENT = 1_500_000, 500_000
#: Cash the treasurer keeps in the box: what the monthly count leaves after the bank
#: deposit, and what each deposit of the takings holds back for the office's own costs.
RESERVE, HOLDBACK = 7_500_000, 2_000_000


@dataclass
class _Person:
    """A member's habits in the demo (what the register does not say)."""

    member_id: str
    name: str
    till_share: float         # how often they pay at the till rather than at the office
    saver: bool               # puts sukarela aside now and then
    repays: str               # "" (no bon), "prompt", "late" or "defaulter"
    next_sukarela: int | None = None
    next_withdrawal: int | None = None
    next_repayment: int | None = None
    wajib_on: int | None = None     # this month's day (index) for wajib; None: skipped
    active: bool = True


def _month_end(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1) - timedelta(days=1)


class DemoCooperative:
    """Fills in the register and opens the books now (inside the demo's seeded setup),
    then plays the members' money and the treasurer's journal into the history.

    ``shop_members`` is the list the till picks its customers from: a member who stops
    coming or leaves is taken off it, a new member put on it."""

    def __init__(self, db: Database, *, seed: int, shop_members: list[Member], manager: User,
                 treasurer: User, first_day: datetime, days: int, zone: str):
        self.db, self.manager, self.treasurer = db, manager, treasurer
        self.rng = random.Random(f"anggota-{seed}")
        self.shop_members, self.first_day, self.days, self.zone = (
            shop_members, first_day, days, zone)
        self.cashiers = [u for u in list_users(db) if u.role == "kasir"]
        self.niks: set[str] = set()
        self.people: list[_Person] = []
        self.queue: list[tuple[float, int, Callable]] = []   # today's, by local hour
        self.ahead: dict[int, list[tuple[float, Callable]]] = {}   # later days'
        self.newcomers = list(NEWCOMERS)
        self.mistaken = False                 # the one bill typed in twice
        self.day, self.today, self.midnight = 0, first_day.date(), first_day
        self.last_deposit = to_iso(first_day)
        self.counted_through: date | None = None
        self.cash_before_today = 0
        self.counted_month: tuple[int, int] | None = None
        founded = first_day.date() - timedelta(days=self.rng.randint(45, 90))
        for member in shop_members:
            joined = founded if self.rng.random() < 0.8 else founded + timedelta(
                days=self.rng.randint(1, (first_day.date() - founded).days - 1))
            self._register(member, joined)
        self._open_books()
        self.changes = self._plan_changes()

    # --- the register ------------------------------------------------------------------

    def _nik(self, female: bool) -> str:
        """A NIK of Lampung that stdnum accepts: region, birth date (women's day + 40),
        serial; never one already given."""
        while True:
            born = date(self.today.year - self.rng.randint(20, 66), self.rng.randint(1, 12),
                        self.rng.randint(1, 28))
            nik = (f"{self.rng.choice(NIK_REGIONS)}{born.day + (40 if female else 0):02d}"
                   f"{born.month:02d}{born.year % 100:02d}{self.rng.randint(1, 400):04d}")
            if nik not in self.niks and personal.normalize_nik(nik) == nik:
                self.niks.add(nik)
                return nik

    def _form(self, name: str, joined: date, card_code: str | None, credit_limit: int
              ) -> MemberForm:
        female = name in WOMEN
        if self.rng.random() < 0.6:
            address = (f"{self.rng.choice(STREETS)} No. {self.rng.randint(1, 120)},"
                       f" RT {self.rng.randint(1, 12):03d}/RW {self.rng.randint(1, 5):03d}")
        else:
            address = (f"Dusun {self.rng.choice(HAMLETS)}, RT {self.rng.randint(1, 12):03d}"
                       f"/RW {self.rng.randint(1, 5):03d}")
        phone = f"{self.rng.choice(PHONE_PREFIXES)}{self.rng.randrange(10**7, 10**8)}"
        return MemberForm(name=name, nik=self._nik(female), phone=phone, address=address,
                          village=self.rng.choice(VILLAGES),
                          occupation=self.rng.choice(WOMEN_WORK if female else MEN_WORK),
                          joined_on=joined, card_code=card_code, credit_limit=credit_limit)

    def _register(self, member: Member, joined: date) -> None:
        members.update_member(self.db, user=self.manager, member_id=member.id, form=self._form(
            member.name, joined, member.card_code, member.credit_limit))
        self._habits(member, pokok_day=0 if self.rng.random() < 0.85 else self.rng.randint(1, 6))

    def _habits(self, member: Member, *, pokok_day: int, pokok_hours: float | None = None
                ) -> None:
        rng = self.rng
        if member.credit_limit <= 0:
            repays = ""
        elif sum(p.repays == "defaulter" for p in self.people) < 2 and rng.random() < 0.3:
            repays = "defaulter"
        else:
            repays = "late" if rng.random() < 0.25 else "prompt"
        person = _Person(member.id, member.name, rng.choice((0.95, 0.9, 0.85, 0.8, 0.6, 0.3)),
                         rng.random() < 0.35, repays)
        if person.saver:
            person.next_sukarela = self.day + rng.randint(3, 30)
            person.next_withdrawal = self.day + rng.randint(40, 100)
        if repays:
            person.next_repayment = self.day + self._repayment_gap(person)
        self.people.append(person)
        # Pokok at the office: most pay it whole when the shop opens (or on joining), now
        # and then in two halves a fortnight apart.
        halves = rng.random() < 0.1
        self._schedule_on(pokok_day, pokok_hours or rng.uniform(9, 14), self._office(
            lambda: member_money.deposit(self.db, user=self.treasurer, member_id=member.id,
                                         kind="pokok", amount=50_000 if halves else None)))
        if halves:      # the rest by the history's last day, at the latest
            self._schedule_on(min(pokok_day + 14, self.days - 1), 14.5, self._office(
                lambda: member_money.deposit(self.db, user=self.treasurer,
                                             member_id=member.id, kind="pokok")))
        if self.day > 0:
            self._plan_wajib(person, self.today)

    def _repayment_gap(self, person: _Person) -> int:
        low, high = {"prompt": (7, 30), "late": (35, 55), "defaulter": (80, 110)}[person.repays]
        return self.rng.randint(low, high)

    def _open_books(self) -> None:
        total = sum(value for _code, value in OPENING)
        books.record_entry(
            self.db, user=self.treasurer, day=self.today, kind="opening",
            memo="Saldo awal gerai: penyertaan modal desa (kas dan rekening bank) dan"
                 " peralatan toko (rak, etalase, freezer, timbangan, komputer kasir)",
            reference="BA serah terima modal", lines=[*OPENING, (books.CAPITAL, -total)])

    def _plan_changes(self) -> dict[int, list[Callable]]:
        """In a history of two months or more a member stops coming, one leaves and one
        joins; in half a year or more, one more leaves and two more join."""
        changes: dict[int, list[Callable]] = {}
        if self.days < CHANGES_DAYS:
            return changes
        plan = [(0.3, self._joins), (0.4, self._goes_quiet), (0.6, self._leaves)]
        if self.days >= 180:
            plan += [(0.65, self._joins), (0.8, self._leaves), (0.9, self._joins)]
        for share, action in plan:
            changes.setdefault(int(self.days * share), []).append(action)
        # Those who go are members without bon habits (some with sukarela to take out).
        pool = [p for p in self.people if not p.repays]
        self.leavers = self.rng.sample(pool if len(pool) >= 3 else self.people, 3)
        return changes

    # --- each day ------------------------------------------------------------------------

    def _at(self, hours: float) -> datetime:
        return self.midnight - ZONES[self.zone].utcoffset(None) + timedelta(hours=hours)

    def _schedule_on(self, day: int, hours: float, action: Callable) -> None:
        """Later today, or kept for a later day (pokok days are planned ahead)."""
        if day == self.day:
            self.queue.append((hours, len(self.queue), action))
            self.queue.sort(key=lambda e: e[:2])
        elif day < self.days:
            self.ahead.setdefault(day, []).append((hours, action))

    def before_day(self, day: int, midnight: datetime) -> None:
        """Plan the day: whose savings and bon, which of the treasurer's payments."""
        self.day, self.midnight, self.today = day, midnight, midnight.date()
        for hours, action in self.ahead.pop(day, []):
            self._schedule_on(day, hours, action)
        for action in self.changes.get(day, []):
            action()
        if day == 0 or self.today.day == 1:
            for person in self.people:
                if person.active:
                    self._plan_wajib(person, self.today)
        rng = self.rng
        for person in [p for p in self.people if p.active]:
            at_till = rng.random() < person.till_share
            if person.wajib_on == day:
                self._schedule_on(day, self._hours(at_till), self._where(
                    at_till, lambda c, t, p=person: self._wajib(p, c, t)))
            if person.next_sukarela == day:
                person.next_sukarela = day + rng.randint(10, 45)
                amount = rng.choice((20_000, 25_000, 50_000, 50_000, 100_000, 200_000, 500_000))
                self._schedule_on(day, self._hours(at_till), self._where(
                    at_till, lambda c, t, p=person, a=amount: member_money.deposit(
                        self.db, **self._who(c, t), member_id=p.member_id, kind="sukarela",
                        amount=a)))
            if person.next_withdrawal == day:
                person.next_withdrawal = day + rng.randint(50, 110)
                self._schedule_on(day, rng.uniform(15, 20.5) if at_till else rng.uniform(9, 14),
                                  self._where(at_till, lambda c, t, p=person:
                                              self._withdraw(p, c, t)))
            if person.next_repayment == day:
                person.next_repayment = day + self._repayment_gap(person)
                self._schedule_on(day, self._hours(at_till), self._where(
                    at_till, lambda c, t, p=person: self._repay(p, c, t)))
        self._plan_journal()

    def until(self, hours: float, *, cashier: User, till: str) -> None:
        """Do what is planned before ``hours`` (local time): called before each sale and
        before the shift closes."""
        while self.queue and self.queue[0][0] < hours:
            at, _n, action = self.queue.pop(0)
            with frozen_clock(self._at(at)):
                action(cashier, till)

    def _hours(self, at_till: bool) -> float:
        return self.rng.uniform(8.1, 20.9) if at_till else self.rng.uniform(9, 14.5)

    def _office(self, action: Callable[[], object]) -> Callable:
        return lambda _cashier, _till: action()

    def _where(self, at_till: bool, action: Callable) -> Callable:
        return action if at_till else (lambda _c, _t: action(None, None))

    def _who(self, cashier: User | None, till: str | None) -> dict:
        """At the till the shift's cashier takes the money into the drawer; at the office
        the treasurer, into her cash box."""
        if cashier is None:
            return {"user": self.treasurer}
        return {"user": cashier, "till": till}

    # --- members' money -----------------------------------------------------------------

    def _plan_wajib(self, person: _Person, first: date) -> None:
        """This month's wajib: most early in the month, some later, one month in eight
        missed (paid with the next)."""
        if self.rng.random() < 0.12:
            person.wajib_on = None
            return
        last = min(_month_end(first), self.first_day.date() + timedelta(days=self.days - 1))
        span = (last - first).days
        offset = min(int(self.rng.expovariate(1 / 6)), span)
        person.wajib_on = self.day + offset

    def _wajib(self, person: _Person, cashier: User | None, till: str | None) -> None:
        member = members.get_member(self.db, person.member_id)
        due = len(member_money.wajib_unpaid(self.db, member, self.today))
        if due == 0:
            return
        ahead = self.rng.randint(1, 3) if self.rng.random() < 0.06 else 0
        transfer = cashier is None and self.rng.random() < 0.2
        member_money.deposit(self.db, **self._who(cashier, till), member_id=member.id,
                             kind="wajib", months=due + ahead,
                             method="transfer" if transfer else "cash",
                             reference=f"TRF{self.rng.randrange(10**7, 10**8)}" if transfer
                             else "")

    def _withdraw(self, person: _Person, cashier: User | None, till: str | None) -> None:
        held = member_money.balances(self.db, person.member_id)["sukarela"]
        value = held * self.rng.choice((30, 50, 70, 100)) // 100 // 10_000 * 10_000
        if value < 10_000:
            return
        if cashier is not None:
            shift = shifts.open_shift_for(self.db, till)
            if shifts.shift_summary(self.db, shift.id).expected_cash < value:
                cashier = till = None     # not enough in the drawer: at the office
        member_money.withdraw(self.db, **self._who(cashier, till), member_id=person.member_id,
                              amount=value, approver=self.manager if cashier else None,
                              note=self.rng.choice(("Biaya sekolah anak", "Keperluan keluarga",
                                                    "Modal usaha", "Biaya berobat")))

    def _repay(self, person: _Person, cashier: User | None, till: str | None) -> None:
        owed = members.get_member(self.db, person.member_id).balance
        if owed <= 0:
            return
        value = owed
        if person.repays != "defaulter" and self.rng.random() < 0.3 and owed > 20_000:
            value = owed * self.rng.randint(50, 90) // 100 // 5_000 * 5_000
        method = "cash"
        roll = self.rng.random()
        if cashier is not None and roll < 0.2:
            method = "qris"
        elif cashier is None and roll < 0.3:
            method = "transfer"
        member_money.repay_credit(self.db, **self._who(cashier, till),
                                  member_id=person.member_id, amount=value, method=method,
                                  reference="" if method == "cash"
                                  else f"{method.upper()}{self.rng.randrange(10**7, 10**8)}")

    # --- who comes and goes -------------------------------------------------------------

    def _off_the_till(self, member_id: str) -> None:
        self.shop_members[:] = [m for m in self.shop_members if m.id != member_id]
        for person in self.people:
            if person.member_id == member_id:
                person.active = False

    def _change_status(self, member_id: str, status: str) -> None:
        form = members.member_form(self.db, user=self.treasurer, member_id=member_id)
        members.update_member(self.db, user=self.treasurer, member_id=member_id,
                              form=replace(form, status=status))

    def _goes_quiet(self) -> None:
        """A member who went to work in town: inactive, off the till's list."""
        person = self.leavers.pop(0)
        self._off_the_till(person.member_id)
        self._schedule_on(self.day, 10.0, self._office(
            lambda: self._change_status(person.member_id, "inactive")))

    def _leaves(self) -> None:
        """A member leaves: takes out their sukarela, pays off any bon, then the register
        marks them gone (their pokok and wajib stay on the books: paying those back is not
        a domain call yet)."""
        person = self.leavers.pop(0)
        self._off_the_till(person.member_id)

        def leave():
            held = member_money.balances(self.db, person.member_id)["sukarela"]
            if held > 0:
                member_money.withdraw(self.db, user=self.treasurer, member_id=person.member_id,
                                      amount=held, note="Keluar dari keanggotaan")
            owed = members.get_member(self.db, person.member_id).balance
            if owed > 0:
                member_money.repay_credit(self.db, user=self.treasurer,
                                          member_id=person.member_id, amount=owed)
            self._change_status(person.member_id, "left")

        self._schedule_on(self.day, 11.0, self._office(leave))

    def _joins(self) -> None:
        """A new member registers at the office and pays the pokok there and then."""
        name, number = self.newcomers.pop(0), len(self.people) + 1

        def join():
            member = members.create_member(self.db, user=self.treasurer, form=self._form(
                name, self.today, f"KA{number:05d}", self.rng.choice((0, 200_000))))
            self.shop_members.append(member)
            self._habits(member, pokok_day=self.day, pokok_hours=9.6)

        self._schedule_on(self.day, 9.5, self._office(join))

    # --- the treasurer's journal --------------------------------------------------------

    def _plan_journal(self) -> None:
        today, rng = self.today, self.rng
        month = f"{MONTHS[today.month - 1]} {today.year}"
        if today.day == 5:
            self._expense(10.0, "6103", RENT, f"Sewa bangunan gerai (aset desa) bulan {month}",
                          "transfer", f"TRF{rng.randrange(10**7, 10**8)}")
        if today.day == 8:
            self._expense(11.0, "6105", rng.randrange(80, 260) * 1000,
                          "Kertas struk, kantong plastik dan ATK", "cash")
        if today.day == 20:
            bill = rng.randrange(350_000, 600_000)
            method = rng.choice(("cash", "transfer"))
            reference = f"TRF{rng.randrange(10**7, 10**8)}" if method == "transfer" else ""
            memo = f"Listrik PLN gerai bulan {month}"
            self._expense(10.2, "6101", bill, memo, method, reference)
            if not self.mistaken and self.day >= 10:
                self.mistaken = True      # the same bill, slip and all, typed in twice
                self._expense(10.25, "6101", bill, memo, method, reference, twice=True)
        if today.day == 28:
            # The month's honor; for the month the shop opened in, its days only.
            opened = self.first_day.date()
            worked = HONOR
            if (opened.year, opened.month) == (today.year, today.month) and opened.day > 1:
                days_in_month = _month_end(today).day
                worked = HONOR * (days_in_month - opened.day + 1) // days_in_month // 1000 * 1000
                month = f"{month} (sejak {opened:%d/%m})"
            for n, cashier in enumerate(self.cashiers):
                self._expense(14.0 + n / 20, "6102", worked,
                              f"Honor kasir {cashier.full_name} bulan {month}", "cash")
        if today.weekday() == 5:
            self._expense(9.5, "6104", rng.randrange(8, 25) * 5_000,
                          "Ongkos angkut belanja sayur dan bumbu dari Pasar Natar", "cash")
        if today.weekday() in (1, 4) and self.day > 0:
            self._schedule_on(self.day, 10.5, self._office(self._to_bank))

    def _expense(self, hours: float, account: str, amount: int, memo: str, method: str,
                 reference: str = "", *, twice: bool = False) -> None:
        def pay():
            entry = books.record_expense(self.db, user=self.treasurer, day=self.today,
                                         account=account, amount=amount, method=method,
                                         memo=memo, reference=reference)
            if twice:     # the same bill typed in twice; noticed the next day
                when = min(self.day + 1, self.days - 1)
                self._schedule_on(when, 9.2 if when > self.day else 15.0, self._office(
                    lambda: books.reverse_entry(self.db, user=self.treasurer,
                                                entry_id=entry.id,
                                                reason="Tagihan listrik tercatat dua kali")))

        self._schedule_on(self.day, hours, self._office(pay))

    def _to_bank(self) -> None:
        """Tuesdays and Fridays the treasurer takes the takings handed over since the last
        deposit (less the floats and a little for the office's own costs) to the bank; at
        the first deposit of a month she counts the box against the books and takes all
        but the reserve."""
        now = now_iso()
        if self.counted_month != (self.today.year, self.today.month):
            self.counted_month = (self.today.year, self.today.month)
            value = self._office_cash() - RESERVE
        else:
            handed = self.db.scalar(
                "SELECT coalesce(sum(counted_cash), 0) FROM shifts"
                " WHERE closed_at >= ? AND closed_at < ?", (self.last_deposit, now))
            floats = self.db.scalar(
                "SELECT coalesce(sum(opening_float), 0) FROM shifts"
                " WHERE opened_at >= ? AND opened_at < ?", (self.last_deposit, now))
            value = handed - floats - HOLDBACK
        self.last_deposit = now
        value = value // 100_000 * 100_000
        if value < 500_000:
            return
        books.record_entry(self.db, user=self.treasurer, day=self.today, kind="transfer",
                           memo="Setor tunai hasil penjualan ke rekening BRI koperasi",
                           reference=f"SLIP-{self.today:%y%m%d}",
                           lines=[(books.BANK, value), (books.CASH_OFFICE, -value)])

    def _office_cash(self) -> int:
        """The treasurer's cash now, as the books have it: the days since the last count
        added up once, today's so far read again (the books are read from every document,
        so this is done once a month, not at every deposit)."""
        since = self.counted_through + timedelta(days=1) if self.counted_through else None
        today = self.today.isoformat()
        so_far = 0
        for line in ledger.lines(self.db, since, self.today):
            if line.account == books.CASH_OFFICE:
                if line.day < today:
                    self.cash_before_today += line.amount
                else:
                    so_far += line.amount
        self.counted_through = self.today - timedelta(days=1)
        return self.cash_before_today + so_far
