"""What one workflow run's service tasks see (RunContext) and leave behind (effects).

A service task never starts or advances another process instance while its own run is
stepping (issue 11 §3). It records an effect instead; the service that applied the
command runs the effects (engine.services.processes._operators.apply_effects) after the engine
step and after saving the first run, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.services.unit_of_work import AbstractUnitOfWork
from engine.workflow import NO_OPERATORS, Operator

if TYPE_CHECKING:
    from collections.abc import Mapping

    from engine.services.followups._operators import FollowupContext


@dataclass(frozen=True)
class FollowInvoice:
    """Put a just-posted invoice under its customer's follow-up (F1, P2).

    Applied: starts the customer's follow-up instance, or moves its waiting timer
    earlier when the invoice needs an earlier level.
    """

    document_id: int


@dataclass(frozen=True)
class StartFollowUp:
    """Start the customer's next follow-up instance (continue-as-new, F1)."""

    contact_id: int


Effect = FollowInvoice | StartFollowUp


@dataclass
class RunContext:
    """One command's run context: its unit of work, actor and the effects recorded."""

    uow: AbstractUnitOfWork
    actor_id: int | None
    followup: FollowupContext | None = None
    effects: list[Effect] = field(default_factory=list)
    # The registry bound to this context (set by engine.services.processes._operators.operator_run).
    operators: Mapping[str, Operator] = field(default_factory=lambda: NO_OPERATORS)
