"""Personal data in use: reading a full ID number is allowed to few, and always logged.

Lists, forms and exports show the masked number (``id_number_masked``). The full
number leaves the database only through :func:`reveal_id_number`, which checks
the permission and the user's scope and writes one :class:`AccessLog` row per
reading, in the same transaction.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from casework.models import AccessLog
from casework.scoping import scoped, within_scope
from casework.security import client_address, may_view_personal_data


@transaction.atomic
def reveal_id_number(person, user, purpose, *, ip_address=None):
    """Return ``person``'s full ID number to a holder of the permission, logging who, when and why.

    Raises ``PermissionDenied`` for a user without the permission or outside the
    person's unit, and ``ValidationError`` when no purpose is given.
    """
    if not may_view_personal_data(user):
        raise PermissionDenied(_("您没有查看完整身份证号码的权限。"))
    if not within_scope(user, person.organisation):
        raise PermissionDenied(_("该人员不在您单位的管辖范围内。"))
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": _("查看完整身份证号码须填写查看目的。")})
    AccessLog.objects.create(
        user=user,
        user_name=user.get_username(),
        person_id=person.pk,
        person_name=person.name,
        organisation_id=person.organisation_id,
        purpose=purpose[: AccessLog._meta.get_field("purpose").max_length],
        ip_address=ip_address or None,
    )
    return person.id_number


@transaction.atomic
def log_id_search(persons, user, purpose, *, ip_address=None):
    """One access-log row per person that a search by ID number (the whole or its last six characters)
    found in the user's subtree: the search tells who holds the number, so it is logged like a reading.

    ``persons`` are already scoped by the caller; returns how many rows were written.
    """
    rows = [
        AccessLog(
            user=user,
            user_name=user.get_username(),
            person_id=person.pk,
            person_name=person.name,
            organisation_id=person.organisation_id,
            purpose=str(purpose)[: AccessLog._meta.get_field("purpose").max_length],
            ip_address=ip_address or None,
        )
        for person in persons
    ]
    AccessLog.objects.bulk_create(rows)
    return len(rows)


def access_log_for(user, *, person_id=None):
    """The readings a user may audit: those about persons of their subtree, newest first."""
    rows = scoped(AccessLog.objects.all(), user)
    if person_id is not None:
        rows = rows.filter(person_id=person_id)
    return rows


class RevealedIdNumberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    id_number = serializers.CharField()


reveal_schema = extend_schema(
    parameters=[OpenApiParameter("purpose", str, required=True, description="查看目的（记入查看记录）")],
    responses=RevealedIdNumberSerializer,
)


def reveal_response(view, request):
    """The API side of :func:`reveal_id_number`: the person through the view's scoped queryset."""
    person = view.get_object()
    number = reveal_id_number(
        person, request.user, request.query_params.get("purpose", ""), ip_address=client_address(request)
    )
    response = Response(RevealedIdNumberSerializer({"id": person.pk, "id_number": number}).data)
    # A full ID number must not stay in a browser or proxy cache.
    response["Cache-Control"] = "no-store"
    return response
