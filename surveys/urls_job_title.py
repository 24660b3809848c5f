"""The job title's pages (an addition beyond the standard, when the survey asks it), the
same four in each mode, under the address of the mode's journey."""

from django.urls import URLPattern, path
from django.views import View

# Each page's address after the journey's, and its name.
PAGES = (
    ("job-title/", "job-title"),
    ("job-title/follow-up/", "job-title-follow-up"),
    ("job-title/closest/", "job-title-closest"),
    ("job-title/suggestions/", "job-title-suggestions"),
)


def job_title_paths(prefix: str, *views: type[View]) -> list[URLPattern]:
    """The pages under `prefix`: the title, its follow-up question, the closest matches
    (without JavaScript) and the suggestions, served by `views` in that order."""
    return [
        path(f"{prefix}{route}", view.as_view(), name=name)
        for (route, name), view in zip(PAGES, views, strict=True)
    ]
