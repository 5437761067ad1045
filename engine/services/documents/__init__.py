"""Documents: the commands that change them, the views that read them, printing, types.

The use cases ``web/`` and ``notifications/`` may call are the names below, the only
way in (``make lint``: engine.layers_check; loading: engine.services.public_names).
Modules named with a leading underscore hold in-transaction helpers: they work on a
unit of work their caller opened.
"""

from typing import TYPE_CHECKING

from engine.services.public_names import lazy_exports

if TYPE_CHECKING:
    from engine.services.documents.actions import (
        allowed_actions as allowed_actions,
        preview_totals as preview_totals,
    )
    from engine.services.documents.commands import (
        NewDocument as NewDocument,
        advance_document as advance_document,
        cancel_document as cancel_document,
        create_document as create_document,
        delete_document as delete_document,
        submit_document as submit_document,
    )
    from engine.services.documents.content import (
        AdditionCommand as AdditionCommand,
        Content as Content,
        ContentPatch as ContentPatch,
        LineCommand as LineCommand,
    )
    from engine.services.documents.editing import (
        DocumentEdit as DocumentEdit,
        update_document as update_document,
    )
    from engine.services.documents.printing import (
        document_pdf as document_pdf,
        document_print_html as document_print_html,
    )
    from engine.services.documents.types import (
        CREDIT_BREACHES as CREDIT_BREACHES,
        EDITABLE as EDITABLE,
        PREVIEWS as PREVIEWS,
        SORTS as SORTS,
        get_type as get_type,
        list_types as list_types,
        update_type as update_type,
    )
    from engine.services.documents.views import (
        STATES as STATES,
        DocumentView as DocumentView,
        document_history as document_history,
        get_document as get_document,
        list_documents as list_documents,
        view_instance as view_instance,
    )

__all__, __getattr__ = lazy_exports(__name__, __file__)
