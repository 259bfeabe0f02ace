"""Errors that gdc reports to users.

Every problem with a user's input is an :class:`InputError`: it names the file, the
field and the fix, and the command line turns it into one message and exit code 2
(no traceback unless ``--debug``). Anything else is a bug in gdc.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class InputError(Exception):
    """Bad user input: one clear message naming the file, the field and the fix.

    Parameters
    ----------
    message : str
        What is wrong, in one sentence.
    file : str or Path, optional
        The file the problem is in.
    field : str, optional
        The field, key or column (dotted path for nested keys, e.g. ``sources[1].capacity_mw``).
    fix : str, optional
        What the user should do about it.
    """

    message: str
    file: str | Path | None = None
    field: str | None = None
    fix: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(str(self.file))
        if self.field:
            where.append(f"field '{self.field}'")
        head = ": ".join([", ".join(where), self.message]) if where else self.message
        return f"{head}\n  fix: {self.fix}" if self.fix else head


class InfeasibleError(Exception):
    """No design or dispatch satisfies the constraints; carries the explanation."""

    def __init__(self, message: str, explanation: object | None = None) -> None:
        super().__init__(message)
        self.explanation = explanation
