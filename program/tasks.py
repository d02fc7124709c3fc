"""Work done after a change, by the task runner (``manage.py db_worker``), not by a request."""

from django.tasks import task

from program import similar
from program.models import Conference


@task
def refresh_similar_papers(conference_id: int) -> int:
    """Recompute one conference's similar papers; how many lists changed (0 if it is gone)."""
    conference = Conference.objects.filter(pk=conference_id).first()
    return similar.refresh(conference) if conference else 0
