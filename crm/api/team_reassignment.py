"""API v1: POST /api/v1/teams/{id}/reassign/ {"from_user", "to_user", "kinds"} moves one member's work.

Answers {"moved": {"customers": 3, ...}}. A team the user may not view is 404; a team
they may view but not manage is 403, before the body is read; bad input is 400 and
nothing moves.
"""

from collections.abc import Mapping

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import teams_visible_to
from accounts.models import User
from crm import access, reassignment

from .serializers import ControlCharactersRefused

NOT_A_MEMBER = "Not a member of this team."


class TeamReassignSerializer(ControlCharactersRefused, serializers.Serializer):
    from_user = serializers.IntegerField(min_value=1)
    to_user = serializers.IntegerField(min_value=1)
    kinds = serializers.ListField(child=serializers.CharField(max_length=50), required=False)

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
            "TeamReassignResult", {"moved": serializers.DictField(child=serializers.IntegerField())}
        ),
    )
    def post(self, request, pk):
        team = get_object_or_404(teams_visible_to(request.user), pk=pk)
        if not access.can_reassign_team_work(request.user, team):
            raise PermissionDenied("Only the team's manager or an admin may move its members' work.")
        serializer = TeamReassignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        moved = reassignment.team_reassign(
            acting_user=request.user,
            team=team,
            from_user=_user(serializer.validated_data["from_user"], "from_user"),
            to_user=_user(serializer.validated_data["to_user"], "to_user"),
            kinds=serializer.validated_data.get("kinds"),
        )
        return Response({"moved": moved})


def _user(user_id: int, field: str) -> User:
    # An id that names no user is answered like one outside the team: nothing tells them apart.
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise serializers.ValidationError({field: [NOT_A_MEMBER]})
    return user
