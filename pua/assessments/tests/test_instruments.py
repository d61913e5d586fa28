"""Managing instruments through their pages: upload of an XLSForm (checked
before anything is saved, problems listed by sheet, row and column), new
versions, preview, download, publish (one version at a time) and retire.
Directors manage their access point's instruments, administrators all of
them; the staff see the published ones; partners and boards see nothing."""

import io
import zipfile

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from pua.assessments import instrument_services as services
from pua.assessments.models import Instrument, InstrumentVersion, Purpose, VersionStatus
from pua.core.models import AuditAction, AuditEntry
from pua.network.models import Role
from pua.network.tests.factories import MembershipFactory

XLSX = services.XLSX_CONTENT_TYPE
LIST = reverse("assessments:instrument_list")
CREATE = reverse("assessments:instrument_create")
STAFF = ["director", "social_expert", "labour_expert", "outreach_operator"]

IT, EN = "label::Italiano (it)", "label::English (en)"
SURVEY = [
    {"type": "begin group", "name": "work", IT: "Lavoro", EN: "Work"},
    {"type": "select_one yes_no", "name": "works", IT: "Lavora attualmente?", EN: "Do you work at present?",
     "required": "yes"},
    {"type": "integer", "name": "hours", IT: "Ore di lavoro alla settimana", EN: "Working hours per week",
     "hint::Italiano (it)": "Anche quelle non pagate", "hint::English (en)": "Unpaid ones too",
     "relevant": "${works} = 'yes'", "constraint": ". >= 0 and . <= 100",
     "constraint_message::Italiano (it)": "Tra 0 e 100", "constraint_message::English (en)": "Between 0 and 100"},
    {"type": "end group"},
    {"type": "begin group", "name": "home", IT: "Casa", EN: "Home"},
    {"type": "select_multiple problems", "name": "housing", IT: "Problemi abitativi", EN: "Housing problems"},
    {"type": "text", "name": "notes", IT: "Note", EN: "Notes", "relevant": "selected(${housing}, 'crowded')"},
    {"type": "end group"},
]
CHOICES = [
    {"list_name": "yes_no", "name": "yes", IT: "Sì", EN: "Yes"},
    {"list_name": "yes_no", "name": "no", IT: "No", EN: "No"},
    {"list_name": "problems", "name": "crowded", IT: "Sovraffollamento", EN: "Overcrowding"},
    {"list_name": "problems", "name": "damp", IT: "Umidità", EN: "Damp"},
]


def _sheet(workbook, title, rows):
    sheet = workbook.create_sheet(title)
    headers = list(dict.fromkeys(key for row in rows for key in row))
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])


def xlsform(survey=SURVEY, choices=CHOICES, form_id="work_check", version="2026-01", title="Lavoro e casa") -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, "survey", survey)
    _sheet(workbook, "choices", choices)
    _sheet(workbook, "settings", [{"form_title": title, "form_id": form_id, "version": version,
                                   "default_language": "it"}])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content=None, name="Lavoro e casa.xlsx"):
    return SimpleUploadedFile(name, xlsform() if content is None else content, content_type=XLSX)


def _post_create(client, file=None, **extra):
    data = {"file": file or upload(), "purpose": Purpose.VULNERABILITY, "title": "",
            "fill_roles": ["director", "social_expert"], "read_roles": ["director"]}
    data.update(extra)
    return client.post(CREATE, data)


def _instrument(world, *, access_point="A", publish=True, by=None, form_id="work_check"):
    """An instrument of access point A (or B, or shipped with None), with version 1."""
    access_point = {"A": world.ap_a, "B": world.ap_b, None: None}[access_point]
    if by is None:
        by = {world.ap_a: world.users["director"], world.ap_b: world.other_director}.get(access_point,
                                                                                          world.users["admin"])
    instrument = services.instrument_create_from_upload(
        file=upload(xlsform(form_id=form_id)), by=by, access_point=access_point, purpose=Purpose.VULNERABILITY,
        fill_roles=STAFF, read_roles=["director"])
    if publish:
        services.version_publish(version=instrument.versions.get(), by=by)
    return instrument


