"""First start, demo data, and whether the process can serve (health, figures).

The use cases ``web/`` and ``notifications/`` may call are the names below, the only
way in (``make lint``: engine.layers_check; loading: engine.services.public_names).
Modules named with a leading underscore hold in-transaction helpers: they work on a
unit of work their caller opened.
"""

from typing import TYPE_CHECKING

from engine.services.public_names import lazy_exports

if TYPE_CHECKING:
    from engine.services.setup.bootstrap import (
        ensure_defaults as ensure_defaults,
    )
    from engine.services.setup.demo import (
        DEMO_USERS as DEMO_USERS,
        load_demo as load_demo,
    )
    from engine.services.setup.health import (
        Figures as Figures,
        Readiness as Readiness,
        operational_figures as operational_figures,
        readiness as readiness,
    )

__all__, __getattr__ = lazy_exports(__name__, __file__)
