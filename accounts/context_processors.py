"""What every page needs to draw "Save to my agenda" buttons: the signed-in user's saved keys."""

from django.utils.functional import SimpleLazyObject

from accounts.services import saved_keys


def agenda(request):
    # Lazy: pages without save buttons run no query for it; pages with any run exactly one.
    return {"saved_agenda_keys": SimpleLazyObject(lambda: saved_keys(request.user))}
