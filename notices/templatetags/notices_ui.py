"""Template helpers of the notices: a notice named by its short number where a page holds only its ref."""

from django import template

from notices.models import Notice

register = template.Library()


@register.filter
def notice_number(ref):
    """The short number (``2014-0007``) of the notice whose interchange ref is ``ref``; the ref if none has it.

    A household keeps its notice as a ref (``Household.notice_ref``, set by the notice step), which is the
    bundle's key and not what people read.
    """
    if not ref:
        return ""
    found = Notice.objects.filter(ref=ref).values_list("pk", "starts_on").first()
    return Notice.short_number(*found) if found else ref
