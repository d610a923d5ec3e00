from django.urls import path

from campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.find, name="find"),
    path("<slug:public_id>/report/", views.report, name="report"),
    path("<slug:public_id>/report/thanks/", views.report_thanks, name="report-thanks"),
]
