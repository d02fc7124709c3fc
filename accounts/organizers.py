"""Organizer accounts: staff users in the "Organizers" group, with the program's permissions."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

GROUP_NAME = "Organizers"


def organizers_group() -> Group:
    try:
        return Group.objects.get(name=GROUP_NAME)
    except Group.DoesNotExist as error:
        raise ValidationError(
            f'The "{GROUP_NAME}" group is missing; run "manage.py migrate" to create it.'
        ) from error


def generate_password() -> str:
    return secrets.token_urlsafe(18)


@transaction.atomic
def create_organizer(*, username: str, password: str, email: str = ""):
    """Create a staff account in the Organizers group; refuse a taken name or a weak password."""
    User = get_user_model()
    username = username.strip()
    if not username:
        raise ValidationError("Give the organizer a username.")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(f'An account named "{username}" already exists.')
    user = User(username=username, email=email, is_staff=True)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(organizers_group())
    return user


def has_organizer() -> bool:
    return get_user_model().objects.filter(groups__name=GROUP_NAME).exists()
