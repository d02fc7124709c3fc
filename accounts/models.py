"""Attendee accounts.

A project-owned user model from day one, so that attendee features (preferred time zone, agenda,
calendar feed token) can be added later without the painful switch away from auth.User.
"""

from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
