"""What every page needs to draw "Save to my agenda" buttons, through the program's hook.

The program's templates call ``{% item_actions item %}`` (program_tags); this app fills it with
``render_item_actions``, so the dependency runs one way: accounts builds on program.
"""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.pending import wish_title
from accounts.services import saved_keys

SAVE_BUTTON_TEMPLATE = "accounts/_save_button.html"


def render_save_button(context, item) -> str:
    """The save toggle ("Save <title>" / "Remove <title> from agenda"): a button of the page's
    one ``#agenda-save`` form (base.html), so it posts without JavaScript and carries no token
    of its own. The view sends the visitor back to the item (``#poster-12``)."""
    kind = item._meta.model_name
    template = context.template.engine.get_template(SAVE_BUTTON_TEMPLATE)
    values = {
        "item": item,
        "kind": kind,
        "saved": (kind, item.pk) in context.get("saved_agenda_keys", set()),
    }
    return template.render(context.new(values))


def account_next(request) -> str:
    """Where "Log in" and "Sign up" send the visitor back to: this page, or, on the log-in and
    sign-up pages themselves, the page that sent the visitor there (so signing up after an
    anonymous save finishes the save instead of landing on the log-in form)."""
    if request.path in (reverse("login"), reverse("accounts:signup")):
        target = request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return target
        return ""
    return request.get_full_path()


def agenda(request):
    return {
        # Lazy: pages without save buttons run no query for it; pages with any run exactly one.
        "saved_agenda_keys": SimpleLazyObject(lambda: saved_keys(request.user)),
        "render_item_actions": render_save_button,
        # base.html draws the one form the save toggles submit (a callable cannot be tested
        # in a template: the engine would call it).
        "agenda_save_form": True,
        "account_next": SimpleLazyObject(lambda: account_next(request)),
        "pending_save_title": SimpleLazyObject(lambda: wish_title(request)),
    }
