"""Django's admin texts that the portal translates itself.

Django's catalogues glue a model's name into a sentence ("Змінити %s" gives "Змінити громада",
"За %(filter_title)s" gives "За категорія").
Listed here, these msgids are extracted into the portal's catalogue (``locale/``), which
``LOCALE_PATHS`` puts before Django's: its translations, written so that any
model's name fits (a colon or a quoted name rather than a declined noun), are the ones shown.

Here, beside ``communities.admin_site``, because ``communities`` sets the admin site's look for
every app. Nothing imports this module: ``gettext_noop`` only marks the texts for extraction.
"""

from django.utils.translation import gettext_noop

ADMIN_TEXTS = (
    # django.contrib.admin
    gettext_noop("Change %s"),
    gettext_noop("Add %s"),
    gettext_noop("View %s"),
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Add %(name)s"),
    gettext_noop(" By %(filter_title)s "),
)
