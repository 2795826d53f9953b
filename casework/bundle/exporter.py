"""Exporting a unit's subtree as a case bundle that imports into an empty database."""

from casework.bundle import spec as registry
from casework.bundle.importer import FORMAT
from casework.routers import reporting


class Exporter:
    """Writes references by key (a person by ID number, a unit by code), each key computed once."""

    def __init__(self, organisation):
        self.organisation = organisation
        self._keys = {}

    def key(self, target, instance):
        cache_key = (target, instance.pk)
        if cache_key not in self._keys:
            self._keys[cache_key] = registry.get(target).key_of(instance)
        return self._keys[cache_key]


@reporting
def export_bundle(organisation, *, since=None):
    """The bundle (a dict) of ``organisation``'s subtree: its units (the root with no parent) and every record.

    With ``since`` (a date), the dated records (grants, trainings, …) are those
    dated on or after it; units, household files, persons, schooling, graduate
    registrations and institutions are always whole, so the records they carry
    find what they refer to.
    """
    exporter = Exporter(organisation)
    bundle = {"format": FORMAT}
    for spec in registry.lists():
        bundle[spec.name] = [spec.export_record(o, exporter) for o in spec.export_queryset(organisation, since)]
    return bundle
