"""Reference fields shared by the sales API: each accepts only records the user may use
(the customer: crm.customers.fields.VisibleCustomerField).

A reference to a record the user may not view is answered like a reference to no
record (400), with the same message.
"""

from collections.abc import Mapping

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.platform.api.serializers import ControlCharactersRefused
from sales import access


def _current(serializer_field, attribute: str):
    instance = getattr(serializer_field.parent, "instance", None)
    return getattr(instance, attribute, None) if instance is not None else None


class AssignableOwnerField(serializers.PrimaryKeyRelatedField):
    """A user this user may name as owner; the record's own owner also passes."""

    def get_queryset(self):
        assignable = access.owners_assignable_by(self.context["request"].user)
        current_id = _current(self, "owner_id")
        if current_id is None:
            return assignable
        return assignable.model.objects.filter(Q(pk__in=assignable.values("pk")) | Q(pk=current_id))


@extend_schema_field(OpenApiTypes.INT)
class VisibleProductField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return access.products_visible_to(self.context["request"].user)


class StrictNestedSerializer(ControlCharactersRefused, serializers.Serializer):
    """A nested item that answers 400 on keys it does not know, like StrictSerializer."""

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, Mapping) else []
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)
