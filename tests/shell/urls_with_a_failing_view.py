"""The portal's URLs plus one view that fails, to see the 500 page a person would get."""

from django.urls import path

from score_portal.urls import urlpatterns as portal_urlpatterns


def failing_view(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("fails/", failing_view), *portal_urlpatterns]
