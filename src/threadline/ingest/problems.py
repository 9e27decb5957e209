"""Problems found in input: collected, capped, and reported together.

An import reads everything before it writes anything, so it can report many
problems at once (up to a cap), each naming its file, line and field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError

from threadline.errors import Location, ThreadlineError

MAX_PROBLEMS = 50


@dataclass(frozen=True)
class Problem:
    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass
class Problems:
    """A capped list of problems; ``total`` keeps counting past the cap."""

    cap: int = MAX_PROBLEMS
    items: list[Problem] = field(default_factory=list)
    total: int = 0

    def add(self, file: str, line: int | None, fld: str | None, message: str) -> None:
        self.total += 1
        if len(self.items) < self.cap:
            self.items.append(Problem(Location(file, line, fld), message))

    def add_validation(
        self,
        file: str,
        line: int,
        error: ValidationError,
        fields: dict[str, str] | None = None,
    ) -> None:
        """One problem per error; ``fields`` renames bundle fields to the input's own names."""
        for detail in error.errors(include_url=False):
            path = field_path(detail["loc"])
            if fields and path in fields:
                path = fields[path]
            self.add(file, line, path or None, _message(detail))

    @property
    def full(self) -> bool:
        return self.total >= self.cap

    def __bool__(self) -> bool:
        return self.total > 0


def field_path(loc: tuple[int | str, ...]) -> str:
    """Pydantic's location as a path a person reads: ``subjects[0].dob``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("function-before", "function-after") or "[" in str(part):
            continue  # validator wrappers pydantic puts in the path
        else:
            out += f".{part}" if out else str(part)
    return out


def _message(detail: object) -> str:
    d = detail if isinstance(detail, dict) else {}
    kind = d.get("type", "")
    msg = str(d.get("msg", "invalid"))
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    value = d.get("input")
    if kind in (
        "string_type",
        "int_type",
        "list_type",
        "model_type",
        "dict_type",
        "enum",
        "literal_error",
    ):
        return f"{msg} (got {_short(value)})"
    return msg


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class ImportRejected(ThreadlineError):
    """The input was refused; nothing was written."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        lines = [str(p) for p in problems.items]
        if problems.total > len(problems.items):
            lines.append(f"... and {problems.total - len(problems.items)} more problems")
        head = f"import refused, nothing was changed ({problems.total} problem"
        head += "s)" if problems.total != 1 else ")"
        super().__init__(head + ":\n  " + "\n  ".join(lines))
