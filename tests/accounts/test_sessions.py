"""Sessions end at browser close, after the idle time, or in 14 days when kept signed in."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _sign_in(password, remember=False):
    c = Client()
    data = {"login": "member", "password": password}
    if remember:
        data["remember"] = "on"
    c.post(reverse("account_login"), data)
    return c


def test_a_session_ends_at_browser_close_unless_kept(member, password):
    plain = _sign_in(password)
    assert plain.cookies["hearth_session"]["expires"] == ""
    kept = _sign_in(password, remember=True)
    assert kept.cookies["hearth_session"]["max-age"] == 14 * 24 * 3600


def test_sign_in_page_spells_out_keep_me_signed_in(client):
    assert "Keep me signed in on this device for 14 days" in client.get(reverse("account_login")).text


def test_idle_sessions_end_after_the_admins_idle_time(member, password, site):
    start = datetime.datetime.now(datetime.UTC)
    with time_machine.travel(start, tick=False):
        c = _sign_in(password)
        assert c.get(reverse("accounts:account")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=site.session_idle_minutes - 10), tick=False):
        assert c.get(reverse("accounts:account")).status_code == 200
    later = start + datetime.timedelta(minutes=2 * site.session_idle_minutes)
    with time_machine.travel(later, tick=False):
        assert c.get(reverse("accounts:account")).status_code == 302
        assert "signed out after a while" in c.get("/").text


def test_kept_sessions_are_not_ended_by_idleness(member, password, site):
    start = datetime.datetime.now(datetime.UTC)
    with time_machine.travel(start, tick=False):
        c = _sign_in(password, remember=True)
    with time_machine.travel(start + datetime.timedelta(days=3), tick=False):
        assert c.get(reverse("accounts:account")).status_code == 200


def test_the_idle_deadline_is_coarse_and_rarely_written(member, password):
    c = _sign_in(password)
    c.get("/")
    from django.contrib.sessions.models import Session

    data = Session.objects.get().get_decoded()
    assert data["hearth_idle_until"] % 300 == 0


def test_quick_exit_signs_out_when_the_member_chose_it(client_for, member):
    c = client_for(member)
    response = c.post(reverse("accounts:account"), {"quick_exit_signs_out": "on"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.quick_exit_signs_out
    assert c.get(reverse("quick_exit")).status_code == 302
    assert c.get(reverse("accounts:account")).status_code == 302


def test_quick_exit_keeps_the_session_by_default(client_for, member):
    c = client_for(member)
    c.get(reverse("quick_exit"))
    assert c.get(reverse("accounts:account")).status_code == 200
