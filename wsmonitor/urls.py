"""URL map. The only module (with settings) that names the apps, by dotted string."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("core.api.urls")),
    path("api/v1/", include("merchants.api_urls")),
    path("api/v1/", include("complaints.api_urls")),
    path("api/v1/", include("campaigns.api_urls")),
    path("complaints/", include("complaints.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("wechat/", include("wechat.urls")),
    path("", include("merchants.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
