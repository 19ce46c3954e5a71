from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .feedback import FeedbackViewSet
from .tickets import TicketMessageViewSet, TicketViewSet

router = DefaultRouter()
router.include_root_view = False  # crm's router answers /api/v1/
router.register("tickets", TicketViewSet, basename="ticket")
router.register(r"tickets/(?P<ticket_pk>\d+)/messages", TicketMessageViewSet, basename="ticket-message")
router.register("feedback", FeedbackViewSet, basename="feedback")

urlpatterns = [path("", include(router.urls))]
