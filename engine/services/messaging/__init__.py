"""The outbox: queued messages, their files, delivery statuses and replies.

The use cases ``web/`` and ``notifications/`` may call are the names below, the only
way in (``make lint``: engine.layers_check; loading: engine.services.public_names).
Modules named with a leading underscore hold in-transaction helpers: they work on a
unit of work their caller opened.
"""

from typing import TYPE_CHECKING

from engine.services.public_names import lazy_exports

if TYPE_CHECKING:
    from engine.services.messaging.files import (
        FORMATS as FORMATS,
        build_files as build_files,
        invoice_pages as invoice_pages,
    )
    from engine.services.messaging.outbox import (
        PENDING_MARK as PENDING_MARK,
        MessageView as MessageView,
        list_messages as list_messages,
    )
    from engine.services.messaging.replies import (
        InboundReply as InboundReply,
        record_reply as record_reply,
    )
    from engine.services.messaging.status import (
        record_delivery_status as record_delivery_status,
        record_outcome as record_outcome,
        sent_recorder as sent_recorder,
    )

__all__, __getattr__ = lazy_exports(__name__, __file__)
