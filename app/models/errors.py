"""Errors meant for people: typed, carrying a message already in the user's language."""

from __future__ import annotations

from dataclasses import dataclass


class UserError(Exception):
    """A refusal the user can act on. ``field`` names the form field to point at."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class PackageRefused(UserError):
    """A sync package that will not be used, and why (already in the user's language)."""

    def __init__(self, reason: str):
        super().__init__(reason, "package")
        self.reason = reason


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, collected rather than raised (see ValidationError)."""

    field: str
    message: str
    row: int | None = None


class ValidationError(UserError):
    """Several problems with one input, reported together."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        first = self.problems[0]
        super().__init__("\n".join(p.message for p in self.problems), first.field)


class PermissionDenied(UserError):
    pass


class SchemaTooNew(UserError):
    pass


class NotFound(UserError):
    pass
