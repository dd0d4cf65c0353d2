from django.shortcuts import render

from hujin.identity.access import staff_required


@staff_required
def home(request):
    return render(request, "web/home.html")
