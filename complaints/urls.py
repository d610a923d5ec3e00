from django.urls import path

from complaints import views

app_name = "complaints"
urlpatterns = [
    path("new/", views.complaint_new, name="new"),
    path("new/suggest/", views.suggest, name="suggest"),
    path("new/receipt/<str:token>/", views.receipt, name="receipt"),
    path("track/", views.track, name="track"),
    path("track/lost-code/", views.lost_code, name="lost_code"),
    path("track/<str:number>/", views.track_case, name="track_case"),
    path("track/<str:number>/evidence/", views.track_add_evidence, name="track_evidence"),
    path("track/<str:number>/feedback/", views.track_feedback, name="track_feedback"),
    path("track/<str:number>/reply/", views.track_reply, name="track_reply"),
    path("track/<str:number>/withdraw/", views.track_withdraw, name="track_withdraw"),
    path(
        "staff/evidence/<int:pk>/<str:variant>/", views.evidence_download, name="evidence_download"
    ),
]
