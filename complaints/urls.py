from django.urls import path

from complaints import views

app_name = "complaints"
urlpatterns = [
    path("new/", views.complaint_new, name="new"),
    path("new/suggest/", views.suggest, name="suggest"),
    path("track/", views.track, name="track"),
    path("track/<str:number>/", views.track_case, name="track_case"),
    path("track/<str:number>/evidence/", views.track_add_evidence, name="track_evidence"),
    path("track/<str:number>/feedback/", views.track_feedback, name="track_feedback"),
    path(
        "staff/evidence/<int:pk>/<str:variant>/", views.evidence_download, name="evidence_download"
    ),
]
