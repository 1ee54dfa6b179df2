"""The portal's URLs with the registrant's pages of the materials e-mail (``events.feedback_urls``),
for the tests of the staff side until ``config.urls`` mounts them under ``/e/``."""

from django.urls import include, path

from config.urls import urlpatterns as portal_urlpatterns

urlpatterns = [*portal_urlpatterns, path("e/", include("events.feedback_urls"))]
