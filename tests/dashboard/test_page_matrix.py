"""The portal's own pages in the permission matrix: who gets the dashboard, the map and a
community's profile (in the partner's community and in another), by the roles of the API's matrix
(``tests.communities.api_support.ROLES``). 302 is the way to the login page or, for the field
workers, to the field app; 404 a community outside the viewer's scope, as an unknown address."""

import pytest

from tests.communities.api_support import ROLES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]

PAGES = ("/", "/map/", "/communities/{community}/", "/communities/{other}/")

# Statuses per role, in the order of ROLES, for each page of PAGES.
MATRIX = {
    # The DPO and a login without a role get the list of where to go; the field workers their app.
    "/": (302, 200, 302, 200, 302, 200, 200, 302, 200, 302, 302, 302),
    "/map/": (302, 404, 302, 200, 404, 200, 200, 302, 404, 404, 404, 404),
    # A negotiator sees their own community's profile only; a partner the communities it covers.
    "/communities/{community}/": (302, 403, 302, 200, 200, 200, 200, 302, 403, 403, 403, 404),
    "/communities/{other}/": (302, 403, 302, 404, 404, 200, 200, 302, 403, 403, 403, 200),
}


@pytest.mark.parametrize("page", PAGES)
def test_page_matrix(page, api_as, programme_records, community, other_community):
    url = page.format(community=community.pk, other=other_community.pk)
    actual = {role: api_as(role).get(url).status_code for role in ROLES}
    assert actual == dict(zip(ROLES, MATRIX[page], strict=True))
