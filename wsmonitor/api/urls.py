from django.urls import path

from wsmonitor.api import views

urlpatterns = [
    path("token/", views.TokenInfoApi.as_view(), name="api-token-info"),
]