def _url(name, obj):
    return reverse(f"assessments:{name}", args=[obj.pk])


@pytest.fixture(autouse=True)
def _without_shipped_instruments(db):
    """The migrations load PUA's own instruments: these tests count theirs only."""
    InstrumentVersion.objects.all().delete()
    Instrument.objects.all().delete()


@pytest.fixture(autouse=True)
def _english(request):
    """These tests read messages and labels in English: the personas speak English."""
    with translation.override("en"):
        if "world" in request.fixturenames:
            request.getfixturevalue("world")
            get_user_model().objects.update(preferred_language="en")
        yield


# --- creating ---------------------------------------------------------------------------

def test_it_creates_an_instrument_from_an_upload_as_a_draft(world, login):
    director = world.users["director"]
    client = login(director)
    assert client.get(CREATE).status_code == 200
    content = xlsform()

    response = _post_create(client, upload(content))

    instrument = Instrument.objects.get()
    version = instrument.versions.get()
    assert response.status_code == 302 and response.url == _url("instrument_detail", instrument)
    assert (instrument.code, instrument.title, instrument.purpose) == ("work_check", "Lavoro e casa",
                                                                       Purpose.VULNERABILITY)
    assert (instrument.access_point, instrument.owner) == (world.ap_a, director)
    assert (instrument.fill_roles, instrument.read_roles) == (["director", "social_expert"], ["director"])
    assert (version.number, version.status, version.form_version) == (1, VersionStatus.DRAFT, "2026-01")
    assert version.languages == ["it", "en"] and version.scoring_method == ""
    assert bytes(version.source) == content and version.source_name == "lavoro-e-casa.xlsx"
    assert [p["name"] for p in version.definition["pages"]] == ["work", "home"]
    assert version.uploaded_by == director
    created = AuditEntry.objects.filter(action=AuditAction.CREATE, object_type__startswith="assessments.")
    assert sorted(created.values_list("object_type", flat=True)) == [
        "assessments.instrument", "assessments.instrumentversion"]


def test_it_uses_the_title_given_and_makes_the_code_unique(world, login):
    client = login(world.users["director"])
    _post_create(client, title="Scheda lavoro")
    _post_create(client)
    assert list(Instrument.objects.order_by("pk").values_list("code", "title")) == [
        ("work_check", "Scheda lavoro"), ("work_check-2", "Lavoro e casa")]


def test_it_shows_every_problem_of_a_broken_form_by_row_and_saves_nothing(world, login):
    survey = [
        {"type": "text", "name": "name", IT: "Nome", EN: "Name"},
        {"type": "geopoint", "name": "where", IT: "Dove", EN: "Where"},
        {"type": "integer", "name": "age", IT: "Età", EN: "Age", "relevant": "${name} = = 'x'"},
    ]
    client = login(world.users["director"])

    response = _post_create(client, upload(xlsform(survey=survey)))

    assert response.status_code == 200
    problems = response.context["problems"]
    assert {(p.sheet, p.row) for p in problems} >= {("survey", 3), ("survey", 4)}
    assert any(p.column == "relevant" for p in problems)
    page = response.content.decode()
    assert "nothing has been saved" in page
    assert "<td>3</td>" in page and "<td>4</td>" in page and "<td>relevant</td>" in page
    assert not Instrument.objects.exists() and not InstrumentVersion.objects.exists()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("form.xls", None, "Excel workbook (.xlsx)"),
    ("form.csv", b"type,name\ntext,a\n", "Excel workbook (.xlsx)"),
    ("form.xlsx", b"not a workbook at all", "not an Excel workbook"),
    ("form.xlsx", b"PK\x03\x04" + b"\0" * 100, "not an Excel workbook"),
    ("form.xlsx", b"x" * (5 * 1024 * 1024 + 1), "too large"),
])
def test_it_refuses_files_that_are_not_small_xlsx_workbooks(world, login, name, content, message):
    response = _post_create(login(world.users["director"]), upload(content, name=name))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["file"])
    assert not Instrument.objects.exists()


