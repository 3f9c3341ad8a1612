"""Errors raised by the pure scoring domain."""

from __future__ import annotations


class ModelInvalid(ValueError):
    """A criteria model was refused; nothing of it was applied.

    ``problems`` lists every finding, each prefixed with where it was found
    (a criterion, group or gate id where one applies).
    """

    def __init__(self, version: str, problems: list[str]) -> None:
        self.version = version
        self.problems = tuple(problems)
        listed = "; ".join(self.problems)
        super().__init__(f"criteria model {version!r} refused: {listed}")


class UnknownModelVersion(LookupError):
    """No criteria model with this version is registered."""

    def __init__(self, version: str) -> None:
        self.version = version
        super().__init__(f"no criteria model with version {version!r}")
