"""The partner REST API, version 1 (``/api/v1/``): the machinery every collection shares.

Each app keeps its own collections in ``<app>/api.py`` (serializers and viewsets) and
``<app>/filters.py``; ``config/api_urls.py`` lists them. This package holds what they have in
common, so a new collection is a selector, a serializer, a filter set and one line in the URL table:

- ``authentication``: ``Authorization: Bearer <key>`` with an :class:`~communities.models.ApiKey`,
  then the browser session (with CSRF on unsafe methods);
- ``principal``: who is calling, resolved once per request (role, the viewer handed to selectors,
  the audience that decides which fields a serializer may show);
- ``permissions``: anonymous 401, no role 403, reads for every role, writes only for the roles a
  view names; ``throttling``: per key and per user, in the cache;
- ``viewsets``: :class:`ScopedViewSet` (queryset from a selector, so out of scope is 404) and the
  ``Idempotency-Key`` handling of POSTs; ``serializers``: :class:`AudienceSerializer` (partners get
  only the fields a serializer lists in ``Meta.partner_fields``);
- ``filtering``, ``pagination``, ``renderers`` (``?format=csv``), ``negotiation`` (unknown
  ``?format=`` is a 406), ``errors`` (one JSON error shape for every status), ``middleware`` (JSON
  instead of HTML under ``/api/``, and the request log), ``schema`` (OpenAPI extensions),
  ``views`` (the 404 catch-all), ``resources`` (this app's own collections).

Adding a collection: a selector in the owning app, an ``AudienceSerializer`` with
``Meta.partner_fields``, an ``ApiFilterSet``, a ``ReadOnlyCollection`` (plus ``write_roles`` and
a ``create``/``@action`` that hands ``respond_once`` a ``write(data)`` calling a service with the
input serializer's validated data, if it takes writes), one line in ``config/api_urls.py``, and its rows in
``tests/communities/test_api_permissions.py``.
"""