def test_it_refuses_a_zip_that_is_not_a_workbook(world, login):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    response = _post_create(login(world.users["director"]), upload(buffer.getvalue()))
    assert "not an Excel workbook" in str(response.context["form"].errors["file"])
    assert not Instrument.objects.exists()


def test_it_asks_for_the_roles_and_the_purpose(world, login):
    response = _post_create(login(world.users["director"]), fill_roles=[], read_roles=[], purpose="")
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"fill_roles", "read_roles", "purpose"}
    assert not Instrument.objects.exists()


def test_it_refuses_roles_that_cannot_fill_in_instruments(world):
    with pytest.raises(ValidationError) as error:
        services.instrument_create_from_upload(
            file=upload(), by=world.users["director"], access_point=world.ap_a, purpose=Purpose.OTHER,
            fill_roles=["partner_operator"], read_roles=[])
    assert set(error.value.message_dict) == {"fill_roles", "read_roles"}
    assert not Instrument.objects.exists()


def test_it_lets_an_administrator_add_a_shipped_instrument(world, login):
    client = login(world.users["admin"])
    assert "access_point" in client.get(CREATE).context["form"].fields
    _post_create(client, access_point="")
    instrument = Instrument.objects.get()
    assert instrument.access_point is None and instrument.owner == world.users["admin"]
    _post_create(client, upload(xlsform(form_id="other")), access_point=world.ap_b.pk)
    assert Instrument.objects.get(code="other").access_point == world.ap_b


# --- versions ---------------------------------------------------------------------------

def test_it_uploads_a_new_version_numbered_after_the_last(world, login):
    instrument = _instrument(world)
    client = login(world.users["director"])
    url = _url("version_upload", instrument)
    assert client.get(url).status_code == 200

    new = xlsform(version="2026-02", survey=[*SURVEY[:3], {"type": "date", "name": "since", IT: "Dal", EN: "Since"},
                                              *SURVEY[3:]])
    response = client.post(url, {"file": upload(new)})

    assert response.status_code == 302 and response.url == _url("instrument_detail", instrument)
    assert list(instrument.versions.values_list("number", "status", "form_version")) == [
        (2, VersionStatus.DRAFT, "2026-02"), (1, VersionStatus.PUBLISHED, "2026-01")]
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="assessments.instrumentversion",
                                     changes__number=[None, 2]).exists()


def test_it_refuses_a_version_identical_to_the_last_or_of_another_form(world, login):
    instrument = _instrument(world)
    client = login(world.users["director"])
    url = _url("version_upload", instrument)

    same = client.post(url, {"file": upload(bytes(instrument.versions.get().source))})
    other = client.post(url, {"file": upload(xlsform(form_id="another_form"))})

    assert "identical to version 1" in str(same.context["form"].errors["file"])
    assert "another_form" in str(other.context["form"].errors["file"])
    assert instrument.versions.count() == 1


def test_it_lists_the_problems_of_a_broken_new_version(world, login):
    instrument = _instrument(world)
    broken = xlsform(survey=[*SURVEY, {"type": "image", "name": "photo", IT: "Foto", EN: "Photo"}])
    response = login(world.users["director"]).post(_url("version_upload", instrument), {"file": upload(broken)})
    assert response.status_code == 200
    assert any((p.sheet, p.row) == ("survey", len(SURVEY) + 2) for p in response.context["problems"])
    assert instrument.versions.count() == 1


def test_it_publishes_one_version_at_a_time(world, login):
    instrument = _instrument(world, publish=False)
    client = login(world.users["director"])
    first = instrument.versions.get()

    response = client.post(_url("version_publish", first))

    assert response.status_code == 302 and response.url == _url("instrument_detail", instrument)
    first.refresh_from_db()
    assert (first.status, first.published_by) == (VersionStatus.PUBLISHED, world.users["director"])
    assert first.published_at is not None
    second = services.version_upload(instrument=instrument, file=upload(xlsform(version="2")), by=world.users["admin"])

    client.post(_url("version_publish", second))

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (VersionStatus.RETIRED, VersionStatus.PUBLISHED)
    assert first.retired_at is not None
    assert instrument.versions.filter(status=VersionStatus.PUBLISHED).count() == 1
    changes = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_type="assessments.instrumentversion")
    assert sorted((int(e.object_id), e.changes["status"][1]) for e in changes) == [
        (first.pk, "published"), (first.pk, "retired"), (second.pk, "published")]


