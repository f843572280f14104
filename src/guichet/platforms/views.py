from django.shortcuts import render

from . import selectors


def platform_list(request):
    return render(request, "platforms/list.html", {"platforms": selectors.platform_list()})


def platform_detail(request, key):
    return render(request, "platforms/detail.html", {"platform": selectors.platform_get(key)})
