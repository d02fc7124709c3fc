"""Work after a program change, done by the task worker (``manage.py db_worker``), not by a
request: similar papers, and (``schedule_files``) the files apps poll."""

from django.tasks import task

from program import changes
from program.interchange import files as schedule_files
from program.models import Conference
from program.search import similar


@task
def refresh_similar_papers(conference_id: int) -> int:
    """Recompute one conference's similar papers; how many lists changed (0 if it is gone).
    Pages show the lists: when any changed, so did the program (its papers did not)."""
    conference = Conference.objects.filter(pk=conference_id).first()
    changed = similar.refresh(conference) if conference else 0
    if changed:
        changes.program_changed([conference_id], [], papers=False)
    return changed


def after_program_change(sender, conference_ids, papers_changed, **kwargs) -> None:
    for conference_id in papers_changed:
        refresh_similar_papers.enqueue(conference_id)


def connect() -> None:
    changes.committed.connect(after_program_change, dispatch_uid="program-tasks")
    changes.committed.connect(schedule_files.render_after_change, dispatch_uid="program-files")
