"""API v1: who may do what with a customer or a ticket, and why (the access explainer).

GET /api/v1/customers/{id}/access/ and /api/v1/tickets/{id}/access/ (any kind the
contexts register with crm.insights.explainer). Managers and admins who may view the record;
others get 403 when they may view it, 404 when they may not. ?user=ID explains one
user (refusals included): an active user in the asker's teams (an admin: any active
user) or one who may view the record; any other value (missing, inactive, outside,
not a number) answers one 400 that names nobody. Without it, every active user who may
view the record.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.insights.explainer import (
    NO_SUCH_USER,
    askable_user,
    explain_access,
    explainable_kind_for_collection,
    who_may_view,
)
from crm.platform.api.filtering import as_record_id
from crm.staff import access as staff_access


class VerdictSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    refused_because = serializers.ListField(child=serializers.CharField())


class ExplainedUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()
    is_active = serializers.BooleanField()


class UserAccessSerializer(serializers.Serializer):
    user = ExplainedUserSerializer()
    actions = serializers.DictField(child=VerdictSerializer())


class RecordAccessSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    actions = serializers.ListField(child=serializers.CharField())
    users = UserAccessSerializer(many=True)


class RecordAccessView(APIView):
    @extend_schema(
        operation_id="record_access",
        parameters=[
            OpenApiParameter("collection", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["customers", "tickets"]),
            OpenApiParameter(
                "user",
                OpenApiTypes.INT,
                description="Explain this one user (refusals included): an active user in your teams, "
                "or one who may view the record.",
            ),
        ],
        responses=RecordAccessSerializer,
    )
    def get(self, request, collection, pk):
        kind = explainable_kind_for_collection(collection)
        if kind is None:
            raise NotFound()
        record = kind.visible_record(request.user, pk)  # DoesNotExist answers 404
        if not staff_access.can_explain_access(request.user):
            raise PermissionDenied("Only managers and admins may see who can see a record.")
        if "user" in request.query_params:
            asked = askable_user(
                kind=kind, record=record, asker=request.user, user_id=as_record_id(request.query_params["user"])
            )
            if asked is None:
                raise ValidationError({"user": [NO_SUCH_USER]})
            explained = explain_access(kind=kind, record=record, users=[asked])
        else:
            explained = who_may_view(kind=kind, record=record)
        return Response(
            {
                "kind": kind.name,
                "id": record.pk,
                "actions": [action for action, _label in kind.actions],
                "users": [user_access.as_dict() for user_access in explained],
            }
        )
