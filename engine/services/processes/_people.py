"""Who a step's diagram names: its assignee and a multi-instance step's members (issue 12 §4-5).

The expressions are the diagram's (engine.workflow.people); this module binds their
people functions to the users and contacts of the unit of work and applies the rules a
name must pass: an active user, and not the document's creator on a four-eyes step. An
assignee that cannot be found (no owner, no manager, an expression failing on the data)
leaves the task to its lane's pool, with a warning in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from engine.domain.errors import InvalidState
from engine.domain.steps import Step, StepRegistry
from engine.services.processes._effects import RunContext
from engine.services.processes._registry import lane_directory
from engine.services.unit_of_work import AbstractUnitOfWork
from engine.workflow import OperatorCall
from engine.workflow.expressions import ExpressionFailed, ExpressionRejected, evaluate_expression
from engine.workflow.people import MEMBERS_KEY

logger = logging.getLogger(__name__)


def people_functions(uow: AbstractUnitOfWork) -> dict[str, Callable[..., Any]]:
    """Return the functions assignee and members expressions call, bound to ``uow``."""

    def role(code: object) -> list[int]:
        return uow.users.member_ids(str(code))

    def user(username: object) -> int | None:
        found = uow.users.by_username(str(username))
        return found.id if found is not None and found.is_active else None

    def manager(user_id: object) -> int | None:
        found = uow.users.find(user_id) if _is_id(user_id) else None  # type: ignore[arg-type]
        return found.manager_id if found is not None else None

    def owner(contact_id: object) -> int | None:
        found = uow.contacts.find(contact_id) if _is_id(contact_id) else None  # type: ignore[arg-type]
        return found.owner_id if found is not None else None

    return {"role": role, "user": user, "manager": manager, "owner": owner}


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _active(uow: AbstractUnitOfWork, user_id: object) -> bool:
    if not _is_id(user_id):
        return False
    found = uow.users.find(user_id)  # type: ignore[arg-type]
    return found is not None and found.is_active


def assignee_of(
    uow: AbstractUnitOfWork,
    step: Step | None,
    data: Mapping[str, object],
    barred_id: int | None,
) -> int | None:
    """Return the user the step's ``assignee`` names over ``data``, or None (the lane's pool).

    ``barred_id`` is the creator a four-eyes step may not go to.
    """
    if step is None or step.assignee is None:
        return None
    try:
        found = evaluate_expression(step.assignee, data, people_functions(uow))
    except (ExpressionFailed, ExpressionRejected) as error:
        logger.warning("assignee of %s failed: %s", step.element_id, error)
        return None
    if not _active(uow, found) or found == barred_id:
        logger.warning("assignee of %s is no active user or four-eyes: %r", step.element_id, found)
        return None
    return found  # type: ignore[no-any-return]


def members_of(
    uow: AbstractUnitOfWork, registry: StepRegistry, call: OperatorCall, lane: str
) -> list[int]:
    """Return the user ids a multi-instance step's ``members`` names, each once, in order.

    Inactive users and anything not a user id are left out, and so is the document's
    creator when the step is four-eyes. Raises InvalidState when nobody is left: a step
    nobody can decide would pass with no decision at all.
    """
    step = registry.step(call.element_id)
    if step is None or step.members is None:
        raise InvalidState(f"step {call.element_id!r} declares no members")
    try:
        found = evaluate_expression(step.members, call.data, people_functions(uow))
    except (ExpressionFailed, ExpressionRejected) as error:
        raise InvalidState(
            f"members of step {call.element_id!r}: {error}",
            details={"element_id": call.element_id, "error": str(error)},
        ) from error
    values = found if isinstance(found, list | tuple) else [found]
    barred = call.data.get("author_id") if registry.four_eyes(call.element_id, lane) else None
    members = [v for v in dict.fromkeys(values) if v != barred and _active(uow, v)]
    if not members:
        raise InvalidState(
            f"step {call.element_id!r} has no member who may decide it",
            details={"element_id": call.element_id},
        )
    return members


def step_members(run: RunContext, call: OperatorCall) -> dict[str, object]:
    """The operator a multi-instance step asks for its members when it opens."""
    lane = str(call.params.get("lane") or "")
    return {MEMBERS_KEY: members_of(run.uow, lane_directory(run.uow), call, lane)}
