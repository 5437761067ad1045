"""First-start data: roles, the six default document types, a warehouse, the BPMN."""

from __future__ import annotations

import logging
from decimal import Decimal

from engine.domain.effects import DEFAULT_TAX_PERCENT, DEFAULT_TYPES, Kind, TypeDefaults
from engine.domain.permissions import DEFAULT_ROLE_NAMES, DEFAULT_ROLES
from engine.models.documents import DocumentType
from engine.models.users import Role
from engine.services.followups.levels import ensure_default_levels
from engine.services.processes.deployment import deploy_shipped_processes
from engine.services.unit_of_work import UnitOfWork

logger = logging.getLogger(__name__)


def ensure_defaults(uow: UnitOfWork) -> None:
    """Create what a new installation needs, leaving anything that exists untouched."""
    with uow:
        for code, perms in DEFAULT_ROLES.items():
            if uow.users.role_by_code(code) is None:
                granted = sorted(p.value for p in perms)
                role = Role(code=code, name=DEFAULT_ROLE_NAMES[code], permissions=granted)
                uow.users.add_role(role)
        for position, defaults in enumerate(DEFAULT_TYPES):
            if uow.types.find_code(defaults.kind.value) is None:
                uow.types.stage(_default_type(position, defaults))
        uow.products.default_warehouse()
        ensure_default_levels(uow)  # F1: shipped follow-up levels in fa, ar, en
        uow.commit()
    deploy_shipped_processes(uow, actor_id=None)


def _default_type(position: int, d: TypeDefaults) -> DocumentType:
    return DocumentType(
        code=d.kind.value,
        kind=d.kind.value,
        name=d.name,
        position=position,
        contact_effect=d.contact_effect.value,
        stock_effect=d.stock_effect.value,
        source_kind=d.source_kind.value if d.source_kind else None,
        numbering_pattern=d.numbering_pattern,
        process_id=d.process_id,
        requires_approval=d.requires_approval,
        requires_numbering=d.requires_numbering,
        default_contact_kind=d.contact_kind,
        tax_percent=DEFAULT_TAX_PERCENT,
        levy_percent=Decimal(0),
        # T3.16: a customer gets a customer number when its first invoice is approved.
        assign_customer_number=d.kind is Kind.SALES_INVOICE,
    )
