from rest_framework.permissions import SAFE_METHODS, BasePermission


class PolicyObjectPermission(BasePermission):
    """Refuses a write on a record the user may view but not change (403) before the body is read.

    It asks `user.has_perm(perm, record)`, which the access policy answers; reading is
    already limited by each view's queryset, which starts from `visible_to(user)`. A
    refusal says what was refused (DRF shows `message`), never more than the user may see.
    """

    perms_by_method = {
        "PUT": "{app_label}.change_{model_name}",
        "PATCH": "{app_label}.change_{model_name}",
        "DELETE": "{app_label}.delete_{model_name}",
    }
    verbs_by_method = {"PUT": "change", "PATCH": "change", "DELETE": "delete"}

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        check_create = getattr(view, "check_create_permission", None)
        if request.method == "POST" and getattr(view, "action", None) == "create" and check_create:
            allowed = check_create(request.user)
            if not allowed:
                model = view.get_serializer_class().Meta.model
                self.message = f"Your role may not create {model._meta.verbose_name_plural}."
            return allowed
        return True

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS or request.method not in self.perms_by_method:
            return True
        perm = self.perms_by_method[request.method].format(
            app_label=obj._meta.app_label, model_name=obj._meta.model_name
        )
        allowed = request.user.has_perm(perm, obj)
        if not allowed:
            self.message = (
                f"You may view this {obj._meta.verbose_name} but not {self.verbs_by_method[request.method]} it."
            )
        return allowed
