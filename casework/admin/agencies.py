"""The directory of agencies (offices, no person): open to programme managers too."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from casework.models import Agency
from communities.admin_site import ReadableHistoryMixin


@admin.register(Agency)
class AgencyAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    """The directory of offices people are referred to (their contacts are the offices')."""

    list_display = ["name", "kind", "country", "region", "community", "phone", "active"]
    list_filter = ["kind", "country", "active", "region"]
    search_fields = ["name", "address", "community__name", "region__name"]
    autocomplete_fields = ["region", "community"]
    list_select_related = ["region", "community"]
