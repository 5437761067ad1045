"""Payment terms: instalments and the early-payment discount (issue 14 §3, §4).

The use cases ``web/`` may call are the names below (engine.services.public_names).
``_schedule`` holds the in-transaction helpers documents and payments use.
"""

from typing import TYPE_CHECKING

from engine.services.public_names import lazy_exports

if TYPE_CHECKING:
    from engine.services.terms.records import (
        TermView as TermView,
        create_term as create_term,
        delete_term as delete_term,
        get_term as get_term,
        list_terms as list_terms,
        update_term as update_term,
    )

__all__, __getattr__ = lazy_exports(__name__, __file__)
