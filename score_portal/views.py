from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core import roles
from enterprises.results.views import partner_home_context
from newsletters.selectors import editor_home

from .dashboard import officer_dashboard, trainer_home_context
from .figures import home_figures


@login_required
def home(request):
    """Each role has its own home page; a user with no role is told so, and sees nothing else."""
    user = request.user
    context = {}
    if roles.is_officer(user):
        template = "home/officer.html"
        context = officer_dashboard(user)
        context["home_figures"] = home_figures(user)
    elif roles.is_partner(user):
        template = "home/partner.html"
        context = partner_home_context(user)
    elif roles.is_trainer(user):
        template = "home/trainer.html"
        context = trainer_home_context(user)
    elif roles.is_editor(user):
        template = "home/editor.html"
        context["newsletter"] = editor_home(user)
    else:
        template = "home/no_role.html"
    return render(request, template, context)


def csrf_failure(request, reason=""):
    """A form refused for a missing or stale CSRF token (CSRF_FAILURE_VIEW): the portal's 403 page saying what to
    do, not Django's bare one. The technical reason is not shown."""
    return render(request, "403_csrf.html", status=403)


class PortalLoginView(auth_views.LoginView):
    """Django's login page; in debug mode it lists the demo accounts that exist, so a newcomer can try each role."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEBUG:
            from .demo import demo_accounts

            context["demo_accounts"] = demo_accounts()
        return context
