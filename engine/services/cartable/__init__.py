"""The cartables: each role's open steps, claiming, deciding, saved filters.

The use cases ``web/`` and ``notifications/`` may call are the names below, the only
way in (``make lint``: engine.layers_check; loading: engine.services.public_names).
Modules named with a leading underscore hold in-transaction helpers: they work on a
unit of work their caller opened.
"""

from typing import TYPE_CHECKING

from engine.services.public_names import lazy_exports

if TYPE_CHECKING:
    from engine.services.cartable.bulk import (
        BulkOutcome as BulkOutcome,
        complete_tasks as complete_tasks,
    )
    from engine.services.cartable.credit import (
        TaskCredit as TaskCredit,
        task_credit as task_credit,
    )
    from engine.services.cartable.saved_filters import (
        FILTER_KEYS as FILTER_KEYS,
        delete_filter as delete_filter,
        list_filters as list_filters,
        save_filter as save_filter,
    )
    from engine.services.cartable.tasks import (
        assign_task as assign_task,
        claim_task as claim_task,
        complete_task as complete_task,
        get_task as get_task,
        list_cartable as list_cartable,
        list_cartables as list_cartables,
        search_cartable as search_cartable,
        unclaim_task as unclaim_task,
    )

__all__, __getattr__ = lazy_exports(__name__, __file__)
