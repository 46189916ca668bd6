"""Responses Django makes without a page, given the portal's shell."""

from __future__ import annotations

from django.template.loader import render_to_string


class MethodNotAllowedPageMiddleware:
    """A 405 (``require_POST``, a class-based view's ``http_method_not_allowed``) comes with an empty body: a
    visitor who opened such an address by link saw a blank page. It gets the portal's page instead (the
    ``Allow`` header kept)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not getattr(response, "streaming", False) and not response.content:
            response.content = render_to_string("405.html", request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
