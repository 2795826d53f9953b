from rest_framework.routers import DefaultRouter

from employment.api import views

router = DefaultRouter()
router.register("institutions", views.InstitutionViewSet)
router.register("trainings", views.TrainingViewSet)
router.register("certificates", views.CertificateViewSet)
router.register("placements", views.PlacementViewSet)
router.register("loans", views.LoanViewSet)
router.register("services", views.ServiceViewSet)
router.register("job-fairs", views.JobFairViewSet)
router.register("position-offers", views.PositionOfferViewSet)
router.register("assistance-plans", views.AssistancePlanViewSet)
router.register("pairings", views.PairingViewSet)

urlpatterns = router.urls
