"""Background work of roster imports (django-tasks; run ``manage.py db_worker``)."""

from django_tasks import task

from rosters import services
from rosters.models import RosterImport


@task()
def check_roster(roster_import_id):
    """The dry run of one uploaded roster."""
    services.roster_check(RosterImport.objects.get(pk=roster_import_id))


@task()
def import_roster(roster_import_id):
    """The confirmed import of one checked roster."""
    services.roster_import_run(RosterImport.objects.get(pk=roster_import_id))


def start_check(roster_import):
    return check_roster.enqueue(roster_import.pk)


def start_import(roster_import):
    return import_roster.enqueue(roster_import.pk)
