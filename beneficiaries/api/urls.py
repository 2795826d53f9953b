from rest_framework.routers import DefaultRouter

from beneficiaries.api import views

router = DefaultRouter()
router.register("persons", views.PersonViewSet)
router.register("households", views.HouseholdViewSet)
router.register("annual-reviews", views.AnnualReviewViewSet)
router.register("schooling", views.SchoolingViewSet)
router.register("graduates", views.GraduateViewSet)

urlpatterns = router.urls
