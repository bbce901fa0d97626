"""Errors every layer speaks: raised by data access and services, shown by pages and the API."""
from __future__ import annotations


class WarehouseUnavailable(RuntimeError):
    """The warehouse cannot be reached (down, network, missing file)."""


class MissingSchema(LookupError):
    """A contract table or required column is missing; `missing` names it (`table.column`)."""

    def __init__(self, missing: str) -> None:
        super().__init__(f"missing in the warehouse: {missing}")
        self.missing = missing


class BoundaryFileError(ValueError):
    """The configured boundaries file cannot be used; `missing` names a missing column, if that."""

    def __init__(self, path: str, problem: str, missing: str | None = None) -> None:
        super().__init__(f"boundaries file {path}: {problem}")
        self.path = path
        self.missing = missing


class UnknownAlert(LookupError):
    """The warehouse has no alert with this id."""


class InvalidAction(ValueError):
    """The action is not allowed now (HTTP 409) or its input is bad (HTTP 400).

    `key` is a message-catalogue key and `values` its placeholders, so pages and the API can
    word it in the user's language.
    """

    def __init__(self, key: str, conflict: bool = True, **values: object) -> None:
        super().__init__(f"{key} {values}")
        self.key = key
        self.conflict = conflict
        self.values = values


class OutOfScope(PermissionError):
    """The object lies outside the user's region scope; `region` names its region."""

    def __init__(self, region: str) -> None:
        super().__init__(f"outside the region scope: {region}")
        self.region = region
