"""API v1: POST /api/v1/teams/{id}/reassign/ {"from_user", "to_user", "kinds", "include_closed", "preview"}
moves one member's work.

Answers {"moved": {"customers": 3, ...}}. Won and lost deals move only with
"include_closed": true. With "preview": true nothing moves; the answer says how much
would: {"preview": {"would_move": {"customers": 3, "opportunities": 2}, "would_stay":
{"closed_opportunities": 4}}}. A team the user may not view is 404; a team
they may view but not manage is 403, before the body is read; bad input is 400 and
nothing moves.
"""

from collections.abc import Mapping

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import teams_visible_to
from crm.platform.api.filtering import as_record_id
from crm.platform.api.serializers import ControlCharactersRefused
from crm.staff import access, reassignment


@extend_schema_field(OpenApiTypes.INT)
class MemberIdField(serializers.Field):
    """A user id as given: an id a database can hold, or None for any other value (a string that is
    no number, zero, negative, too large, a float, a boolean). The view answers None like an id
    that names no member, so that no value tells a missing user from one outside the team."""

    def to_internal_value(self, data) -> int | None:
        if isinstance(data, bool) or not isinstance(data, int | str):
            return None
        return as_record_id(str(data))

    def to_representation(self, value):
        return value


class TeamReassignSerializer(ControlCharactersRefused, serializers.Serializer):
    from_user = MemberIdField(allow_null=True, help_text="The id of a member of the team.")
    to_user = MemberIdField(allow_null=True, help_text="The id of a member of the team.")
    kinds = serializers.ListField(child=serializers.CharField(max_length=50), required=False)
    include_closed = serializers.BooleanField(default=False, help_text="Also move won and lost deals.")
    preview = serializers.BooleanField(default=False, help_text="Move nothing; answer how much would move.")

    def to_internal_value(self, data):
        unknown = [name for name in data if name not in self.fields] if isinstance(data, Mapping) else []
        errors = {name: ["Unknown field."] for name in unknown}
        try:
            validated = super().to_internal_value(data)
        except serializers.ValidationError as error:
            errors = {**error.detail, **errors}
        if errors:
            raise serializers.ValidationError(errors)
        return validated


class TeamReassignView(APIView):
    @extend_schema(
        operation_id="team_reassign",
        request=TeamReassignSerializer,
        responses=inline_serializer(
            "TeamReassignResult",
            {
                "moved": serializers.DictField(child=serializers.IntegerField(), required=False),
                "preview": inline_serializer(
                    "TeamReassignPreview",
                    {
                        "would_move": serializers.DictField(child=serializers.IntegerField()),
                        "would_stay": serializers.DictField(child=serializers.IntegerField()),
                    },
                    required=False,
                ),
            },
        ),
    )
    def post(self, request, pk):
        team = get_object_or_404(teams_visible_to(request.user), pk=pk)
        if not access.can_reassign_team_work(request.user, team):
            raise PermissionDenied("Only the team's manager or an admin may move its members' work.")
        serializer = TeamReassignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        given = serializer.validated_data
        arguments = {
            "acting_user": request.user,
            "team": team,
            # the service reads the team's membership once and answers NOT_A_MEMBER for any other value
            "from_user": given["from_user"],
            "to_user": given["to_user"],
            "kinds": given.get("kinds"),
            "include_closed": given["include_closed"],
        }
        if given["preview"]:
            pending = reassignment.team_reassign_preview(**arguments)
            return Response(
                {
                    "preview": {
                        "would_move": {part.part: part.count for part, moves in pending if moves},
                        "would_stay": {part.part: part.count for part, moves in pending if not moves},
                    }
                }
            )
        return Response({"moved": reassignment.team_reassign(**arguments)})
