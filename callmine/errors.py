"""Exceptions raised by callmine.

Every problem with the user's data or request is a :class:`CallmineError`;
the command line turns it into one ``Error: ...`` line and exit status 1.
"""

from __future__ import annotations


class CallmineError(Exception):
    """Base class for problems with input data, files or parameters."""


class DataError(CallmineError):
    """A call-log file cannot be read as asked (missing column, bad encoding, ...)."""


class ModelError(CallmineError):
    """A model file is missing, damaged, tampered with or of the wrong kind."""


class MissingExtraError(CallmineError):
    """An optional dependency is needed: the message names the extra to install."""

    def __init__(self, package: str, extra: str, feature: str):
        self.package = package
        self.extra = extra
        super().__init__(
            f"{feature} needs the optional package {package!r}; "
            f"install it with: pip install 'callmine[{extra}]'"
        )
