from django.urls import path

from campaigns import api

urlpatterns = [
    path("campaigns/", api.CampaignsApi.as_view(), name="api-campaigns"),
    path("campaigns/<int:pk>/", api.CampaignDetailApi.as_view(), name="api-campaign"),
    path(
        "campaigns/<int:pk>/snapshots/",
        api.CampaignSnapshotsApi.as_view(),
        name="api-campaign-snapshots",
    ),
    path(
        "campaigns/<int:pk>/reports/", api.CampaignReportsApi.as_view(), name="api-campaign-reports"
    ),
]
