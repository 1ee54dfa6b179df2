"""What each role may do, written once.

Views, the field app, the API's permissions and the services ask a :class:`~access.viewer.Viewer`
``viewer.can(Capability.X)``; *which* rows a viewer sees is the selectors' business
(``communities.selectors.visible_communities`` and the selectors built on it).
"""

from enum import StrEnum

from access.roles import Role


class Capability(StrEnum):
    SEES_EVERY_COMMUNITY = "sees_every_community"
    """Every community and what belongs to it, with no scope filter."""
    SEES_OWN_COMMUNITY = "sees_own_community"
    """The community of their own negotiator record, and what belongs to it."""
    SEES_COVERED_COMMUNITIES = "sees_covered_communities"
    """The communities their partner organisation covers, without personal data."""
    LOGS_RECORDS = "logs_records"
    """Logs events and incidents and works cases (a negotiator in their own community)."""
    LOGS_IN_ANY_COMMUNITY = "logs_in_any_community"
    """Chooses the community of each record they log."""
    CORRECTS_ANY_RECORD = "corrects_any_record"
    """Corrects any event, incident or action from the field app, at any time (others only what they
    sent, within ``FIELD_EDIT_DAYS``)."""
    REQUESTS_REPORTS = "requests_reports"
    """Requests, rebuilds and deletes monitoring reports of any scope."""
    READS_REPORTS = "reads_reports"
    """Downloads monitoring reports (a partner only its own organisation's)."""
    READS_PERSONAL_DATA = "reads_personal_data"
    """Sees the parties of cases and the negotiators' contacts (names, phones, e-mails, notes)."""
    READS_INTERNAL_DATA = "reads_internal_data"
    """Sees internal fields (descriptions, internal notes, who did what); partners never do."""
    ERASES_PERSONAL_DATA = "erases_personal_data"
    """Anonymises people, redacts free text and exports one person's data (subject access)."""
    USES_FIELD_APP = "uses_field_app"
    """Opens the field app's pages (``/field/``)."""
    WORKS_FROM_FIELD_APP = "works_from_field_app"
    """Lands in the field app rather than on the portal's home page."""
    USES_ADMIN = "uses_admin"
    """Signs in to the staff admin (``/admin/``)."""
    HOLDS_PERSONAL_API_KEY = "holds_personal_api_key"
    """Gets an API key of their own (partners get their organisation's)."""
    REQUIRES_SECOND_FACTOR = "requires_second_factor"
    """Must sign in with a second factor (a TOTP code or a recovery code); others may choose to."""
    WORKS_CASES = "works_cases"
    """Works the individual cases assigned to them or that they supervise (staff who read personal
    data: every case)."""
    BROWSES_PRIVACY_LOG = "browses_privacy_log"
    """Reads the log of who viewed personal data and the login failures (in the admin)."""


CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.STAFF: frozenset(
        {
            Capability.SEES_EVERY_COMMUNITY,
            Capability.LOGS_RECORDS,
            Capability.LOGS_IN_ANY_COMMUNITY,
            Capability.CORRECTS_ANY_RECORD,
            Capability.WORKS_CASES,
            Capability.REQUESTS_REPORTS,
            Capability.READS_REPORTS,
            Capability.READS_PERSONAL_DATA,
            Capability.READS_INTERNAL_DATA,
            Capability.ERASES_PERSONAL_DATA,
            Capability.USES_FIELD_APP,
            Capability.USES_ADMIN,
            Capability.HOLDS_PERSONAL_API_KEY,
            Capability.REQUIRES_SECOND_FACTOR,
        }
    ),
    Role.PROGRAMME_MANAGER: frozenset(
        {
            Capability.SEES_EVERY_COMMUNITY,
            Capability.REQUESTS_REPORTS,
            Capability.READS_REPORTS,
            # Not READS_PERSONAL_DATA: a manager follows the programme, not the people in its cases.
            Capability.READS_INTERNAL_DATA,
            Capability.USES_FIELD_APP,
            Capability.USES_ADMIN,
            Capability.REQUIRES_SECOND_FACTOR,
        }
    ),
    Role.DATA_PROTECTION: frozenset(
        {Capability.USES_ADMIN, Capability.BROWSES_PRIVACY_LOG, Capability.REQUIRES_SECOND_FACTOR}
    ),
    Role.NEGOTIATOR: frozenset(
        {
            Capability.SEES_OWN_COMMUNITY,
            Capability.LOGS_RECORDS,
            Capability.READS_PERSONAL_DATA,
            Capability.READS_INTERNAL_DATA,
            Capability.USES_FIELD_APP,
            Capability.WORKS_FROM_FIELD_APP,
            Capability.WORKS_CASES,
        }
    ),
    # A volunteer or case worker sees no community's records: only the cases assigned to them.
    Role.CASE_WORKER: frozenset({Capability.WORKS_CASES, Capability.USES_FIELD_APP, Capability.WORKS_FROM_FIELD_APP}),
    Role.PARTNER: frozenset({Capability.SEES_COVERED_COMMUNITIES, Capability.READS_REPORTS}),
}


def role_can(role: Role | None, capability: Capability) -> bool:
    return role is not None and capability in CAPABILITIES[role]