def test_it_retires_a_version_and_can_publish_it_again(world, login):
    instrument = _instrument(world)
    version = instrument.versions.get()
    client = login(world.users["director"])

    client.post(_url("version_retire", version))
    version.refresh_from_db()
    assert version.status == VersionStatus.RETIRED and version.retired_at is not None
    response = client.post(_url("version_retire", version), follow=True)
    assert "already retired" in response.content.decode()
    updates = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_type="assessments.instrumentversion")
    assert [e.changes["status"] for e in updates.order_by("pk")] == [["draft", "published"], ["published", "retired"]]

    client.post(_url("version_publish", version))
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED and version.retired_at is None


def test_it_changes_status_only_by_post(world, login):
    version = _instrument(world, publish=False).versions.get()
    client = login(world.users["director"])
    assert client.get(_url("version_publish", version)).status_code == 405
    assert client.get(_url("version_retire", version)).status_code == 405
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_it_shows_the_versions_with_who_uploaded_and_published_them(world, login):
    instrument = _instrument(world)
    services.version_upload(instrument=instrument, file=upload(xlsform(version="2")), by=world.users["director"])
    response = login(world.users["director"]).get(_url("instrument_detail", instrument))
    page = response.content.decode()
    assert [v.number for v in response.context["versions"]] == [2, 1]
    assert "Version 2" in page and "Version 1" in page and "Publish" in page and "Retire" in page
    assert world.users["director"].username in page or world.users["director"].get_full_name() in page
    for version in instrument.versions.all():
        assert _url("version_download", version) in page and _url("version_preview", version) in page


# --- preview and download ---------------------------------------------------------------

def test_it_previews_every_page_in_the_chosen_language(world, login):
    version = _instrument(world, publish=False).versions.get()
    client = login(world.users["director"])

    english = client.get(_url("version_preview", version), {"lang": "en"})
    italian = client.get(_url("version_preview", version), {"lang": "it"})

    assert english.status_code == 200 and english.context["language"] == "en"
    page = english.content.decode()
    for text in ("Work", "Home", "Do you work at present?", "Unpaid ones too", "Overcrowding", "Damp",
                 "Between 0 and 100"):
        assert text in page
    assert "Shown only when" in page and "“Do you work at present?” = “Yes”" in page
    assert "“Housing problems” includes “Overcrowding”" in page
    assert "this answer ≥ 0 and this answer ≤ 100" in page
    assert "Lavora attualmente?" in italian.content.decode() and "Sovraffollamento" in italian.content.decode()
    assert "draft" in page


def test_it_previews_in_the_forms_default_language_when_asked_for_another(world, login):
    version = _instrument(world).versions.get()
    response = login(world.users["director"]).get(_url("version_preview", version), {"lang": "xx"})
    assert response.context["language"] in ("en", "it")
    assert response.context["language"] == "en"  # the user's language, which the form has


def test_it_downloads_the_original_xlsform(world, login):
    instrument = _instrument(world)
    version = instrument.versions.get()
    response = login(world.users["social_expert"]).get(_url("version_download", version))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == bytes(version.source)
    assert version.definition["form_id"] == "work_check"
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment") and "work_check-v1.xlsx" in response[
        "Content-Disposition"]


# --- who sees and manages what ----------------------------------------------------------

