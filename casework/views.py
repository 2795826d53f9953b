from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from beneficiaries.selectors import household_changes, households_for
from casework.selectors import home_summary


@login_required
def home(request):
    return render(request, "casework/home.html", {"summary": home_summary(request.user)})


@login_required
def household_history(request, pk):
    household = get_object_or_404(households_for(request.user), pk=pk)
    return render(
        request,
        "beneficiaries/household_history.html",
        {"household": household, "changes": household_changes(household)},
    )
