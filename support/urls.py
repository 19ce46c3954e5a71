from django.urls import path

from .views import exports, feedback, survey, tickets

urlpatterns = [
    path("", tickets.support_home, name="support-home"),
    path("queues/<slug:queue_key>/", tickets.queue, name="support-queue"),
    path("queues/<slug:queue_key>/export.csv", exports.queue_export, name="support-queue-export"),
    path("tickets/new/", tickets.ticket_create, name="support-ticket-create"),
    path("tickets/<int:ticket_id>/", tickets.ticket_detail, name="support-ticket-detail"),
    path("tickets/<int:ticket_id>/messages/", tickets.ticket_message, name="support-ticket-message"),
    path("tickets/<int:ticket_id>/status/", tickets.ticket_status, name="support-ticket-status"),
    path("tickets/<int:ticket_id>/priority/", tickets.ticket_priority, name="support-ticket-priority"),
    path("tickets/<int:ticket_id>/assign/", tickets.ticket_assign, name="support-ticket-assign"),
    path("tickets/<int:ticket_id>/claim/", tickets.ticket_claim, name="support-ticket-claim"),
    path("tickets/<int:ticket_id>/transfer/", tickets.ticket_transfer, name="support-ticket-transfer"),
    path("feedback/", feedback.feedback_list, name="support-feedback-list"),
    path("feedback/export.csv", exports.feedback_export, name="support-feedback-export"),
    path("feedback/new/", feedback.feedback_create, name="support-feedback-create"),
    path("survey/<str:token>/", survey.survey, name="support-survey"),
]
