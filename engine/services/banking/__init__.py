"""Bank statements (SPEC F2, issue 14 §7): bank accounts and how their CSV reads,
importing CSV or CAMT.053 files, proposals of the invoices each line pays, and
confirming, assigning or ignoring lines; the follow-up pass runs once a statement is
settled.

The use cases ``web/`` and ``notifications/`` may call are the names below
(engine.layers_check; loading: engine.services.public_names).
"""

from typing import TYPE_CHECKING

from engine.services.public_names import lazy_exports

if TYPE_CHECKING:
    from engine.services.banking.accounts import (
        BankAccountView as BankAccountView,
        NewBankAccount as NewBankAccount,
        create_bank_account as create_bank_account,
        get_bank_account as get_bank_account,
        list_bank_accounts as list_bank_accounts,
        update_bank_account as update_bank_account,
    )
    from engine.services.banking.reconciling import (
        LineChoice as LineChoice,
        confirm_exact as confirm_exact,
        ignore_line as ignore_line,
        match_line as match_line,
        reopen_line as reopen_line,
    )
    from engine.services.banking.statements import (
        FILE_FORMATS as FILE_FORMATS,
        LineView as LineView,
        StatementSummary as StatementSummary,
        StatementView as StatementView,
        get_line as get_line,
        get_statement as get_statement,
        import_statement as import_statement,
        list_statements as list_statements,
    )

__all__, __getattr__ = lazy_exports(__name__, __file__)
