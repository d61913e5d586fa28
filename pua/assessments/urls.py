"""Assessment pages, one URL module per feature."""

from . import aggregate_urls, instrument_urls, response_urls, result_urls

app_name = "assessments"

urlpatterns = [
    *instrument_urls.urlpatterns,
    *response_urls.urlpatterns,
    *result_urls.urlpatterns,
    *aggregate_urls.urlpatterns,
]
