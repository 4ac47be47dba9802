"""Random histories of two shops and a hub: sales, member edits, barcode removals, exports
(normal and full), imports of any package ever written (twice, out of order, never, or
replayed from an older epoch), backups and restores, accepted forks.

Whatever happens, importing every package a shop wrote in its epoch leaves the hub's copy
equal to the shop's own rows; a restored shop's packages are forks until the officer
accepts one; a refused package or a duplicate leaves the hub's content as it was.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule, run_state_machine_as_test
from sync_world import SHOP_CODES, TILL, content_digest, copy_world, mismatches, world_in

from app.models import backup as backups
from app.models import members, sync_data
from app.models.cart import Cart, add_product
from app.models.db import open_db
from app.models.errors import UserError
from app.models.products import ProductInput, UnitInput, get_product, update_product
from app.models.sales import PaymentInput, complete_sale
from app.sync import hub, shop


@pytest.fixture(scope="module")
def world(tmp_path_factory, demo_template, demo_users):
    yield from world_in(tmp_path_factory, demo_template, demo_users)


@dataclass
class Package:
    path: Path
    code: str
    epoch: int
    seq_from: int
    full: bool


@dataclass
class ShopState:
    code: str
    path: Path
    db: object
    packages: list[Package] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)

    def epoch_packages(self) -> list[Package]:
        epoch = backups.current_epoch(self.db)
        return [p for p in self.packages if p.epoch == epoch]


def _product_input(p) -> ProductInput:
    return ProductInput(
        name=p.name, base_unit=p.base_unit, price=p.price, brand=p.brand, category=p.category,
        fractional=p.fractional, cost=p.cost, min_stock=p.min_stock, het=p.het,
        barcodes=p.barcodes, plu=p.plu, rack=p.rack, program=p.program,
        quota_qty=p.quota_qty, quota_period=p.quota_period,
        units=tuple(UnitInput(u.name, u.factor, u.price, u.barcodes, u.id) for u in p.units))


def make_machine(world, users, root: Path):
    counter = itertools.count()

    class SyncHistory(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.folder = root / f"run{next(counter)}"
            shops, hub_path = copy_world(world, self.folder)
            self.out = self.folder / "out"
            self.out.mkdir()
            self.hub = open_db(hub_path, create=False)
            self.shops = {code: ShopState(code, path, open_db(path, create=False))
                          for code, path in shops.items()}
            self.imported: set[Path] = set()

        def teardown(self):
            for s in self.shops.values():
                s.db.close()
            self.hub.close()

        # -- shops at work -------------------------------------------------------------

        @rule(code=st.sampled_from(SHOP_CODES), pick=st.integers(0, 10_000),
              qty=st.integers(1, 3))
        def sale(self, code, pick, qty):
            db = self.shops[code].db
            ids = [r["id"] for r in db.query("SELECT id FROM products WHERE archived = 0"
                                             " AND consigned = 0 ORDER BY id")]
            cart = add_product(db, Cart(), ids[pick % len(ids)], qty=qty * 1000)
            try:
                complete_sale(db, user=users["kasir"], till=TILL, cart=cart,
                              payments=[PaymentInput("cash", cart.total)])
            except UserError:
                pass        # out of stock, a program good's quota: the till says no

        @rule(code=st.sampled_from(SHOP_CODES), pick=st.integers(0, 10_000),
              phone=st.integers(10_000_000, 99_999_999))
        def member_edit(self, code, pick, phone):
            db = self.shops[code].db
            ids = [r["id"] for r in db.query("SELECT id FROM members ORDER BY id")]
            member_id = ids[pick % len(ids)]
            user = users["bendahara"]
            form = members.member_form(db, user=user, member_id=member_id)
            members.update_member(db, user=user, member_id=member_id,
                                  form=replace(form, phone=f"0812{phone}",
                                               name=form.name.rstrip(" .") + " ."))

        @rule(code=st.sampled_from(SHOP_CODES), pick=st.integers(0, 10_000))
        def barcode_removal(self, code, pick):
            db = self.shops[code].db
            ids = [r["id"] for r in db.query("SELECT DISTINCT product_id AS id FROM barcodes"
                                             " ORDER BY product_id")]
            if not ids:
                return
            p = get_product(db, ids[pick % len(ids)])
            data = _product_input(p)
            if p.barcodes:
                data = replace(data, barcodes=p.barcodes[1:])
            else:
                data = replace(data, units=tuple(replace(u, barcodes=u.barcodes[1:])
                                                 for u in data.units))
            update_product(db, user=users["manajer"], product_id=p.id, data=data)

        # -- packages --------------------------------------------------------------------

        def _export(self, s: ShopState, full: bool) -> Package:
            e = shop.export(s.db, self.out, full=full)
            assert e.path.exists()
            pkg = Package(e.path, s.code, e.header["epoch"], e.header["seq_from"],
                          e.header["full"])
            s.packages.append(pkg)
            return pkg

        @rule(code=st.sampled_from(SHOP_CODES), full=st.booleans())
        def export(self, code, full):
            self._export(self.shops[code], full)

        def _hub_shop(self, code: str) -> dict:
            return self.hub.one("SELECT * FROM hub_shops WHERE code = ?", (code,))

        def _import(self, pkg: Package, *, accept_fork: bool = False) -> hub.Imported:
            before = content_digest(self.hub)
            state = self._hub_shop(pkg.code)
            seen = pkg.path in self.imported
            result = hub.import_file(self.hub, pkg.path, accept_fork=accept_fork)
            assert result.message
            if result.applied:
                self.imported.add(pkg.path)
            else:                                               # (c) and (d)
                assert content_digest(self.hub) == before, (result.kind, result.message)
            if seen:                                            # (d)
                assert result.kind == "duplicate" and not result.applied
            if state["epoch"] is not None and pkg.epoch > state["epoch"] and not seen:
                assert result.kind == "fork", (result.kind, result.message)    # (b)
                assert result.applied == (accept_fork and pkg.seq_from == 1), result.message
            if state["epoch"] is not None and pkg.epoch < state["epoch"]:
                assert not result.applied, result.message       # a stale epoch never wins
            return result

        @precondition(lambda self: any(s.packages for s in self.shops.values()))
        @rule(data=st.data())
        def import_any(self, data):
            every = [p for s in self.shops.values() for p in s.packages]
            self._import(data.draw(st.sampled_from(every)))

        @rule(code=st.sampled_from(SHOP_CODES))
        def accept_fork(self, code):
            s = self.shops[code]
            state = self._hub_shop(code)
            mine = s.epoch_packages()
            if not mine or state["epoch"] in (None, mine[0].epoch):
                return
            result = self._import(mine[0], accept_fork=True)
            assert result.applied and result.kind == "fork", result.message

        # -- backups ---------------------------------------------------------------------

        @rule(code=st.sampled_from(SHOP_CODES))
        def backup(self, code):
            s = self.shops[code]
            out = self.folder / f"{code}-backup-{len(s.backups)}.db"
            backups.backup(s.db, out)
            s.backups.append(out)

        @precondition(lambda self: any(s.backups for s in self.shops.values()))
        @rule(data=st.data())
        def restore(self, data):
            s = data.draw(st.sampled_from([s for s in self.shops.values() if s.backups]))
            file = data.draw(st.sampled_from(s.backups))
            before = backups.current_epoch(s.db)
            s.db.close()
            _kept, epoch = backups.restore(s.path, file)
            s.db = open_db(s.path, create=False)
            assert epoch > before and backups.current_epoch(s.db) == epoch

        # -- the invariant ---------------------------------------------------------------

        @rule(code=st.sampled_from(SHOP_CODES), order=st.randoms(use_true_random=False))
        def catch_up(self, code, order):
            """(a): everything this shop wrote in its epoch, imported in any order, the
            missing ones filled in: the hub's copy is the shop's own rows."""
            s = self.shops[code]
            self._export(s, False)
            mine = s.epoch_packages()
            state = self._hub_shop(code)
            if state["epoch"] is not None and state["epoch"] != mine[0].epoch:
                self.accept_fork(code)
            pending = list(mine)
            order.shuffle(pending)
            for _round in range(len(pending) + 1):
                for pkg in list(pending):
                    if self._import(pkg).kind in ("next", "overlap", "duplicate", "late"):
                        pending.remove(pkg)
            assert not pending, [p.path.name for p in pending]
            last = sync_data.last_export(s.db)[0]
            wrong = mismatches(s.db, self.hub, last_export=last)
            assert not wrong, wrong

    return SyncHistory


def test_any_history_of_two_shops_lands_at_the_hub_as_each_shop_has_it(world, demo_users,
                                                                        tmp_path):
    machine = make_machine(world, demo_users, tmp_path)
    run_state_machine_as_test(machine, settings=settings(
        max_examples=25, stateful_step_count=15, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
