import django_filters
from rest_framework import generics

from casework.api.base import ReadOnlyScopedViewSet
from casework.api.serializers import OrganisationSerializer, UserSerializer
from casework.filtersets import ScopedFilterSet
from casework.models import Organisation


class OrganisationFilterSet(ScopedFilterSet):
    parent = django_filters.CharFilter(field_name="parent__code")

    class Meta:
        model = Organisation
        fields = ["code", "level", "parent"]


class OrganisationViewSet(ReadOnlyScopedViewSet):
    """The union units in the user's subtree."""

    queryset = Organisation.objects.select_related("parent")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilterSet
    ordering_fields = ["path", "code", "name"]


class MeView(generics.RetrieveAPIView):
    """The signed-in user, with role and organisation."""

    serializer_class = UserSerializer

    def get_object(self):
        return self.request.user
