"""API v1: the signed-in user, users and teams (admins write), and token sign-in."""

from axes.handlers.proxy import AxesProxyHandler
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings

from accounts import access, services, sessions
from accounts.lockout import LockedOut
from accounts.models import Role, Team, User
from crm.platform.api.filtering import FilterSet, IdFilter
from crm.platform.api.permissions import PolicyObjectPermission
from crm.platform.api.serializers import StrictSerializer
from crm.platform.api.throttling import ScopedRateThrottle


class MeSerializer(serializers.ModelSerializer):
    teams = serializers.SerializerMethodField()
    # Empty when the user chose none (the installation's format): a string, not only the enum's values.
    date_locale = serializers.CharField(
        read_only=True, help_text="en-GB, en-US, de-DE, fr-FR or iso; empty: the installation's format."
    )

    class Meta:
        model = User
        fields = ["id", "username", "email", "first_name", "last_name", "role", "teams", "time_zone", "date_locale"]
        read_only_fields = fields

    def get_teams(self, user) -> list[int]:
        scope = access.staff_scope(user)
        return sorted(scope.team_ids | scope.managed_team_ids)


class MeView(generics.RetrieveAPIView):
    serializer_class = MeSerializer

    def get_object(self):
        return self.request.user


class UserSerializer(StrictSerializer):
    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"})
    role = serializers.ChoiceField(choices=Role.choices, required=False)

    class Meta:
        model = User
        fields = ["id", "username", "email", "first_name", "last_name", "role", "is_active", "password"]
        read_only_fields = ["id"]

    def settable_fields(self):
        return None if access.can_manage_users(self.context["request"].user) else set()

    def current_value(self, name):
        if name == "password":
            return None
        return super().current_value(name)


class UserViewSet(viewsets.ModelViewSet):
    """Users: admins see and manage all; a manager sees the members of their teams; others see themselves."""

    serializer_class = UserSerializer
    permission_classes = [PolicyObjectPermission]
    filterset_fields = ["role", "is_active", "username"]
    ordering_fields = ["username", "id"]

    def get_queryset(self):
        return access.users_visible_to(self.request.user)

    def check_create_permission(self, user):
        return access.can_manage_users(user)

    def perform_create(self, serializer):
        serializer.validated_data.pop("expected_version", None)
        serializer.instance = services.user_create(acting_user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.validated_data.pop("expected_version", None)
        serializer.instance = services.user_update(
            acting_user=self.request.user, user=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.user_deactivate(acting_user=self.request.user, user=instance)


class TeamManagerField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return access.users_visible_to(self.context["request"].user)


class TeamSerializer(StrictSerializer):
    manager = TeamManagerField()
    members = TeamManagerField(many=True, required=False)

    class Meta:
        model = Team
        fields = ["id", "name", "kind", "manager", "members"]
        read_only_fields = ["id"]

    def settable_fields(self):
        return None if access.can_manage_users(self.context["request"].user) else set()


class TeamFilter(FilterSet):
    manager = IdFilter(field_name="manager_id")  # no existence check: a filter tells nobody which users exist

    class Meta:
        model = Team
        fields = ["kind", "manager"]


class TeamViewSet(viewsets.ModelViewSet):
    serializer_class = TeamSerializer
    permission_classes = [PolicyObjectPermission]
    filterset_class = TeamFilter
    ordering_fields = ["name", "id"]

    def get_queryset(self):
        return access.teams_visible_to(self.request.user).prefetch_related("members")

    def check_create_permission(self, user):
        return access.can_manage_users(user)

    def perform_create(self, serializer):
        serializer.validated_data.pop("expected_version", None)
        serializer.instance = services.team_create(acting_user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.validated_data.pop("expected_version", None)
        serializer.instance = services.team_update(
            acting_user=self.request.user, team=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.team_delete(acting_user=self.request.user, team=instance)


class TokenView(ObtainAuthToken):
    """POST {"username", "password"} answers {"token"}; DELETE revokes the caller's token.

    Sign-in is throttled per address (scope `token`) and, like the portal's log-in,
    locked per username + address by django-axes after repeated failures: 429 with
    Retry-After and a message saying so, whatever the password.
    """

    throttle_scope = "token"
    throttle_classes = [ScopedRateThrottle]
    # ObtainAuthToken also reads form and multipart bodies; the API reads JSON only (docs/API.md).
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else []

    @extend_schema(
        request=inline_serializer(
            "TokenRequest", {"username": serializers.CharField(), "password": serializers.CharField()}
        ),
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        credentials_valid = serializer.is_valid()
        # axes flags the DRF request it was handed when this username + address is (now) locked out.
        if getattr(request, "axes_locked_out", False):
            raise LockedOut(request)
        if not credentials_valid:
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        # A sign-in like the portal's for axes: logged, and it clears this username + address's failures.
        AxesProxyHandler.user_logged_in(sender=type(self), request=request, user=user)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, *args, **kwargs):
        """Revoke the caller's token: it stops working at once. POST makes a new one."""
        sessions.revoke_tokens(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
