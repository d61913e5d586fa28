"""The case journey's pages, one URL module per feature."""

from . import (
    case_urls,
    consents_urls,
    contacts_urls,
    documents_urls,
    intake_urls,
    interventions_urls,
    merge_urls,
    plan_urls,
    referrals_urls,
    work_urls,
)

app_name = "cases"

urlpatterns = [
    *contacts_urls.urlpatterns,
    *consents_urls.urlpatterns,
    *referrals_urls.urlpatterns,
    *intake_urls.urlpatterns,
    *case_urls.urlpatterns,
    *plan_urls.urlpatterns,
    *interventions_urls.urlpatterns,
    *work_urls.urlpatterns,
    *documents_urls.urlpatterns,
    *merge_urls.urlpatterns,
]
