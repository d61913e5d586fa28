"""Agreements: list with filters, detail, create and edit, derived states,
permissions and the expiry alert on the home page."""

import pytest
from django.urls import reverse

from pua.core.models import AuditEntry
from pua.network.models import Agreement, Membership, Role, Service
from pua.network.tests.agreement_factories import AgreementFactory, catalogue_service, days
from pua.network.tests.factories import MembershipFactory, OrganisationFactory

VIEWERS = ["director", "social_expert", "labour_expert", "outreach_operator", "board_viewer", "regional_coordinator",
           "admin"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _form_data(world, **overrides):
    data = {
        "kind": "network_agreement", "subject": "Accordo di rete per l'inclusione", "parties": [world.org_a.pk],
        "services": [catalogue_service().pk], "signed_on": days(-10).isoformat(), "valid_from": days(-10).isoformat(),
        "valid_until": days(355).isoformat(), "status": "active", "notes": "",
    }
    data.update(overrides)
    return data


def _bulk_agreements(count, world):
    agreements = Agreement.objects.bulk_create(
        Agreement(access_point=world.ap_a, kind="contract", subject=f"Contratto {i:04d}", status="active",
                  valid_until=days(i)) for i in range(count)
    )
    Through = Agreement.parties.through
    Through.objects.bulk_create(
        Through(agreement_id=a.pk, organisation_id=org.pk) for a in agreements for org in (world.org_a, world.partner_org)
    )


@pytest.mark.parametrize("count", [10, 300])
def test_it_lists_agreements_with_a_fixed_number_of_queries(world, login, count, django_assert_max_num_queries):
    _bulk_agreements(count, world)
    client = login(world.users["director"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("network:agreement_list"))
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == count
    assert len(page.object_list) == min(25, count)
    assert "Associazione Partner" in response.content.decode()


def test_it_filters_agreements_by_kind_state_party_and_expiry(world, login):
    protocol = AgreementFactory(access_point=world.ap_a, kind="protocol", subject="Protocollo", parties=[world.org_a])
    contract = AgreementFactory(access_point=world.ap_a, kind="contract", subject="Contratto", valid_until=days(20),
                                parties=[world.partner_org])
    expired = AgreementFactory(access_point=world.ap_a, kind="convention", subject="Convenzione",
                               valid_from=days(-400), valid_until=days(-1), parties=[world.org_a])
    draft = AgreementFactory(access_point=world.ap_a, status="draft", subject="Bozza", valid_until=days(10),
                             parties=[world.org_a])
    client = login(world.users["social_expert"])

    def subjects(**params):
        return {a.subject for a in client.get(reverse("network:agreement_list"), params).context["page"].object_list}

    assert subjects() == {"Protocollo", "Contratto", "Convenzione", "Bozza"}
    assert subjects(kind="contract") == {contract.subject}
    assert subjects(party=world.partner_org.pk) == {contract.subject}
    assert subjects(expiring="on") == {contract.subject}
    assert subjects(state="expired") == {expired.subject}
    assert subjects(state="active") == {protocol.subject}
    assert subjects(state="draft") == {draft.subject}
    assert subjects(q="convenz") == {expired.subject}


def test_it_derives_expired_and_expiring_without_storing_them(world, login):
    expired = AgreementFactory(access_point=world.ap_a, valid_from=days(-400), valid_until=days(-1),
                               parties=[world.org_a])
    expiring = AgreementFactory(access_point=world.ap_a, valid_until=days(60), parties=[world.org_a])
    later = AgreementFactory(access_point=world.ap_a, valid_until=days(61), parties=[world.org_a])
    terminated = AgreementFactory(access_point=world.ap_a, status="terminated", valid_until=days(-5),
                                  parties=[world.org_a])
    client = login(world.users["director"])

    states = {a.pk: a.state for a in client.get(reverse("network:agreement_list")).context["page"].object_list}

    assert states == {expired.pk: "expired", expiring.pk: "expiring", later.pk: "active", terminated.pk: "terminated"}
    assert set(Agreement.objects.values_list("status", flat=True)) == {"active", "terminated"}
    detail = client.get(reverse("network:agreement_detail", args=[expired.pk]))
    assert detail.context["agreement"].state == "expired"


def test_it_reads_the_alert_window_from_the_settings(world, login, settings):
    settings.AGREEMENT_EXPIRY_ALERT_DAYS = 10
    soon = AgreementFactory(access_point=world.ap_a, valid_until=days(5), parties=[world.org_a])
    AgreementFactory(access_point=world.ap_a, valid_until=days(30), parties=[world.org_a])
    client = login(world.users["director"])

    listed = client.get(reverse("network:agreement_list"), {"expiring": "on"}).context["page"].object_list

    assert [a.pk for a in listed] == [soon.pk]


@pytest.mark.parametrize("role", VIEWERS)
def test_it_shows_an_agreement_to_the_network_viewers_of_its_access_point(world, login, role):
    agreement = AgreementFactory(access_point=world.ap_a, parties=[world.org_a])
    client = login(world.users[role])

    response = client.get(reverse("network:agreement_detail", args=[agreement.pk]))

    assert response.status_code == 200
    assert response.context["can_change"] is (role in ("director", "admin"))


def test_it_hides_agreements_from_partners(world, login):
    agreement = AgreementFactory(access_point=world.ap_a, parties=[world.partner_org])
    client = login(world.users["partner_operator"])

    assert client.get(reverse("network:agreement_list")).context["page"].paginator.count == 0
    assert client.get(reverse("network:agreement_detail", args=[agreement.pk])).status_code == 404
    assert client.get(reverse("network:agreement_edit", args=[agreement.pk])).status_code == 404
    assert client.get(reverse("network:agreement_create")).status_code == 403


def test_it_hides_agreements_of_another_access_point(world, login):
    agreement = AgreementFactory(access_point=world.ap_a, subject="Accordo di Alfa", parties=[world.org_a])
    client = login(world.other_director)

    assert "Accordo di Alfa" not in client.get(reverse("network:agreement_list")).content.decode()
    assert client.get(reverse("network:agreement_detail", args=[agreement.pk])).status_code == 404
    assert client.get(reverse("network:agreement_edit", args=[agreement.pk])).status_code == 404
    response = client.post(reverse("network:agreement_edit", args=[agreement.pk]), _form_data(world))
    assert response.status_code == 404
    assert Agreement.objects.get(pk=agreement.pk).subject == "Accordo di Alfa"


@pytest.mark.parametrize("role", ["social_expert", "labour_expert", "outreach_operator", "board_viewer",
                                  "regional_coordinator"])
def test_it_lets_only_directors_create_or_edit_agreements(world, login, role):
    agreement = AgreementFactory(access_point=world.ap_a, parties=[world.org_a])
    client = login(world.users[role])

    assert client.get(reverse("network:agreement_create")).status_code == 403
    assert client.post(reverse("network:agreement_create"), _form_data(world)).status_code == 403
    assert client.get(reverse("network:agreement_edit", args=[agreement.pk])).status_code == 403
    assert client.post(reverse("network:agreement_edit", args=[agreement.pk]), _form_data(world)).status_code == 403
    assert Agreement.objects.count() == 1


def test_it_lets_a_director_create_an_agreement_and_audits_it(world, login):
    client = login(world.users["director"])

    response = client.post(reverse("network:agreement_create"), _form_data(world, parties=[world.org_a.pk,
                                                                                             world.partner_org.pk]))

    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("network:agreement_detail", args=[agreement.pk])
    assert agreement.access_point == world.ap_a
    assert set(agreement.parties.all()) == {world.org_a, world.partner_org}
    assert list(agreement.services.all()) == [catalogue_service()]
    entry = AuditEntry.objects.get(action="create", object_type="network.agreement", object_id=str(agreement.pk))
    assert entry.actor == world.users["director"]
    assert entry.changes["subject"] == [None, "Accordo di rete per l'inclusione"]
    assert entry.changes["parties"] == [None, sorted([world.org_a.pk, world.partner_org.pk])]
    assert entry.access_point_id == world.ap_a.pk


def test_it_refuses_a_new_agreement_where_the_director_does_not_direct(world, login):
    # Director at B, social expert at A, working now at A.
    MembershipFactory(user=world.other_director, organisation=world.home_org_a, role=Role.SOCIAL_EXPERT,
                      access_points=[world.ap_a])
    client = login(world.other_director)
    client.post(reverse("network:access_point_switch"), {"access_point": world.ap_a.pk})

    assert client.get(reverse("network:agreement_create")).status_code == 403
    assert client.post(reverse("network:agreement_create"), _form_data(world)).status_code == 403
    assert not Agreement.objects.exists()


def test_it_checks_the_dates_of_an_agreement(world, login):
    client = login(world.users["director"])

    response = client.post(reverse("network:agreement_create"), _form_data(
        world, signed_on=days(1).isoformat(), valid_from=days(10).isoformat(), valid_until=days(9).isoformat(),
    ))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error("signed_on", "future_date")
    assert form.has_error("valid_until", "ends_before_start")
    assert not Agreement.objects.exists()


def test_it_needs_a_party_from_the_users_network(world, login):
    client = login(world.users["director"])

    no_party = client.post(reverse("network:agreement_create"), _form_data(world, parties=[]))
    other_network = client.post(reverse("network:agreement_create"), _form_data(world, parties=[world.org_b.pk]))

    assert no_party.context["form"].has_error("parties", "required")
    assert other_network.context["form"].has_error("parties", "invalid_choice")
    assert not Agreement.objects.exists()


def test_it_relates_agreements_only_to_services_of_the_catalogue(world, login):
    phase = Service.objects.filter(level="phase").first()
    client = login(world.users["director"])

    response = client.post(reverse("network:agreement_create"), _form_data(world, services=[phase.pk]))

    assert response.context["form"].has_error("services", "invalid_choice")
    assert not Agreement.objects.exists()


def test_it_lets_a_director_edit_an_agreement_and_audits_the_changes(world, login):
    agreement = AgreementFactory(access_point=world.ap_a, subject="Vecchio titolo", status="draft",
                                 parties=[world.org_a])
    client = login(world.users["director"])

    response = client.post(reverse("network:agreement_edit", args=[agreement.pk]), _form_data(
        world, subject="Nuovo titolo", status="terminated", parties=[world.partner_org.pk], services=[],
    ))

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.subject == "Nuovo titolo"
    assert list(agreement.parties.all()) == [world.partner_org]
    entry = AuditEntry.objects.get(action="update", object_type="network.agreement", object_id=str(agreement.pk))
    assert entry.changes["subject"] == ["Vecchio titolo", "Nuovo titolo"]
    assert entry.changes["status"] == ["draft", "terminated"]
    assert entry.changes["parties"] == [[world.org_a.pk], [world.partner_org.pk]]


def test_it_alerts_on_the_home_page_about_agreements_ending_soon(world, login, django_assert_max_num_queries):
    AgreementFactory(access_point=world.ap_a, subject="Scade tra trenta giorni", valid_until=days(30),
                     parties=[world.org_a])
    AgreementFactory(access_point=world.ap_a, subject="Scade tra novanta giorni", valid_until=days(90),
                     parties=[world.org_a])
    AgreementFactory(access_point=world.ap_b, subject="Scade a Beta", valid_until=days(20), parties=[world.org_b])
    Agreement.objects.bulk_create(
        Agreement(access_point=world.ap_a, kind="contract", subject=f"Contratto {i:02d}", status="active",
                  valid_until=days(40 + i)) for i in range(20)
    )
    client = login(world.users["board_viewer"])

    with django_assert_max_num_queries(20):
        response = client.get(reverse("home"))

    body = response.content.decode()
    assert len(response.context["agreements_expiring"]) == 10  # bounded: the rest is one link away

    assert 'id="agreements-expiring-box"' in body
    assert "Scade tra trenta giorni" in body
    assert "Scade tra novanta giorni" not in body
    assert "Scade a Beta" not in body


def test_it_shows_no_agreement_alert_to_partners(world, login):
    AgreementFactory(access_point=world.ap_a, subject="Scade tra trenta giorni", valid_until=days(30),
                     parties=[world.partner_org])
    client = login(world.users["partner_operator"])

    body = client.get(reverse("home")).content.decode()

    assert "Scade tra trenta giorni" not in body
    assert 'id="agreements-expiring-box"' not in body
    assert Membership.objects.filter(user=world.users["partner_operator"]).exists()


def test_it_keeps_an_organisation_out_of_reach_off_the_party_choices(world, login):
    OrganisationFactory(name="Ente Lontano", access_points=[world.ap_b])
    client = login(world.users["director"])

    body = client.get(reverse("network:agreement_create")).content.decode()

    assert "Cooperativa Alfa" in body
    assert "Ente Lontano" not in body
    assert "Cooperativa Beta" not in body


def test_it_keeps_a_party_that_has_left_the_network_when_editing(world, login):
    agreement = AgreementFactory(access_point=world.ap_a, parties=[world.org_a], subject="Prima")
    world.org_a.access_points.clear()
    client = login(world.users["director"])

    response = client.post(reverse("network:agreement_edit", args=[agreement.pk]),
                           _form_data(world, subject="Dopo", parties=[world.org_a.pk], services=[]))
    refused = client.post(reverse("network:agreement_create"), _form_data(world, parties=[world.org_a.pk]))

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.subject == "Dopo"
    assert list(agreement.parties.all()) == [world.org_a]
    assert refused.context["form"].has_error("parties", "invalid_choice")
