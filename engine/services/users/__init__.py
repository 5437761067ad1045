"""Users, roles, sign-in sessions, API tokens and who may do what.

The use cases ``web/`` and ``notifications/`` may call are the names below, the only
way in (``make lint``: engine.layers_check; loading: engine.services.public_names).
Modules named with a leading underscore hold in-transaction helpers: they work on a
unit of work their caller opened.
"""

from typing import TYPE_CHECKING

from engine.services.public_names import lazy_exports

if TYPE_CHECKING:
    from engine.services.users.accounts import (
        UserView as UserView,
        change_password as change_password,
        create_user as create_user,
        get_user as get_user,
        issue_token as issue_token,
        set_password as set_password,
        user_for_token as user_for_token,
    )
    from engine.services.users.admin import (
        UserEdit as UserEdit,
        colleagues as colleagues,
        list_users as list_users,
        search_audit as search_audit,
        set_locale as set_locale,
        update_user as update_user,
    )
    from engine.services.users.delegations import (
        DelegationView as DelegationView,
        create_delegation as create_delegation,
        delete_delegation as delete_delegation,
        list_delegations as list_delegations,
        set_assignment_notices as set_assignment_notices,
    )
    from engine.services.users.logins import (
        authenticate as authenticate,
        end_sessions as end_sessions,
        session_user as session_user,
        start_session as start_session,
    )
    from engine.services.users.roles import (
        RoleView as RoleView,
        create_role as create_role,
        list_roles as list_roles,
        update_role as update_role,
    )

__all__, __getattr__ = lazy_exports(__name__, __file__)
