"""What an analysis predicted, in the shapes of ``spec/cli.md``, ready to be scored.

A prediction is plain data: the resolved entities (``threadline entities
--json``), every extracted mention, and the opportunities best first
(``threadline opportunities --json``). Keys the scoring does not use are kept
and ignored; keys it does use are checked for their type, so that a malformed
prediction fails with the file, line and field instead of scoring wrongly.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from threadline.errors import InputError, Location

#: Where a field of one object is: called with the field's name, or None for the whole object.
FieldLocation = Callable[[str | None], Location]


@dataclass
class Prediction:
    """An analysis's output, as plain JSON-shaped dictionaries.

    Attributes:
        entities: resolved entities: ``id``, ``type``, ``label``, ``subjects``,
            ``mentions`` (``record``, ``start``, ``end``, ``text``),
            ``identifiers``, ``operations``; optionally ``records`` (for a
            location, the records whose ``locations`` field was joined to it).
        mentions: every extracted mention: ``record``, ``start``, ``end``,
            ``text``, ``type`` and, for persons, optionally ``role``.
        opportunities: ``kind``, ``rank``, ``entities``, ``records``, ``id`` ...,
            best first.
    """

    entities: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    opportunities: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_jsonl(
        cls,
        entities_path: Path,
        opportunities_path: Path,
        mentions_path: Path | None = None,
    ) -> Prediction:
        """Read a prediction from JSON Lines files.

        Without a mentions file, the mentions are those joined into entities,
        each typed as its entity (the only mentions ``threadline entities``
        shows); a span joined into two entities of one type counts once.

        Raises:
            InputError: a file is unreadable, a line is not a JSON object, or a
                field has the wrong type; the error names the file, line and field.
        """
        entities = _read_jsonl(entities_path, check_entity)
        opportunities = _read_jsonl(opportunities_path, check_opportunity)
        if mentions_path is not None:
            mentions = _read_jsonl(mentions_path, check_mention)
        else:
            mentions = mentions_of_entities(entities)
        return cls(entities=entities, mentions=mentions, opportunities=opportunities)

    def validate(self) -> None:
        """Check the fields scoring uses, naming the list, position and field on failure."""
        for name, items, check in (
            ("entities", self.entities, check_entity),
            ("mentions", self.mentions, check_mention),
            ("opportunities", self.opportunities, check_opportunity),
        ):
            for number, item in enumerate(items, start=1):
                check(item, _where(f"prediction {name}", number))


def mentions_of_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mentions joined into entities, typed by their entity, without repeats."""
    seen: set[tuple[str, int, int, str]] = set()
    found: list[dict[str, Any]] = []
    for entity in entities:
        type_ = entity.get("type")
        for mention in entity.get("mentions") or ():
            key = (mention["record"], mention["start"], mention["end"], str(type_))
            if key in seen:
                continue
            seen.add(key)
            found.append({**mention, "type": type_})
    return found


def _where(source: str, number: int) -> FieldLocation:
    return lambda field_name: Location(source, number, field_name)


def _read_jsonl(path: Path, check: Callable[[Any, FieldLocation], None]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for number, line in _lines(path):
        where = _where(str(path), number)
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(where(None), f"not valid JSON: {exc.msg}") from exc
        check(item, where)
        items.append(item)
    return items


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield number, line
    except OSError as exc:
        raise InputError(Location(str(path)), f"cannot read the file: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(Location(str(path)), f"the file is not UTF-8: {exc}") from exc


def _object(item: Any, where: FieldLocation) -> Mapping[str, Any]:
    if not isinstance(item, Mapping):
        raise InputError(where(None), "expected a JSON object")
    return item


def _string(item: Mapping[str, Any], key: str, where: FieldLocation, *, required: bool) -> None:
    value = item.get(key)
    if value is None and not required:
        return
    if not isinstance(value, str):
        raise InputError(where(key), "expected a string")


def _strings(item: Mapping[str, Any], key: str, where: FieldLocation) -> None:
    value = item.get(key)
    if value is None:
        return
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(where(key), "expected a list of strings")


def _offset(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def check_mention(item: Any, where: FieldLocation, prefix: str = "") -> None:
    """Check a mention: ``record`` string, ``start`` ≤ ``end`` offsets, optional strings.

    Raises:
        InputError: naming the field (``mentions[2].start`` inside an entity).
    """

    def named(field_name: str | None) -> Location:
        return where(prefix + field_name if field_name else (prefix.rstrip(".") or None))

    mention = _object(item, named)
    _string(mention, "record", named, required=True)
    for key in ("start", "end"):
        if not _offset(mention.get(key)):
            raise InputError(named(key), "expected a non-negative integer offset")
    if mention["end"] < mention["start"]:
        raise InputError(named("end"), "the span ends before it starts")
    for key in ("type", "role", "text"):
        _string(mention, key, named, required=False)


def check_entity(item: Any, where: FieldLocation) -> None:
    """Check an entity line of ``threadline entities --json``.

    Raises:
        InputError: naming the field that has the wrong type.
    """
    entity = _object(item, where)
    _string(entity, "id", where, required=True)
    _string(entity, "type", where, required=False)
    for key in ("subjects", "identifiers", "records"):
        _strings(entity, key, where)
    mentions = entity.get("mentions")
    if mentions is None:
        return
    if not isinstance(mentions, list):
        raise InputError(where("mentions"), "expected a list of mentions")
    for i, mention in enumerate(mentions):
        check_mention(mention, where, prefix=f"mentions[{i}].")


def check_opportunity(item: Any, where: FieldLocation) -> None:
    """Check an opportunity line of ``threadline opportunities --json``.

    Raises:
        InputError: naming the field that has the wrong type.
    """
    opportunity = _object(item, where)
    _string(opportunity, "kind", where, required=True)
    _string(opportunity, "id", where, required=False)
    for key in ("entities", "records"):
        _strings(opportunity, key, where)
    rank = opportunity.get("rank")
    if rank is not None and (isinstance(rank, bool) or not isinstance(rank, int | float)):
        raise InputError(where("rank"), "expected a number")
