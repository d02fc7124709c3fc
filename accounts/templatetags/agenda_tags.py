"""The "Save to my agenda" button, a POST form that works without JavaScript."""

from django import template

register = template.Library()


@register.inclusion_tag("accounts/_save_button.html", takes_context=True)
def agenda_button(context, item):
    request = context["request"]
    kind = item._meta.model_name
    saved = (kind, item.pk) in context.get("saved_agenda_keys", set())
    return {
        "item": item,
        "kind": kind,
        "saved": saved,
        # Back to the same place: the day page gives every item an id like "poster-12".
        "next": f"{request.get_full_path()}#{kind}-{item.pk}",
        "csrf_token": context.get("csrf_token"),
    }
