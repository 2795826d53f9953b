from rest_framework.routers import DefaultRouter

from aid.api import views

router = DefaultRouter()
router.register("fund-receipts", views.FundReceiptViewSet)
router.register("expenditures", views.ExpenditureViewSet)
router.register("aid-grants", views.AidGrantViewSet)
router.register("work-study-offers", views.WorkStudyOfferViewSet)
router.register("assistance-measures", views.AssistanceMeasureViewSet)

urlpatterns = router.urls
