"""Overdue follow-ups: the daily pass, levels, customers needing action, followers.

The use cases ``web/`` and ``notifications/`` may call are the names below, the only
way in (``make lint``: engine.layers_check; loading: engine.services.public_names).
Modules named with a leading underscore hold in-transaction helpers: they work on a
unit of work their caller opened.
"""

from typing import TYPE_CHECKING

from engine.services.public_names import lazy_exports

if TYPE_CHECKING:
    from engine.services.followups.customers import (
        customer_history as customer_history,
        get_customer_followup as get_customer_followup,
        list_needing_action as list_needing_action,
        update_customer_followup as update_customer_followup,
    )
    from engine.services.followups.followers import (
        BODY_LIMIT as BODY_LIMIT,
        SUBJECT_LIMIT as SUBJECT_LIMIT,
        FollowersPanel as FollowersPanel,
        follow_document as follow_document,
        followers_panel as followers_panel,
        list_followers as list_followers,
        post_to_thread as post_to_thread,
        unfollow_document as unfollow_document,
    )
    from engine.services.followups.levels import (
        LevelInput as LevelInput,
        create_level as create_level,
        delete_level as delete_level,
        list_levels as list_levels,
        update_level as update_level,
    )
    from engine.services.followups.passes import (
        process_customers as process_customers,
        process_followups as process_followups,
        restart_unfollowed as restart_unfollowed,
    )
    from engine.services.followups.reminders import (
        SEND_CHANNELS as SEND_CHANNELS,
        ManualSend as ManualSend,
        manual_send as manual_send,
    )

__all__, __getattr__ = lazy_exports(__name__, __file__)
