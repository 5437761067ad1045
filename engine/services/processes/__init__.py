"""Processes: deployment, instances, timers and incidents.

The use cases ``web/`` and ``notifications/`` may call are the names below, the only
way in (``make lint``: engine.layers_check; loading: engine.services.public_names).
Modules named with a leading underscore hold in-transaction helpers: they work on a
unit of work their caller opened.
"""

from typing import TYPE_CHECKING

from engine.services.public_names import lazy_exports

if TYPE_CHECKING:
    from engine.services.processes.calendar import (
        add_holiday as add_holiday,
        get_calendar as get_calendar,
        remove_holiday as remove_holiday,
        set_week as set_week,
    )
    from engine.services.processes.cockpit import (
        CancelPreview as CancelPreview,
        InstanceFilter as InstanceFilter,
        cancel_process_instance as cancel_process_instance,
        preview_cancel as preview_cancel,
        search_instances as search_instances,
    )
    from engine.services.processes.deployment import (
        deploy_process as deploy_process,
    )
    from engine.services.processes.designer import (
        VersionActivity as VersionActivity,
        diff_versions as diff_versions,
        version_activity as version_activity,
        version_bpmn as version_bpmn,
    )
    from engine.services.processes.incidents import (
        INCIDENT as INCIDENT,
        RETRY_PERMISSION as RETRY_PERMISSION,
        STATUSES as STATUSES,
        list_instances as list_instances,
        retry_instance as retry_instance,
    )
    from engine.services.processes.migrations import (
        MigrationPlan as MigrationPlan,
        dry_run_migration as dry_run_migration,
        list_migrations as list_migrations,
        revert_migration as revert_migration,
        run_migration as run_migration,
    )
    from engine.services.processes.modeling import (
        Catalog as Catalog,
        Draft as Draft,
        Validation as Validation,
        designer_catalog as designer_catalog,
        get_draft as get_draft,
        save_draft as save_draft,
        validate_diagram as validate_diagram,
    )
    from engine.services.processes.timers import (
        run_due_timers as run_due_timers,
    )
    from engine.services.processes.views import (
        instance_diagram as instance_diagram,
        list_processes as list_processes,
        list_versions as list_versions,
    )

__all__, __getattr__ = lazy_exports(__name__, __file__)
