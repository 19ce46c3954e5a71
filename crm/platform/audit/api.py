"""API v1: a record's history, read-only: GET /api/v1/history/{record_type}/{id}/.

Answers like the portal's history page: 404 for a record the user may not view,
the entries the registry shows them, newest first, 50 a page (`?before=<entry id>`
for older ones, as `next`). There is no way to write: other methods answer 405.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.platform.api.filtering import as_record_id
from crm.platform.audit import selectors as history
from crm.platform.audit.registry import audited_record


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField(source="name")
    label = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class HistoryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="entry_id")
    timestamp = serializers.DateTimeField()
    actor = serializers.IntegerField(source="actor_id", allow_null=True)
    actor_name = serializers.CharField(source="actor")
    via = serializers.CharField()
    action = serializers.CharField()
    kind = serializers.CharField()
    record = serializers.CharField()
    record_id = serializers.IntegerField(allow_null=True)
    changes = FieldChangeSerializer(many=True)


class HistoryPageSerializer(serializers.Serializer):
    next = serializers.CharField(allow_null=True)
    results = HistoryEntrySerializer(many=True)


class RecordHistoryView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("before", int, description="Only entries older than this entry id.")],
        responses=HistoryPageSerializer,
    )
    def get(self, request, record_type: str, record_id: int):
        spec = audited_record(record_type)
        record = spec.visible_to(request.user).filter(pk=record_id).first() if spec else None
        if record is None:
            raise Http404
        before = request.query_params.get("before", "")
        limit = history.PAGE_ENTRIES
        rows = history.record_history(user=request.user, record=record, limit=limit + 1, before=as_record_id(before))
        next_url = None
        if len(rows) > limit:
            next_url = request.build_absolute_uri(f"{request.path}?before={rows[limit - 1].entry_id}")
        return Response({"next": next_url, "results": HistoryEntrySerializer(rows[:limit], many=True).data})
