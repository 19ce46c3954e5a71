"""API v1: customers, their shares, and contacts. Thin: the services decide."""

from collections.abc import Mapping

from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Team, User
from crm.customers import access, selectors, services
from crm.customers.filters import ContactFilter, CustomerFilter
from crm.customers.models import Contact, Customer, CustomerShare, ShareLevel
from crm.platform.api.permissions import PolicyObjectPermission
from crm.platform.api.serializers import StrictSerializer


class OwnerField(serializers.PrimaryKeyRelatedField):
    """An owner may be any user this user may assign; others are answered as no such user.

    The customer's current owner also passes, so that a PUT sending the record back as it
    was read is accepted from whoever may change it (not only from those who may reassign it).
    """

    def get_queryset(self):
        assignable = access.owners_assignable_by(self.context["request"].user)
        instance = getattr(self.parent, "instance", None)
        if instance is None or getattr(instance, "owner_id", None) is None:
            return assignable
        return User.objects.filter(Q(pk__in=assignable.values("pk")) | Q(pk=instance.owner_id))


class CustomerSerializer(StrictSerializer):
    owner = OwnerField(required=False)

    class Meta:
        model = Customer
        fields = ["id", "name", "email", "phone", "industry", "owner", "created_at", "updated_at", "version"]
        read_only_fields = ["id", "created_at", "updated_at", "version"]

    def settable_fields(self):
        user = self.context["request"].user
        may_pick_owner = (
            access.can_reassign_customer(user, self.instance)
            if self.instance is not None
            else access.can_name_customer_owner(user)
        )
        return {"name", "email", "phone", "industry"} | ({"owner"} if may_pick_owner else set())

    def current_value(self, name):
        if name == "owner" and self.instance is None:
            return self.context["request"].user.pk
        return super().current_value(name)

    def to_internal_value(self, data):
        if isinstance(data, Mapping) and WARNINGS in data:
            # `warnings` is only ever answered; a client that sends back what it read is not refused for it.
            data = {name: value for name, value in data.items() if name != WARNINGS}
        return super().to_internal_value(data)


WARNINGS = "warnings"


