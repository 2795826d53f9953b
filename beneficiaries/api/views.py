from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from beneficiaries import services
from beneficiaries.api import serializers
from beneficiaries.filtersets import (
    AnnualReviewFilterSet,
    GraduateFilterSet,
    HouseholdFilterSet,
    PersonFilterSet,
    SchoolingFilterSet,
)
from beneficiaries.models import AnnualReview, Graduate, Household, Person, Schooling
from casework import access_log
from casework.api.base import ScopedModelViewSet, change_reason
from casework.services import record_create, record_delete, record_update


class PersonViewSet(ScopedModelViewSet):
    queryset = Person.objects.select_related("organisation", "household")
    serializer_class = serializers.PersonSerializer
    filterset_class = PersonFilterSet
    ordering_fields = ["id", "name"]

    def create_record(self, *, acting_user, reason, data):
        return services.person_register(acting_user=acting_user, reason=reason, **data)

    def update_record(self, person, *, acting_user, reason, data):
        return services.person_update(person, acting_user=acting_user, reason=reason, data=data)

    def delete_record(self, person, *, acting_user, reason):
        services.person_delete(person, acting_user=acting_user, reason=reason)

    @extend_schema(request=serializers.PersonSearchSerializer, responses=serializers.PersonSerializer(many=True))
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def search(self, request):
        """The persons of the user's subtree with this resident ID number (none or one).

        The number goes in the body: the API's list filters take none in the query string
        (``casework.api.filters``). Filter records by ``?person=<id>`` then.
        """
        query = serializers.PersonSearchSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        digest = Person.digest(query.validated_data["id_number"].strip().upper())
        found = self.get_queryset().filter(id_number_digest=digest)
        return Response(self.get_serializer(found, many=True).data)

    @access_log.reveal_schema
    @action(detail=True, methods=["get"])
    def reveal(self, request, pk=None):
        """The full ID number, for holders of the personal-data permission; every reading is logged."""
        return access_log.reveal_response(self, request)


class HouseholdViewSet(ScopedModelViewSet):
    queryset = Household.objects.select_related("organisation").prefetch_related(
        Prefetch("members", queryset=Person.objects.order_by("id"))
    )
    serializer_class = serializers.HouseholdSerializer
    filterset_class = HouseholdFilterSet
    ordering_fields = ["file_no", "applied_on", "filed_on"]

    def create_record(self, *, acting_user, reason, data):
        return services.household_apply(acting_user=acting_user, reason=reason, **data)

    def update_record(self, household, *, acting_user, reason, data):
        return services.household_update(household, acting_user=acting_user, reason=reason, data=data)

    def delete_record(self, household, *, acting_user, reason):
        record_delete(household, acting_user=acting_user, reason=reason)

    def _step(self, request, service, default_reason, params_class=serializers.HouseholdStepSerializer):
        """One workflow step through its service, which checks the role and the rules."""
        params = params_class(data=request.data)
        params.is_valid(raise_exception=True)
        household = service(
            self.get_object(),
            acting_user=request.user,
            reason=change_reason(request, default_reason),
            **params.validated_data,
        )
        return Response(self.get_serializer(household).data)

    @extend_schema(request=serializers.HouseholdStepSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Review (审核) an application: reviewers only, not on a file they applied for."""
        return self._step(request, services.household_review, "review")

    @extend_schema(request=serializers.HouseholdReturnSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_for_correction(self, request, pk=None):
        """Return (退回) an application to the caseworker for correction, with ``return_reason``."""
        return self._step(
            request, services.household_return, "return for correction", serializers.HouseholdReturnSerializer
        )

    @extend_schema(request=serializers.HouseholdNoticeSerializer)
    @action(detail=True, methods=["post"])
    def notice(self, request, pk=None):
        """Record the published notice (公示, by its ``ref``) that lists the household's members."""
        return self._step(request, services.household_notice, "public notice", serializers.HouseholdNoticeSerializer)

    @extend_schema(request=serializers.HouseholdStepSerializer)
    @action(detail=True, methods=["post"], url_path="file")
    def file(self, request, pk=None):
        """Put the household on file (建档), after its notice ended with no upheld objection."""
        return self._step(request, services.household_file, "filed")

    @extend_schema(request=serializers.HouseholdCloseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the file (脱困退出): ``closing_code``, ``closing_reason`` and ``confirm: true``."""
        return self._step(request, services.household_close, "closed", serializers.HouseholdCloseSerializer)

    @extend_schema(request=serializers.HouseholdReopenSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Undo a closing (撤销退出), saying why in ``reason``."""
        params = serializers.HouseholdReopenSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        household = services.household_reopen(
            self.get_object(), acting_user=request.user, reason=params.validated_data.get("reason", "")
        )
        return Response(self.get_serializer(household).data)


class AnnualReviewViewSet(ScopedModelViewSet):
    queryset = AnnualReview.objects.select_related("household")
    serializer_class = serializers.AnnualReviewSerializer
    filterset_class = AnnualReviewFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def create_record(self, *, acting_user, reason, data):
        return services.annual_review_record(
            data["household"],
            outcome=data["outcome"],
            note=data.get("note", ""),
            closing_code=data.get("closing_code", ""),
            confirm=data.get("confirm", False),
            income_found=data.get("income_found"),
            level_found=data.get("level_found", ""),
            day=data.get("reviewed_on"),
            acting_user=acting_user,
            reason=reason,
        )


class SchoolingViewSet(ScopedModelViewSet):
    queryset = Schooling.objects.select_related("person")
    serializer_class = serializers.SchoolingSerializer
    filterset_class = SchoolingFilterSet
    ordering_fields = ["entered_on", "ref"]

    def create_record(self, *, acting_user, reason, data):
        return record_create(Schooling, acting_user=acting_user, reason=reason, data=data)

    def update_record(self, schooling, *, acting_user, reason, data):
        return record_update(schooling, acting_user=acting_user, reason=reason, data=data)

    def delete_record(self, schooling, *, acting_user, reason):
        record_delete(schooling, acting_user=acting_user, reason=reason)


class GraduateViewSet(ScopedModelViewSet):
    queryset = Graduate.objects.select_related("person", "organisation")
    serializer_class = serializers.GraduateSerializer
    filterset_class = GraduateFilterSet
    ordering_fields = ["graduation_year", "registered_on"]

    def create_record(self, *, acting_user, reason, data):
        return services.graduate_register(acting_user=acting_user, reason=reason, **data)

    def update_record(self, graduate, *, acting_user, reason, data):
        return record_update(graduate, acting_user=acting_user, reason=reason, data=data)

    def delete_record(self, graduate, *, acting_user, reason):
        record_delete(graduate, acting_user=acting_user, reason=reason)
