"""The access policy as data: who may see what, by role, handling and membership.

Deny by default: a combination missing from :data:`MATERIAL` is refused.

A person's *relation* to an operation is

- ``member``: they are a member of that operation;
- ``coordinator``: they are a member of the umbrella operation that coordinates
  it (its ``parent``), but not of the operation itself;
- no relation otherwise, which always denies.

A record's *sharing class* comes from its handling code through the one
grading mapping (:func:`threadline.domain.grading.comparable`): ``permitted``,
``conditions``, ``law_enforcement``, ``originator``; material with no handling
code is ``ungraded`` and treated as police-only.

Victim identity (:data:`VICTIM_IDENTITY`) is shown only to the roles whose work
needs it; everyone else sees a victim as ``[victim N]``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    REVIEWER = "reviewer"
    ANALYST = "analyst"
    INVESTIGATOR = "investigator"
    PARTNER = "partner"


class Relation(StrEnum):
    MEMBER = "member"
    COORDINATOR = "coordinator"


SHARING_CLASSES: Final = ("permitted", "conditions", "law_enforcement", "originator", "ungraded")
"""Every sharing class, widest first; ``ungraded`` is material without a handling code."""

_POLICE = (Role.REVIEWER, Role.ANALYST, Role.INVESTIGATOR)

MATERIAL: Final[frozenset[tuple[Role, str, Relation]]] = frozenset(
    {
        # Police roles see all of their own operations' material ...
        *((role, sharing, Relation.MEMBER) for role in _POLICE for sharing in SHARING_CLASSES),
        # ... and, through the umbrella they belong to, the coordinated operations'
        # material except what may not leave its originating operation.
        *(
            (role, sharing, Relation.COORDINATOR)
            for role in _POLICE
            for sharing in ("permitted", "conditions", "law_enforcement", "ungraded")
        ),
        # Partner agencies: only what may be shared with them, and only from
        # operations they are members of.
        (Role.PARTNER, "permitted", Relation.MEMBER),
        (Role.PARTNER, "conditions", Relation.MEMBER),
    }
)
"""(role, sharing class, relation) triples that allow reading a record. Administrators
manage accounts and read the audit log; they see no case material."""

VICTIM_IDENTITY: Final[frozenset[Role]] = frozenset({Role.REVIEWER, Role.INVESTIGATOR})
"""Roles that see victims' names and details; analysts and partners see ``[victim N]``."""

ADMINISTRATION: Final[frozenset[Role]] = frozenset({Role.ADMINISTRATOR})
"""Roles that manage accounts and read the audit log."""

CASEWORK: Final[frozenset[Role]] = frozenset({Role.REVIEWER, Role.ANALYST, Role.INVESTIGATOR})
"""Roles that may record decisions: judgements, actions, dismissals."""

EXPORT_NEEDS_JUSTIFICATION: Final = True
"""An export is a disclosure: it is refused without a stated reason, which is audited."""


def allows(role: Role, sharing: str, relation: Relation | None) -> bool:
    """Whether ``role`` may read material of ``sharing`` class given its ``relation``."""
    return relation is not None and (role, sharing, relation) in MATERIAL


def sees_victims(role: Role) -> bool:
    return role in VICTIM_IDENTITY


def allowed_sharing(role: Role, relation: Relation) -> frozenset[str]:
    return frozenset(s for s in SHARING_CLASSES if allows(role, s, relation))
