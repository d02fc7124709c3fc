"""The JSON API, version 1 (PRODUCT.md "JSON API")."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api.views import AgendaViewSet, PreferencesView, TokenView
from program.api import views

router = DefaultRouter()
router.register("conferences", views.ConferenceViewSet, basename="conference")
router.register("rooms", views.RoomViewSet, basename="room")
router.register("tracks", views.TrackViewSet, basename="track")
router.register("sessions", views.SessionViewSet, basename="session")
router.register("posters", views.PosterViewSet, basename="poster")
router.register("talks", views.TalkViewSet, basename="talk")
router.register("contributions", views.ContributionViewSet, basename="contribution")
router.register("people", views.PersonViewSet, basename="person")
router.register("agenda", AgendaViewSet, basename="agenda")

app_name = "api"

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("me/", PreferencesView.as_view(), name="me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its init script from ?script: no inline script for the CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
