"""The network contact log: quick form, list with filters and summary by
actor type, edit by the author or a director, permissions."""

import pytest
from django.urls import reverse

from pua.core.models import AuditEntry
from pua.network.models import NetworkContact, Role
from pua.network.tests.agreement_factories import NetworkContactFactory, days, today
from pua.network.tests.factories import MembershipFactory

OPERATORS = ["director", "social_expert", "labour_expert", "outreach_operator"]
NOT_OPERATORS = ["partner_operator", "board_viewer", "regional_coordinator"]


def _form_data(**overrides):
    data = {
        "date": today().isoformat(), "organisation": "", "organisation_name": "Officine Rossi srl",
        "actor_type": "local_business", "channel": "visit", "purpose": "Disponibilità a tirocini",
        "outcome": "Interessati a due tirocini", "next_step": "Inviare i profili", "next_step_due": days(7).isoformat(),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", OPERATORS)
def test_it_lets_operators_log_a_contact_for_their_access_point(world, login, role):
    client = login(world.users[role])

    response = client.post(reverse("network:network_contact_create"), _form_data())

    contact = NetworkContact.objects.get()
    assert response.status_code == 302
    assert contact.operator == world.users[role]
    assert contact.access_point == world.ap_a
    assert contact.organisation_name == "Officine Rossi srl"
    entry = AuditEntry.objects.get(action="create", object_type="network.networkcontact")
    assert entry.actor == world.users[role]
    assert entry.changes["actor_type"] == [None, "local_business"]


def test_it_proposes_today_as_the_date_of_a_new_contact(world, login):
    client = login(world.users["outreach_operator"])

    form = client.get(reverse("network:network_contact_create")).context["form"]

    assert form["date"].value() == today()


@pytest.mark.parametrize("role", NOT_OPERATORS)
def test_it_keeps_partners_and_board_members_out_of_the_contact_log(world, login, role):
    contact = NetworkContactFactory(access_point=world.ap_a, operator=world.users["director"])
    client = login(world.users[role])

    assert client.get(reverse("network:network_contact_list")).status_code == 403
    assert client.get(reverse("network:network_contact_create")).status_code == 403
    assert client.post(reverse("network:network_contact_create"), _form_data()).status_code == 403
    assert client.get(reverse("network:network_contact_detail", args=[contact.pk])).status_code == 404
    assert client.get(reverse("network:network_contact_edit", args=[contact.pk])).status_code == 404
    assert NetworkContact.objects.count() == 1


def test_it_hides_the_contacts_of_another_access_point(world, login):
    contact = NetworkContactFactory(access_point=world.ap_a, operator=world.users["director"],
                                    organisation_name="Segreto di Alfa")
    client = login(world.other_worker)

    listed = client.get(reverse("network:network_contact_list"))
    assert listed.status_code == 200
    assert "Segreto di Alfa" not in listed.content.decode()
    assert client.get(reverse("network:network_contact_detail", args=[contact.pk])).status_code == 404
    assert client.post(reverse("network:network_contact_edit", args=[contact.pk]), _form_data()).status_code == 404
    assert NetworkContact.objects.get().organisation_name == "Segreto di Alfa"


def test_it_takes_exactly_one_of_a_registered_organisation_or_a_name(world, login):
    client = login(world.users["social_expert"])

    both = client.post(reverse("network:network_contact_create"), _form_data(organisation=world.org_a.pk))
    neither = client.post(reverse("network:network_contact_create"), _form_data(organisation_name=""))
    out_of_reach = client.post(reverse("network:network_contact_create"),
                               _form_data(organisation=world.org_b.pk, organisation_name=""))
    registered = client.post(reverse("network:network_contact_create"),
                             _form_data(organisation=world.org_a.pk, organisation_name=""))

    assert both.context["form"].has_error("organisation_name", "organisation_twice")
    assert neither.context["form"].has_error("organisation", "organisation_missing")
    assert out_of_reach.context["form"].has_error("organisation", "invalid_choice")
    assert registered.status_code == 302
    assert NetworkContact.objects.get().organisation == world.org_a


def test_it_refuses_a_future_date_and_a_due_date_without_a_next_step(world, login):
    client = login(world.users["labour_expert"])

    response = client.post(reverse("network:network_contact_create"),
                           _form_data(date=days(1).isoformat(), next_step=""))

    form = response.context["form"]
    assert form.has_error("date", "future_date")
    assert form.has_error("next_step", "next_step_missing")
    assert not NetworkContact.objects.exists()


def test_it_lets_the_author_and_a_director_edit_a_contact_but_not_a_colleague(world, login):
    contact = NetworkContactFactory(access_point=world.ap_a, operator=world.users["social_expert"], purpose="Prima")

    colleague = login(world.users["labour_expert"])
    assert colleague.get(reverse("network:network_contact_detail", args=[contact.pk])).status_code == 200
    assert colleague.post(reverse("network:network_contact_edit", args=[contact.pk]),
                          _form_data(purpose="Dal collega")).status_code == 403

    author = login(world.users["social_expert"])
    assert author.post(reverse("network:network_contact_edit", args=[contact.pk]),
                       _form_data(purpose="Dall'autore")).status_code == 302

    director = login(world.users["director"])
    assert director.post(reverse("network:network_contact_edit", args=[contact.pk]),
                         _form_data(purpose="Dal direttore")).status_code == 302

    contact.refresh_from_db()
    assert contact.purpose == "Dal direttore"
    assert contact.operator == world.users["social_expert"]
    entries = AuditEntry.objects.filter(action="update", object_type="network.networkcontact").order_by("id")
    assert [e.changes["purpose"] for e in entries] == [["Prima", "Dall'autore"], ["Dall'autore", "Dal direttore"]]
    assert [e.actor for e in entries] == [world.users["social_expert"], world.users["director"]]


def test_it_filters_the_log(world, login):
    director, expert = world.users["director"], world.users["social_expert"]
    business = NetworkContactFactory(access_point=world.ap_a, operator=director, date=days(-40),
                                     organisation_name="Impresa Vecchia")
    third = NetworkContactFactory(access_point=world.ap_a, operator=expert, date=days(-5), actor_type="third_sector",
                                  organisation=world.org_a, organisation_name="")
    due = NetworkContactFactory(access_point=world.ap_a, operator=expert, date=days(-2), organisation_name="Da seguire",
                                next_step="Richiamare", next_step_due=days(3))
    NetworkContactFactory(access_point=world.ap_a, operator=expert, date=days(-2), organisation_name="Più avanti",
                          next_step="Richiamare", next_step_due=days(30))
    client = login(world.users["outreach_operator"])

    def listed(**params):
        response = client.get(reverse("network:network_contact_list"), params)
        assert response.status_code == 200
        return {c.pk for c in response.context["page"].object_list}

    assert len(listed()) == 4
    assert listed(actor_type="third_sector") == {third.pk}
    assert listed(date_to=days(-30).isoformat()) == {business.pk}
    assert business.pk not in listed(date_from=days(-10).isoformat())
    assert listed(organisation=world.org_a.pk) == {third.pk}
    assert listed(operator=director.pk) == {business.pk}
    assert listed(follow_ups_due="on") == {due.pk}


def test_it_counts_contacts_by_actor_type_for_the_period(world, login, django_assert_max_num_queries):
    for _ in range(3):
        NetworkContactFactory(access_point=world.ap_a, operator=world.users["director"], date=days(-3))
    NetworkContactFactory(access_point=world.ap_a, operator=world.users["director"], date=days(-3),
                          actor_type="training_body")
    NetworkContactFactory(access_point=world.ap_a, operator=world.users["director"], date=days(-100))
    NetworkContactFactory(access_point=world.ap_b, operator=world.other_worker, date=days(-3))
    client = login(world.users["director"])

    with django_assert_max_num_queries(14):
        response = client.get(reverse("network:network_contact_list"), {"date_from": days(-30).isoformat()})

    summary = response.context["summary"]
    counts = {row["actor_type"]: row["count"] for row in summary["by_actor_type"]}
    assert counts == {"local_business": 3, "third_sector": 0, "training_body": 1, "stakeholder": 0, "institution": 0}
    assert summary["total"] == 4
    all_time = client.get(reverse("network:network_contact_list")).context["summary"]
    assert all_time["total"] == 5


@pytest.mark.parametrize("count", [10, 300])
def test_it_lists_contacts_with_a_fixed_number_of_queries(world, login, count, django_assert_max_num_queries):
    NetworkContact.objects.bulk_create(
        NetworkContact(access_point=world.ap_a, operator=world.users["director"], date=days(-i % 200),
                       organisation=world.org_a if i % 2 else None, organisation_name="" if i % 2 else f"Ditta {i}",
                       actor_type="local_business", channel="phone", purpose="Contatto")
        for i in range(count)
    )
    client = login(world.users["social_expert"])

    with django_assert_max_num_queries(14):
        response = client.get(reverse("network:network_contact_list"))

    assert response.status_code == 200
    assert response.context["page"].paginator.count == count
    assert len(response.context["page"].object_list) == min(25, count)


def test_it_refuses_to_log_a_contact_where_the_user_is_not_an_operator(world, login):
    # A board member at A who is also an operator at B, working now at A.
    MembershipFactory(user=world.users["board_viewer"], organisation=world.home_org_b, role=Role.OUTREACH_OPERATOR,
                      access_points=[world.ap_b])
    client = login(world.users["board_viewer"])
    client.post(reverse("network:access_point_switch"), {"access_point": world.ap_a.pk})

    assert client.get(reverse("network:network_contact_create")).status_code == 403
    assert client.get(reverse("network:network_contact_list")).status_code == 200


def test_it_shows_my_follow_ups_due_on_the_home_page(world, login):
    me, colleague = world.users["outreach_operator"], world.users["social_expert"]
    NetworkContactFactory(access_point=world.ap_a, operator=me, organisation_name="Ditta In Ritardo",
                          next_step="Richiamare il titolare", next_step_due=days(-2))
    NetworkContactFactory(access_point=world.ap_a, operator=me, organisation_name="Ditta Lontana",
                          next_step="Visita", next_step_due=days(40))
    NetworkContactFactory(access_point=world.ap_a, operator=colleague, organisation_name="Ditta del Collega",
                          next_step="Visita", next_step_due=days(1))
    client = login(me)

    body = client.get(reverse("home")).content.decode()

    assert 'id="follow-ups-due-box"' in body
    assert "Ditta In Ritardo" in body
    assert "Ditta Lontana" not in body
    assert "Ditta del Collega" not in body
