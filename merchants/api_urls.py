from django.urls import path

from merchants import api

urlpatterns = [
    path("posts/", api.PostsApi.as_view(), name="api-posts"),
    path("posts/<int:pk>/", api.PostDetailApi.as_view(), name="api-post"),
    path("merchants/", api.MerchantsApi.as_view(), name="api-merchants"),
    path("merchants/<int:pk>/", api.MerchantDetailApi.as_view(), name="api-merchant"),
    path("findings/", api.FindingsApi.as_view(), name="api-findings"),
    path("lexicon/", api.LexiconApi.as_view(), name="api-lexicon"),
]
