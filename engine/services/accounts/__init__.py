"""Customer and supplier accounts: payments, allocation of credit, balances and statements.

The use cases ``web/`` and ``notifications/`` may call are the names below, the only
way in (``make lint``: engine.layers_check; loading: engine.services.public_names).
Modules named with a leading underscore hold in-transaction helpers: they work on a
unit of work their caller opened.
"""

from typing import TYPE_CHECKING

from engine.services.public_names import lazy_exports

if TYPE_CHECKING:
    from engine.services.accounts.account import (
        contact_account as contact_account,
        contact_rows as contact_rows,
        pay_amount_due as pay_amount_due,
    )
    from engine.services.accounts.allocations import (
        ContactCredit as ContactCredit,
        NewAllocation as NewAllocation,
        allocate_credit as allocate_credit,
        contact_credit as contact_credit,
        undo_allocation as undo_allocation,
    )
    from engine.services.accounts.payments import (
        DIRECTIONS as DIRECTIONS,
        METHODS as METHODS,
        Allocation as Allocation,
        NewPayment as NewPayment,
        get_payment as get_payment,
        list_payments as list_payments,
        record_payment as record_payment,
        set_cheque_state as set_cheque_state,
    )
    from engine.services.accounts.statements import (
        customer_statements as customer_statements,
        followup_report as followup_report,
    )

__all__, __getattr__ = lazy_exports(__name__, __file__)
