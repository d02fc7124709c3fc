"""django-tasks-db's ``db_worker``, which first makes ready again the tasks a stopped worker
left running (program/worker.py), and names itself by machine and process so that the next
worker can tell."""

from django_tasks_db.management.commands import db_worker

from program import worker


class Command(db_worker.Command):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=worker.new_worker_id())

    def handle(self, *args, backend_name, verbosity, **options):
        again, given_up = worker.recover_stopped_tasks(backend_name)
        if verbosity and (again or given_up):
            self.stdout.write(
                f"{again} task(s) left running by a stopped worker are ready again;"
                f" {given_up} that stopped {worker.MAX_ATTEMPTS} workers are marked failed."
            )
        super().handle(*args, backend_name=backend_name, verbosity=verbosity, **options)