def test_it_lists_managed_instruments_and_published_ones_to_a_director(world, login):
    own_draft = _instrument(world, publish=False, form_id="draft_a")
    own = _instrument(world, form_id="published_a")
    shipped = _instrument(world, access_point=None, form_id="shipped")
    _instrument(world, access_point=None, publish=False, form_id="shipped_draft")
    _instrument(world, access_point="B", form_id="published_b")

    response = login(world.users["director"]).get(LIST)

    assert response.status_code == 200
    assert {i.code for i in response.context["page"]} == {own_draft.code, own.code, shipped.code}
    states = {i.code: (i.state, i.published_number) for i in response.context["page"]}
    assert states[own_draft.code] == ("draft", None) and states[own.code] == ("published", 1)
    assert response.context["can_add"]


@pytest.mark.parametrize("role", ["social_expert", "labour_expert", "outreach_operator"])
def test_it_shows_the_staff_the_published_instruments_only(world, login, role):
    draft = _instrument(world, publish=False, form_id="draft_a")
    published = _instrument(world, form_id="published_a")
    shipped = _instrument(world, access_point=None, form_id="shipped")
    client = login(world.users[role])

    response = client.get(LIST)

    assert {i.code for i in response.context["page"]} == {published.code, shipped.code}
    assert not response.context["can_add"]
    detail = client.get(_url("instrument_detail", published))
    assert detail.status_code == 200 and not detail.context["can_manage"]
    assert "Upload a new version" not in detail.content.decode()
    assert client.get(_url("version_preview", published.versions.get())).status_code == 200
    assert client.get(_url("instrument_detail", draft)).status_code == 404
    assert client.get(_url("version_preview", draft.versions.get())).status_code == 404


@pytest.mark.parametrize("role", ["social_expert", "labour_expert", "outreach_operator"])
def test_it_lets_the_staff_manage_nothing(world, login, role):
    instrument = _instrument(world)
    version = instrument.versions.get()
    client = login(world.users[role])
    assert client.get(CREATE).status_code == 403
    assert _post_create(client).status_code == 403
    assert client.get(_url("version_upload", instrument)).status_code == 403
    assert client.post(_url("version_retire", version)).status_code == 403
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED and Instrument.objects.count() == 1


def test_it_lets_a_director_see_but_not_manage_shipped_instruments(world, login):
    shipped = _instrument(world, access_point=None, form_id="shipped")
    version = shipped.versions.get()
    client = login(world.users["director"])

    assert client.get(_url("instrument_detail", shipped)).status_code == 200
    assert client.get(_url("version_upload", shipped)).status_code == 403
    assert client.post(_url("version_upload", shipped), {"file": upload(xlsform(form_id="shipped", version="9"))}
                       ).status_code == 403
    assert client.post(_url("version_retire", version)).status_code == 403
    assert shipped.versions.count() == 1 and shipped.versions.get().status == VersionStatus.PUBLISHED
    with pytest.raises(PermissionDenied):
        services.version_retire(version=version, by=world.users["director"])
    with pytest.raises(PermissionDenied):
        services.instrument_create_from_upload(file=upload(), by=world.users["director"], access_point=None,
                                               purpose=Purpose.OTHER, fill_roles=STAFF, read_roles=STAFF)


def test_it_hides_another_access_points_instruments(world, login):
    other = _instrument(world, access_point="B", form_id="published_b")
    version = other.versions.get()
    client = login(world.users["director"])
    for name, obj in (("instrument_detail", other), ("version_upload", other), ("version_preview", version),
                      ("version_download", version)):
        assert client.get(_url(name, obj)).status_code == 404, name
    assert client.post(_url("version_retire", version)).status_code == 404
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    with pytest.raises(PermissionDenied):
        services.version_upload(instrument=other, file=upload(xlsform(form_id="published_b", version="2")),
                                by=world.users["director"])


def test_it_lets_an_administrator_manage_every_instrument(world, login):
    other = _instrument(world, access_point="B", publish=False, form_id="draft_b")
    shipped = _instrument(world, access_point=None, form_id="shipped")
    client = login(world.users["admin"])

    assert {i.code for i in client.get(LIST).context["page"]} == {other.code, shipped.code}
    client.post(_url("version_publish", other.versions.get()))
    client.post(_url("version_upload", shipped), {"file": upload(xlsform(form_id="shipped", version="2"))})

    assert other.versions.get().status == VersionStatus.PUBLISHED
    assert list(shipped.versions.values_list("number", flat=True)) == [2, 1]


