from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.authentication import ApiClient
from core.api.errors import ErrorSerializer
from core.api.schema import ERRORS
from core.errors import error_body


class TokenInfoApi(APIView):
    """Which token is this, what may it do, and until when."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        name = serializers.CharField()
        prefix = serializers.CharField()
        scopes = serializers.ListField(child=serializers.CharField())
        regions = serializers.ListField(child=serializers.CharField())
        expiry_date = serializers.DateTimeField(allow_null=True)

    @extend_schema(
        summary="Describe the calling token",
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Signed in with a session"),
            401: OpenApiResponse(ErrorSerializer, description="Missing or invalid token"),
            429: ERRORS[429],
        },
    )
    def get(self, request):
        if not isinstance(request.user, ApiClient):
            return Response(
                error_body("not_a_token", _("Signed in with a session, not a token.")), status=400
            )
        token = request.user.token
        data = {
            "name": token.name,
            "prefix": token.prefix,
            "scopes": token.scopes,
            "regions": token.region_prefixes,
            "expiry_date": token.expiry_date,
        }
        return Response(self.OutputSerializer(data).data)
