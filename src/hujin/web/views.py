from django.shortcuts import render

from hujin.identity.access import customer_required, staff_required


@staff_required
def home(request):
    """The console's home: what waits for this staff member, then the areas they work in (both
    from the registered navigation, ``hujin.web.navigation``)."""
    return render(request, "web/home.html")


@customer_required
def portal_me(request):
    """The portal's "Me" tab: the customer's own pages modules list there."""
    return render(request, "web/portal_me.html")
