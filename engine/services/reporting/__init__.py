"""Reports and their files (XLSX, PDF) and emails.

The use cases ``web/`` and ``notifications/`` may call are the names below, the only
way in (``make lint``: engine.layers_check; loading: engine.services.public_names).
Modules named with a leading underscore hold in-transaction helpers: they work on a
unit of work their caller opened.
"""

from typing import TYPE_CHECKING

from engine.services.public_names import lazy_exports

if TYPE_CHECKING:
    from engine.services.reporting.files import (
        XLSX_MIME as XLSX_MIME,
        followup_pdf as followup_pdf,
        followup_xlsx as followup_xlsx,
        report_xlsx as report_xlsx,
        statements_pdf as statements_pdf,
        statements_xlsx as statements_xlsx,
    )
    from engine.services.reporting.mail import (
        email_followup_report as email_followup_report,
        email_statements as email_statements,
    )
    from engine.services.reporting.reports import (
        AGEING_BUCKETS as AGEING_BUCKETS,
        MAX_ROWS as MAX_ROWS,
        REPORTS as REPORTS,
        Period as Period,
        ageing as ageing,
        collection_percentage as collection_percentage,
        received_from_customers as received_from_customers,
        unpaid_invoices as unpaid_invoices,
    )

__all__, __getattr__ = lazy_exports(__name__, __file__)
