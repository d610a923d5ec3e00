from django.urls import path

from wechat import views

app_name = "wechat"
urlpatterns = [
    path("callback/", views.callback, name="callback"),
    path("case/<str:token>/", views.case_link, name="case_link"),
]
