from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .opportunities import OpportunityViewSet
from .orders import OrderViewSet
from .products import ProductViewSet

router = DefaultRouter()
router.include_root_view = False  # crm.project.api_urls serves the one API root
router.register("opportunities", OpportunityViewSet, basename="opportunity")
router.register("products", ProductViewSet, basename="product")
router.register("orders", OrderViewSet, basename="order")

urlpatterns = [path("", include(router.urls))]