@pytest.mark.parametrize("role", ["partner_operator", "board_viewer", "regional_coordinator"])
def test_it_shows_nothing_to_partners_and_boards(world, login, role):
    instrument = _instrument(world)
    shipped = _instrument(world, access_point=None, form_id="shipped")
    client = login(world.users[role])
    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403
    for obj in (instrument, shipped):
        assert client.get(_url("instrument_detail", obj)).status_code == 404
        assert client.get(_url("version_preview", obj.versions.get())).status_code == 404
        assert client.get(_url("version_download", obj.versions.get())).status_code == 404


def test_it_sends_anonymous_visitors_to_the_login_page(world, client):
    version = _instrument(world).versions.get()
    for url, method in ((LIST, "get"), (CREATE, "get"), (_url("instrument_detail", version.instrument), "get"),
                        (_url("version_upload", version.instrument), "get"), (_url("version_preview", version), "get"),
                        (_url("version_download", version), "get"), (_url("version_publish", version), "post"),
                        (_url("version_retire", version), "post")):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login" in response.url, url


def test_it_adds_a_directors_instrument_to_the_access_point_they_work_at(world, login):
    client = login(world.other_director)
    _post_create(client)
    assert Instrument.objects.get().access_point == world.ap_b


def test_it_forbids_adding_at_an_access_point_the_user_does_not_direct(world, login):
    """Director at B and social expert at A, working now at A (the first by name)."""
    user = world.other_director
    MembershipFactory(user=user, organisation=world.home_org_a, role=Role.SOCIAL_EXPERT, access_points=[world.ap_a])
    client = login(user)
    assert client.get(LIST).context["can_add"] is False
    assert client.get(CREATE).status_code == 403
    assert _post_create(client).status_code == 403
    assert not Instrument.objects.exists()


# --- list -------------------------------------------------------------------------------

def _many(world, count, start=0):
    for i in range(start, start + count):
        instrument = Instrument.objects.create(code=f"form-{i}", title=f"Form {i}", purpose=Purpose.OTHER,
                                               access_point=world.ap_a, owner=world.users["director"])
        for number, status in ((1, VersionStatus.RETIRED), (2, VersionStatus.PUBLISHED)):
            InstrumentVersion.objects.create(instrument=instrument, number=number, status=status, source=b"",
                                             source_name="f.xlsx", definition={}, uploaded_by=world.users["director"])


