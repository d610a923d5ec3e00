from django.http import Http404


def callback(request):
    raise Http404


def case_link(request, token: str):
    raise Http404
