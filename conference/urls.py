"""Top-level URL map; each app owns its own URLs (see PRODUCT.md "URL map")."""

from django.contrib import admin
from django.urls import include, path

from program.views import offline
from web.health import healthz

admin.site.site_header = "Conference program administration"
admin.site.site_title = "Conference program"
admin.site.index_title = "Program and accounts"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("sw.js", offline.service_worker, name="service-worker"),
    path("offline/", offline.offline_page, name="offline"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("conference.api_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("accounts.urls")),
    # Last: the program's own paths start with a conference slug.
    path("", include("program.urls")),
]