def test_it_lists_instruments_in_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    client = login(world.users["director"])
    _many(world, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    _many(world, 40, start=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert response.context["page"].paginator.count == 43
    assert len(response.context["page"].object_list) == 25


def test_it_filters_the_list(world, login):
    _instrument(world, publish=False, form_id="draft_a")
    _instrument(world, form_id="published_a")
    client = login(world.users["director"])
    assert [i.code for i in client.get(LIST, {"state": "draft"}).context["page"]] == ["draft_a"]
    assert [i.code for i in client.get(LIST, {"q": "published"}).context["page"]] == ["published_a"]
    assert not list(client.get(LIST, {"purpose": Purpose.SATISFACTION}).context["page"])
    partial = client.get(LIST, {"q": "draft"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="instrument-results")
    assert b"<html" not in partial.content and b"draft_a" in partial.content


# --- settings and deactivation ----------------------------------------------------------

def _edit(client, instrument, **extra):
    data = {"title": "Scheda lavoro", "description": "Per il primo colloquio", "purpose": Purpose.SKILLS_ASSESSMENT,
            "fill_roles": ["social_expert", "labour_expert"], "read_roles": ["director", "social_expert"]}
    data.update(extra)
    return client.post(_url("instrument_edit", instrument), data)


def _set_active(client, instrument, active):
    return client.post(_url("instrument_set_active", instrument), {"active": "1" if active else "0"})


def test_it_edits_the_settings_of_an_instrument(world, login):
    instrument = _instrument(world)
    client = login(world.users["director"])
    page = client.get(_url("instrument_edit", instrument))
    assert page.status_code == 200
    assert page.context["form"].initial["title"] == "Lavoro e casa"
    assert _url("instrument_edit", instrument).encode() in client.get(_url("instrument_detail", instrument)).content

    response = _edit(client, instrument, title="  Scheda lavoro  ")

    assert response.status_code == 302 and response.url == _url("instrument_detail", instrument)
    instrument.refresh_from_db()
    assert (instrument.title, instrument.description, instrument.purpose) == (
        "Scheda lavoro", "Per il primo colloquio", Purpose.SKILLS_ASSESSMENT)
    assert instrument.fill_roles == ["labour_expert", "social_expert"]
    assert instrument.read_roles == ["director", "social_expert"]
    assert instrument.versions.get().status == VersionStatus.PUBLISHED  # versions untouched
    assert b"Instrument settings saved." in client.get(response.url).content


def test_it_audits_the_changed_settings_with_old_and_new_values(world, login):
    instrument = _instrument(world)
    client = login(world.users["director"])
    _edit(client, instrument, title="Lavoro e casa", description="", purpose=Purpose.VULNERABILITY,
          fill_roles=STAFF, read_roles=["director", "social_expert"])

    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_type="assessments.instrument")
    assert entry.actor == world.users["director"] and entry.object_id == str(instrument.pk)
    assert entry.changes == {"read_roles": [["director"], ["director", "social_expert"]]}

    _edit(client, instrument, title="Lavoro e casa", description="", purpose=Purpose.VULNERABILITY,
          fill_roles=STAFF, read_roles=["director", "social_expert"])
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, object_type="assessments.instrument").count() == 1


def test_it_asks_for_a_role_that_fills_in_and_saves_nothing(world, login):
    instrument = _instrument(world)
    client = login(world.users["director"])

    response = _edit(client, instrument, fill_roles=[])

    assert response.status_code == 200
    assert response.context["form"].errors["fill_roles"] == ["Choose at least one role that fills in the instrument."]
    assert b"Choose at least one role that fills in the instrument." in response.content
    assert b'aria-invalid="true"' in response.content
    instrument.refresh_from_db()
    assert (instrument.title, instrument.fill_roles, instrument.purpose) == ("Lavoro e casa", sorted(STAFF),
                                                                             Purpose.VULNERABILITY)
    assert not AuditEntry.objects.filter(action=AuditAction.UPDATE, object_type="assessments.instrument").exists()


def test_it_checks_the_settings_in_the_service_too(world):
    instrument = _instrument(world)
    director = world.users["director"]
    with pytest.raises(ValidationError) as error:
        services.instrument_update(instrument=instrument, by=director, title=" ", description="", purpose="nope",
                                   fill_roles=["partner_operator"], read_roles=[])
    assert set(error.value.message_dict) == {"title", "purpose", "fill_roles", "read_roles"}
    instrument.refresh_from_db()
    assert instrument.title == "Lavoro e casa"


def test_it_keeps_the_purpose_of_an_exploitation_screening_with_answers(world):
    from pua.assessments import services as response_services
    from pua.cases.tests.factories import PersonFactory

    director = world.users["director"]
    instrument = _instrument(world)
    services.instrument_update(instrument=instrument, by=director, title="Screening", description="",
                               purpose=Purpose.EXPLOITATION_SCREENING, fill_roles=STAFF, read_roles=["director"])
    response_services.response_start(version=instrument.versions.get(), person=PersonFactory(access_point=world.ap_a),
                                     by=director)
    with pytest.raises(ValidationError) as error:
        services.instrument_update(instrument=instrument, by=director, title="Screening", description="",
                                   purpose=Purpose.OTHER, fill_roles=STAFF, read_roles=["director"])
    assert "purpose" in error.value.message_dict
    instrument.refresh_from_db()
    assert instrument.purpose == Purpose.EXPLOITATION_SCREENING


def test_it_lets_only_administrators_edit_shipped_instruments(world, login):
    shipped = _instrument(world, access_point=None, form_id="shipped")
    client = login(world.users["director"])
    assert client.get(_url("instrument_edit", shipped)).status_code == 403
    assert _edit(client, shipped).status_code == 403
    assert _set_active(client, shipped, False).status_code == 403
    assert _url("instrument_edit", shipped).encode() not in client.get(_url("instrument_detail", shipped)).content
    with pytest.raises(PermissionDenied):
        services.instrument_set_active(instrument=shipped, active=False, by=world.users["director"])
    shipped.refresh_from_db()
    assert (shipped.title, shipped.is_active) == ("Lavoro e casa", True)

    admin = login(world.users["admin"])
    assert admin.get(_url("instrument_edit", shipped)).status_code == 200
    assert _edit(admin, shipped).status_code == 302
    assert _set_active(admin, shipped, False).status_code == 302
    shipped.refresh_from_db()
    assert (shipped.title, shipped.is_active) == ("Scheda lavoro", False)


def test_it_hides_the_settings_of_another_access_points_instrument(world, login):
    other = _instrument(world, access_point="B", form_id="published_b")
    client = login(world.users["director"])
    assert client.get(_url("instrument_edit", other)).status_code == 404
    assert _edit(client, other).status_code == 404
    assert _set_active(client, other, False).status_code == 404
    other.refresh_from_db()
    assert (other.title, other.is_active) == ("Lavoro e casa", True)
    with pytest.raises(PermissionDenied):
        services.instrument_update(instrument=other, by=world.users["director"], title="x", description="",
                                   purpose=Purpose.OTHER, fill_roles=STAFF, read_roles=STAFF)


@pytest.mark.parametrize("role", ["social_expert", "outreach_operator"])
def test_it_lets_the_staff_change_no_settings(world, login, role):
    instrument = _instrument(world)
    client = login(world.users[role])
    assert client.get(_url("instrument_edit", instrument)).status_code == 403
    assert _edit(client, instrument).status_code == 403
    assert _set_active(client, instrument, False).status_code == 403
    instrument.refresh_from_db()
    assert (instrument.title, instrument.is_active) == ("Lavoro e casa", True)


def test_it_sends_anonymous_visitors_to_the_login_page_from_the_settings(world, client):
    instrument = _instrument(world)
    for response in (client.get(_url("instrument_edit", instrument)), _set_active(client, instrument, False)):
        assert response.status_code == 302 and "/login" in response.url
    instrument.refresh_from_db()
    assert instrument.is_active


def test_it_deactivates_an_instrument_and_offers_it_no_more(world, login):
    from pua.assessments import services as response_services
    from pua.cases.tests.factories import PersonFactory

    director = world.users["director"]
    instrument = _instrument(world)
    version = instrument.versions.get()
    person = PersonFactory(access_point=world.ap_a)
    given = response_services.response_start(version=version, person=person, by=director)
    client = login(director)
    start = reverse("assessments:response_start") + f"?person={person.pk}"
    assert [v.pk for v in client.get(start).context["versions"]] == [version.pk]
    assert client.get(_url("instrument_set_active", instrument)).status_code == 405

    response = _set_active(client, instrument, False)

    assert response.status_code == 302 and response.url == _url("instrument_detail", instrument)
    instrument.refresh_from_db()
    assert instrument.is_active is False
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_type="assessments.instrument")
    assert entry.changes == {"is_active": [True, False]}
    assert client.get(start).context["versions"] == []
    assert client.post(reverse("assessments:response_start"),
                       {"version": version.pk, "person": person.pk}).status_code == 404
    assert client.get(_url("response_detail", given)).status_code == 200  # answers already given stay readable
    detail = client.get(_url("instrument_detail", instrument))
    assert detail.status_code == 200 and b"Activate again" in detail.content
    assert _set_active(client, instrument, False).status_code == 302  # already inactive: a message, no change
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, object_type="assessments.instrument").count() == 1

    _set_active(client, instrument, True)

    instrument.refresh_from_db()
    assert instrument.is_active is True
    assert [v.pk for v in client.get(start).context["versions"]] == [version.pk]