class CustomerViewSet(viewsets.ModelViewSet):
    serializer_class = CustomerSerializer
    permission_classes = [PolicyObjectPermission]
    filterset_class = CustomerFilter
    ordering_fields = ["name", "created_at", "updated_at", "id"]

    def get_queryset(self):
        return selectors.customer_list(user=self.request.user)

    def check_create_permission(self, user):
        return access.can_create_customer(user)

    def perform_create(self, serializer):
        serializer.validated_data.pop("expected_version", None)  # a new record has no version to be based on
        serializer.instance = services.customer_create(acting_user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.customer_update(
            acting_user=self.request.user, customer=serializer.instance, **serializer.validated_data
        )

    def create(self, request, *args, **kwargs):
        return self._with_warnings(super().create(request, *args, **kwargs))

    def update(self, request, *args, **kwargs):
        return self._with_warnings(super().update(request, *args, **kwargs))

    def _with_warnings(self, response):
        """A created or changed customer's answer also carries `warnings` (e.g. its e-mail is another's)."""
        if response.status_code < 300 and isinstance(response.data, dict) and "id" in response.data:
            response.data[WARNINGS] = selectors.customer_email_warnings(
                user=self.request.user, email=response.data.get("email", ""), excluding=response.data["id"]
            )
        return response

    def perform_destroy(self, instance):
        services.customer_delete(acting_user=self.request.user, customer=instance)


class ShareUserField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return User.objects.filter(is_active=True)


class ShareTeamField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return Team.objects.all()


class CustomerShareSerializer(StrictSerializer):
    user = ShareUserField(required=False, allow_null=True)
    team = ShareTeamField(required=False, allow_null=True)
    level = serializers.ChoiceField(choices=ShareLevel.choices)

    class Meta:
        model = CustomerShare
        fields = ["id", "user", "team", "level", "created_at", "shared_by"]
        read_only_fields = ["id", "created_at", "shared_by"]

    def validate(self, attrs):
        if (attrs.get("user") is None) == (attrs.get("team") is None):
            raise serializers.ValidationError({"non_field_errors": ["Share with either a user or a team."]})
        return attrs


UNSHARE_PARAMETERS = [
    OpenApiParameter("reassign_to", int, description="The customer's owner: takes the records the users own on it"),
    OpenApiParameter("keep", bool, description="true: remove the share; the users keep the records they own"),
]


class CustomerShareViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Who a customer is shared with. Listed and changed by those who may share it."""

    serializer_class = CustomerShareSerializer
    filter_backends = []

    def customer(self) -> Customer:
        if not hasattr(self, "_customer"):
            self._customer = get_object_or_404(
                selectors.customer_list(user=self.request.user), pk=self.kwargs["customer_pk"]
            )
            if not access.can_share_customer(self.request.user, self._customer):
                raise PermissionDenied("Only the owner, the owner's manager or an admin may see and change its shares.")
        return self._customer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no customer
            return CustomerShare.objects.none()
        return selectors.customer_shares(customer=self.customer())

    @extend_schema(responses={201: CustomerShareSerializer, 200: CustomerShareSerializer})
    def create(self, request, *args, **kwargs):
        customer = self.customer()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.validated_data.pop("expected_version", None)
        share, created = services.customer_share(
            acting_user=request.user, customer=customer, **serializer.validated_data
        )
        return Response(
            self.get_serializer(share).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(parameters=[*UNSHARE_PARAMETERS])
    def destroy(self, request, *args, **kwargs):
        """Removes the share. When the users it lets in would lose the customer while owning opportunities
        or orders on it, answers 409 with them (`owned`) and removes nothing, unless `?reassign_to=<the
        customer's owner>` (they move to the owner) or `?keep=true` (the users keep them)."""
        share = self.get_object()
        services.customer_unshare(acting_user=request.user, share=share, **removal_choice(request, self.customer()))
        return Response(status=status.HTTP_204_NO_CONTENT)


def removal_choice(request, customer: Customer) -> dict:
    """`reassign_to` and `keep_records` for the removal of a share or grant, read from the query string."""
    raw_reassign_to = request.query_params.get("reassign_to")
    keep = request.query_params.get("keep", "").lower() in {"1", "true", "yes"}
    if raw_reassign_to in (None, ""):
        return {"reassign_to": None, "keep_records": keep}
    owner = customer.owner if raw_reassign_to == str(customer.owner_id) else None
    if owner is None:
        raise serializers.ValidationError({"reassign_to": ["Their records go to the customer's owner."]})
    return {"reassign_to": owner, "keep_records": keep}


class CustomerGrantSerializer(serializers.Serializer):
    id = serializers.CharField()
    holder_type = serializers.CharField()
    user = serializers.IntegerField(source="user_id", allow_null=True)
    team = serializers.IntegerField(source="team_id", allow_null=True)
    permission = serializers.CharField()
    level = serializers.CharField(allow_null=True)
    share = serializers.IntegerField(source="share_id", allow_null=True)
    admin_only = serializers.BooleanField()
    granted_at = serializers.DateTimeField()
    granted_by = serializers.IntegerField(source="granted_by_id", allow_null=True)
    revocable = serializers.BooleanField()


def customer_for_grants(request, customer_pk) -> Customer:
    """The customer whose grants are asked for: 404 unless the user may view it, 403 unless they may share it."""
    customer = get_object_or_404(selectors.customer_list(user=request.user), pk=customer_pk)
    if not access.can_share_customer(request.user, customer):
        raise PermissionDenied("Only the owner, the owner's manager or an admin may see and change its grants.")
    return customer


class CustomerGrantListView(APIView):
    """Every grant on a customer (shares and admins' grants), for those who may share it (others: 403/404)."""

    @extend_schema(
        responses={
            200: inline_serializer(
                "CustomerGrantList",
                {"results": CustomerGrantSerializer(many=True), "next": serializers.CharField(allow_null=True)},
            )
        }
    )
    def get(self, request, customer_pk):
        customer = customer_for_grants(request, customer_pk)
        grants = selectors.customer_grants(user=request.user, customer=customer)
        return Response({"results": CustomerGrantSerializer(grants, many=True).data, "next": None})


class CustomerGrantView(APIView):
    """Revokes one grant (`user-<id>` or `team-<id>`), as removing a share does: 409 when the users who lose
    the customer own records on it, unless `?reassign_to=<the owner>` or `?keep=true`."""

    @extend_schema(parameters=[*UNSHARE_PARAMETERS], responses={204: None})
    def delete(self, request, customer_pk, grant_id):
        customer = customer_for_grants(request, customer_pk)
        grant = selectors.customer_grant_get(customer=customer, grant_id=grant_id)
        if grant is None:
            raise NotFound()
        services.customer_revoke_grant(acting_user=request.user, grant=grant, **removal_choice(request, customer))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ContactCustomerField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return access.customers_visible_to(self.context["request"].user)


class ContactSerializer(StrictSerializer):
    customer = ContactCustomerField()

    class Meta:
        model = Contact
        fields = ["id", "customer", "first_name", "last_name", "email", "phone", "version"]
        read_only_fields = ["id", "version"]


class ContactViewSet(viewsets.ModelViewSet):
    serializer_class = ContactSerializer
    permission_classes = [PolicyObjectPermission]
    filterset_class = ContactFilter
    ordering_fields = ["last_name", "first_name", "id"]

    def get_queryset(self):
        return selectors.contact_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.validated_data.pop("expected_version", None)
        serializer.instance = services.contact_create(acting_user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.contact_update(
            acting_user=self.request.user, contact=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.contact_delete(acting_user=self.request.user, contact=instance)
