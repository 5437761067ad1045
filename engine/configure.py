"""Apply the process-wide settings once: the business's time zone and the printed seller.

Called by the app factory (web.create_app), the CLI and a Celery worker's runtime with
the Settings they read (issue 11 §1: every setting in engine.config.Settings; nothing
else reads the environment).
"""

from __future__ import annotations

from engine import clock
from engine.config import Settings
from engine.printing import Seller, configure_seller


def apply(settings: Settings) -> None:
    """Set the zone of engine.clock and the seller of engine.printing from ``settings``."""
    clock.configure(settings.timezone)
    configure_seller(
        Seller(
            name=settings.company_name,
            address=settings.company_address,
            phone=settings.company_phone,
            tax_id=settings.company_tax_id,
        )
    )
