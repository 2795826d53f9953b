from rest_framework.routers import DefaultRouter

from notices.api import views

router = DefaultRouter()
router.register("notices", views.NoticeViewSet)

urlpatterns = router.urls
