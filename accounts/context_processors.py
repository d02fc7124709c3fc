"""What every page needs to draw "Save to my agenda" buttons, through the program's hook.

The program's templates call ``{% item_actions item %}`` (program_tags); this app fills it with
``render_item_actions``, so the dependency runs one way: accounts builds on program.
"""

from django.utils.functional import SimpleLazyObject

from accounts.services import saved_keys

SAVE_BUTTON_TEMPLATE = "accounts/_save_button.html"


def render_save_button(context, item) -> str:
    """The "Save to my agenda" form, a POST that works without JavaScript."""
    request = context["request"]
    kind = item._meta.model_name
    template = context.template.engine.get_template(SAVE_BUTTON_TEMPLATE)
    values = {
        "item": item,
        "kind": kind,
        "saved": (kind, item.pk) in context.get("saved_agenda_keys", set()),
        # Back to the same place: the day page gives every item an id like "poster-12".
        "next": f"{request.get_full_path()}#{kind}-{item.pk}",
        "csrf_token": context.get("csrf_token"),
    }
    return template.render(context.new(values))


def agenda(request):
    return {
        # Lazy: pages without save buttons run no query for it; pages with any run exactly one.
        "saved_agenda_keys": SimpleLazyObject(lambda: saved_keys(request.user)),
        "render_item_actions": render_save_button,
    }
