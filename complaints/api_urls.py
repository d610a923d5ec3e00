from django.urls import path

from complaints import api

urlpatterns = [
    path("complaints/", api.ComplaintsApi.as_view(), name="api-complaints"),
    path(
        "complaints/<str:tracking_number>/",
        api.ComplaintStatusApi.as_view(),
        name="api-complaint-status",
    ),
]
