"""Contacts and products, and their spreadsheet import and export.

The use cases ``web/`` and ``notifications/`` may call are the names below, the only
way in (``make lint``: engine.layers_check; loading: engine.services.public_names).
Modules named with a leading underscore hold in-transaction helpers: they work on a
unit of work their caller opened.
"""

from typing import TYPE_CHECKING

from engine.services.public_names import lazy_exports

if TYPE_CHECKING:
    from engine.services.contacts.editing import update_contact as update_contact
    from engine.services.contacts.files import (
        FORMATS as FORMATS,
        export_contacts as export_contacts,
        import_contacts as import_contacts,
    )
    from engine.services.contacts.groups import (
        GroupView as GroupView,
        create_group as create_group,
        list_groups as list_groups,
        rename_group as rename_group,
    )
    from engine.services.contacts.records import (
        KINDS as KINDS,
        LANGUAGES as LANGUAGES,
        NewContact as NewContact,
        NewProduct as NewProduct,
        create_contact as create_contact,
        create_product as create_product,
        get_contact as get_contact,
        get_product as get_product,
        list_contacts as list_contacts,
        list_products as list_products,
    )

__all__, __getattr__ = lazy_exports(__name__, __file__)
