"""Setting up a new shop: its settings and its first admin, in one transaction."""

from __future__ import annotations

from dataclasses import fields, replace

from app.models.db import Database
from app.models.errors import ValidationError
from app.models.settings import ShopSettings, save_settings, validate_settings
from app.models.users import User, create_user, user_problems


def setup_shop(
    db: Database, *, settings: ShopSettings, username: str, full_name: str, secret: str
) -> User:
    """Make an empty database a shop; refused (PermissionDenied) once it has users."""
    settings = replace(settings, **{f.name: getattr(settings, f.name).strip()
                                    for f in fields(ShopSettings)})
    problems = validate_settings(settings) + user_problems(
        (username or "").strip().lower(), (full_name or "").strip(), "admin", secret)
    if problems:
        raise ValidationError(problems)
    with db.atomic():
        save_settings(db, user=None, settings=settings)
        return create_user(db, user=None, username=username, full_name=full_name,
                           role="admin", secret=secret)
