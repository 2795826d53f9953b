"""The bundle list of public notices (公示), which clear persons for their first aid grant.

A notice is imported as a published ``Notice`` row with its ``NoticeEntry`` and
``Objection`` rows (the notice workflow itself is in ``notices.services``). A
notice in the bundle carries its whole list: entries and objections not in it
are removed, with history.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from beneficiaries.models import not_in_future
from casework import guards
from casework.bundle.fields import MISSING, Boolean, Date, Money, Ref, Refusal, Text
from casework.bundle.spec import ListSpec, chunks, register
from casework.history import bulk_create_historised, bulk_update_historised
from casework.services import model_delete
from notices.choices import NoticeKind, NoticeStatus
from notices.models import Notice, NoticeEntry, Objection


class NoticeKindField(Text):
    """``student_aid`` (金秋助学, the default when left out) or ``hardship``."""

    empty = NoticeKind.STUDENT_AID

    def convert(self, raw):
        value = super().convert(raw)
        if value not in NoticeKind.values:
            raise Refusal(_("应为以下之一：%(values)s") % {"values": ", ".join(NoticeKind.values)})
        return value


@register
class NoticeSpec(ListSpec):
    name = "notices"
    model = Notice
    order = 50
    date_field = "starts_on"
    fields = {
        "org": Ref("organisations", "organisation"),
        "posted_at": Text(),
        "starts_on": Date(),
        "ends_on": Date(),
        "kind": NoticeKindField(required=False),
    }

    def new(self, key, values):
        return Notice(ref=key, status=NoticeStatus.PUBLISHED)

    def preload(self, ctx, items):
        numbers = []
        for item in items:
            for sub in ("entries", "objections"):
                value = item.get(sub)
                if isinstance(value, list):
                    numbers += [e.get("id_number") for e in value if isinstance(e, dict) and e.get("id_number")]
        ctx.preload("persons", numbers)

    def parse_extra(self, ctx, item, path):
        from casework.bundle.importer import REFUSED

        ok = True
        entries, objections, listed = [], [], {}

        def person(sub, raw):
            nonlocal ok
            try:
                value = Text().parse(raw)
            except Refusal as refusal:
                ctx.refuse(f"{sub}.id_number", refusal.message)
                ok = False
                return None
            found = ctx.resolve("persons", value)
            if found is REFUSED:
                ok = False
                return None
            if found is None:
                ctx.refuse(f"{sub}.id_number", _("引用的记录不存在：%(v)s") % {"v": value})
                ok = False
            return found

        raw_entries = item.get("entries", MISSING)
        if not isinstance(raw_entries, list):
            ctx.refuse(f"{path}.entries", _("应为列表。"))
            return REFUSED
        for j, entry in enumerate(raw_entries):
            sub = f"{path}.entries[{j}]"
            if not isinstance(entry, dict):
                ctx.refuse(sub, _("每条记录应为一个 JSON 对象。"))
                ok = False
                continue
            found = person(sub, entry.get("id_number", MISSING))
            try:
                amount = Money().parse(entry.get("amount", MISSING))
                if amount <= 0:
                    raise Refusal(_("金额必须大于0。"))
            except Refusal as refusal:
                ctx.refuse(f"{sub}.amount", refusal.message)
                ok = False
                continue
            if found is None:
                continue
            if found.pk in listed:
                ctx.refuse(f"{sub}.id_number", _("与 entries[%(j)s] 重复。") % {"j": listed[found.pk]})
                ok = False
                continue
            listed[found.pk] = j
            entries.append((found, amount, sub))

        raw_objections = item.get("objections", [])
        if not isinstance(raw_objections, list):
            ctx.refuse(f"{path}.objections", _("应为列表。"))
            return REFUSED
        seen = set()
        for j, objection in enumerate(raw_objections or []):
            sub = f"{path}.objections[{j}]"
            if not isinstance(objection, dict):
                ctx.refuse(sub, _("每条记录应为一个 JSON 对象。"))
                ok = False
                continue
            found = person(sub, objection.get("id_number", MISSING))
            try:
                raised_on = Date().parse(objection.get("raised_on", MISSING))
                not_in_future(raised_on)
            except Refusal as refusal:
                ctx.refuse(f"{sub}.raised_on", refusal.message)
                ok = False
                continue
            except ValidationError as error:
                ctx.refuse(f"{sub}.raised_on", " ".join(error.messages))
                ok = False
                continue
            try:
                upheld = Boolean().parse(objection.get("upheld", MISSING))
            except Refusal as refusal:
                ctx.refuse(f"{sub}.upheld", refusal.message)
                ok = False
                continue
            if found is None:
                continue
            # Whether the person is on the list is the guard rule's (notices.guards), checked in after_write.
            if (found.pk, raised_on) in seen:
                ctx.refuse(sub, _("同一人员同一日期的异议重复。"))
                ok = False
                continue
            seen.add((found.pk, raised_on))
            objections.append((found, raised_on, upheld, sub))
        return {"entries": entries, "objections": objections} if ok else REFUSED

    def after_write(self, ctx, rows):
        """Bring each notice's entries and objections to what the bundle says (created, changed, removed)."""
        notices = {notice.pk: (notice, extra) for notice, extra, _path in rows}
        if not notices:
            return
        stored_entries, stored_objections = {}, {}
        for part in chunks(notices):
            for entry in NoticeEntry.objects.filter(notice_id__in=part):
                stored_entries[entry.notice_id, entry.person_id] = entry
            for objection in Objection.objects.filter(notice_id__in=part):
                stored_objections[objection.notice_id, objection.person_id, objection.raised_on] = objection

        new_entries, changed_entries, new_objections, changed_objections, kept_objections = [], [], [], [], []
        wanted_entries, wanted_objections = set(), set()
        for notice, extra in notices.values():
            upheld = {person.pk for person, _day, up, _sub in extra["objections"] if up}
            for person, amount, sub in extra["entries"]:
                wanted_entries.add((notice.pk, person.pk))
                struck_off = person.pk in upheld
                entry = stored_entries.get((notice.pk, person.pk))
                if entry is None:
                    new_entries.append(
                        (NoticeEntry(notice=notice, person=person, amount=amount, struck_off=struck_off), sub)
                    )
                elif entry.amount != amount or entry.struck_off != struck_off:
                    entry.amount, entry.struck_off = amount, struck_off
                    changed_entries.append((entry, sub))
            for person, raised_on, up, sub in extra["objections"]:
                wanted_objections.add((notice.pk, person.pk, raised_on))
                objection = stored_objections.get((notice.pk, person.pk, raised_on))
                if objection is None:
                    new_objections.append(
                        (Objection(notice=notice, person=person, raised_on=raised_on, upheld=up), sub)
                    )
                elif objection.upheld != up:
                    objection.upheld = up
                    changed_objections.append((objection, sub))
                else:
                    kept_objections.append((objection, sub))

        # The guard rules on entries, then on objections, each over the whole batch. The entries are
        # written first: an objection is judged against the notice's list as it will stand, the same
        # rule and the same query as for an objection recorded on the page.
        user, reason = ctx.history_user, ctx.reason
        if not _checked(ctx, NoticeEntry, new_entries + changed_entries):
            return  # the import is refused; nothing below would be kept
        for part in chunks([e for e, _s in new_entries]):
            bulk_create_historised(NoticeEntry, part, user=user, reason=reason)
        for part in chunks([e for e, _s in changed_entries]):
            bulk_update_historised(NoticeEntry, part, ["amount", "struck_off"], user=user, reason=reason)
        # Removals are rare (a corrected list): one at a time, each leaving its history row.
        for key, entry in stored_entries.items():
            if key not in wanted_entries:
                model_delete(entry, acting_user=user, reason=reason)
        # Kept objections too: the list they name may have just lost their person.
        if not _checked(ctx, Objection, new_objections + changed_objections + kept_objections):
            return
        for part in chunks([o for o, _s in new_objections]):
            bulk_create_historised(Objection, part, user=user, reason=reason)
        for part in chunks([o for o, _s in changed_objections]):
            bulk_update_historised(Objection, part, ["upheld"], user=user, reason=reason)
        for key, objection in stored_objections.items():
            if key not in wanted_objections:
                model_delete(objection, acting_user=user, reason=reason)

    def export_queryset(self, organisation, since):
        return super().export_queryset(organisation, since).prefetch_related("entries__person", "objections__person")

    def export_record(self, notice, exporter):
        record = super().export_record(notice, exporter)
        record["entries"] = [
            {"id_number": exporter.key("persons", e.person), "amount": f"{e.amount:.2f}"} for e in notice.entries.all()
        ]
        record["objections"] = [
            {
                "id_number": exporter.key("persons", o.person),
                "raised_on": o.raised_on.isoformat(),
                "upheld": bool(o.upheld),
            }
            for o in notice.objections.all()
        ]
        return record


def _checked(ctx, model, batch):
    """Run the guard rules of ``model`` over ``batch`` (``[(instance, path)]``); whether the import may go on."""
    problems = guards.check(model, [obj for obj, _sub in batch])
    for position, fields in sorted(problems.items()):
        for field, messages in fields.items():
            for message in messages:
                ctx.refuse(_bundle_path(batch[position][1], field), message)
    return not ctx.result.errors


def _bundle_path(sub, field):
    """The bundle path of a rule's field: the person is ``id_number``; the notice itself is the record."""
    if field == "notice":
        return sub
    return f"{sub}.{BUNDLE_FIELDS.get(field, field)}"


BUNDLE_FIELDS = {"person": "id_number"}
