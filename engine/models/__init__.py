"""SQLAlchemy models, one module per aggregate; importing this registers them all."""

from engine.models.audit import AuditEntry
from engine.models.bank import BankAccount, BankStatement, BankStatementLine
from engine.models.base import Base
from engine.models.calendar import Holiday, WorkDay
from engine.models.contacts import Contact, CustomerGroup
from engine.models.documents import (
    Document,
    DocumentAddition,
    DocumentEvent,
    DocumentLine,
    DocumentType,
)
from engine.models.followers import DocumentFollower
from engine.models.followups import (
    CustomerFollowup,
    FollowupEvent,
    FollowupLevel,
    InvoiceFollowup,
)
from engine.models.ledger import LedgerEntry, NumberSequence, Payment, PaymentAllocation
from engine.models.outbox import OutboxMessage, OutboxMessageDocument
from engine.models.payment_terms import DocumentInstallment, PaymentTerm
from engine.models.products import Product, StockMove, Warehouse
from engine.models.saved_filters import SavedFilter
from engine.models.users import ApiToken, LoginFailure, Role, User
from engine.models.workflow import (
    HumanTask,
    MigratedInstance,
    Process,
    ProcessInstance,
    ProcessMigration,
    ProcessVersion,
)

__all__ = [
    "ApiToken",
    "AuditEntry",
    "BankAccount",
    "BankStatement",
    "BankStatementLine",
    "Base",
    "Contact",
    "CustomerFollowup",
    "CustomerGroup",
    "Document",
    "DocumentAddition",
    "DocumentEvent",
    "DocumentFollower",
    "DocumentInstallment",
    "DocumentLine",
    "DocumentType",
    "FollowupEvent",
    "FollowupLevel",
    "Holiday",
    "HumanTask",
    "InvoiceFollowup",
    "LedgerEntry",
    "LoginFailure",
    "MigratedInstance",
    "NumberSequence",
    "OutboxMessage",
    "OutboxMessageDocument",
    "Payment",
    "PaymentAllocation",
    "PaymentTerm",
    "Process",
    "ProcessInstance",
    "ProcessMigration",
    "ProcessVersion",
    "Product",
    "Role",
    "SavedFilter",
    "StockMove",
    "User",
    "Warehouse",
    "WorkDay",
]
