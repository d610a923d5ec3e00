from django.urls import path

from merchants import feeds, views

app_name = "merchants"
urlpatterns = [
    path("merchants/check/", views.merchant_check, name="check"),
    path("warnings/", views.warning_list, name="warnings"),
    path("warnings/<int:pk>/", views.warning_detail, name="warning"),
    path("warnings/feed/", feeds.WarningsFeed(), name="warnings-rss"),
    path("warnings/atom/", feeds.WarningsAtomFeed(), name="warnings-atom"),
]
