from django.shortcuts import render

from guichet.bookings.permissions import can_manage_platform

from . import selectors


def platform_list(request):
    return render(request, "platforms/list.html", {"platforms": selectors.platform_list()})


def platform_detail(request, key):
    platform = selectors.platform_get(key)
    return render(request, "platforms/detail.html", {"platform": platform,
                                                     "can_manage": can_manage_platform(request.user, platform)})
