"""Members report what endangers someone; nobody learns who reported."""

import pytest
from django.urls import reverse

from forum import actions as forum_actions
from forum.models import Status
from moderation import actions
from moderation.models import Case, LogEntry, Reason, Report

pytestmark = pytest.mark.django_db


def _report_post(client, post, reason=Reason.SPAM, note=""):
    return client.post(reverse("reports:report_post", args=[post.pk]), {"reason": reason, "note": note})


def test_member_reports_a_post_and_it_opens_one_case(client_for, other_member, topic):
    post = topic.posts.get()
    response = _report_post(client_for(other_member), post, note="selling things")
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.post == post and case.report_count == 1 and case.is_open
    assert case.subject == post.author
    assert Report.objects.get().reporter == other_member


def test_reports_of_the_same_item_share_one_case_with_a_count(client_for, user_factory, topic):
    post = topic.posts.get()
    for n in range(2):
        _report_post(client_for(user_factory(f"reporter{n}")), post)
    case = Case.objects.get()
    assert case.report_count == 2
    assert Report.objects.filter(case=case).count() == 2


def test_a_member_cannot_report_the_same_item_twice(client_for, other_member, topic):
    c = client_for(other_member)
    _report_post(c, topic.posts.get())
    response = _report_post(c, topic.posts.get(), reason=Reason.THREAT)
    assert response.status_code == 302
    assert Report.objects.count() == 1
    follow = c.get(topic.get_absolute_url())
    assert "already reported" in follow.text


def test_a_member_cannot_report_their_own_post_or_themself(client_for, member, topic):
    c = client_for(member)
    post = topic.posts.get()
    assert _report_post(c, post).status_code == 403
    assert c.post(reverse("reports:report_author", args=[post.pk]), {"reason": "spam"}).status_code == 403
    assert not Report.objects.exists()


def test_reporting_something_invisible_or_deleted_answers_404(client_for, other_member, members_board, member, topic_factory, new_member, board):
    c = client_for(other_member)
    assert c.get(reverse("reports:report_post", args=[999999])).status_code == 404
    held = forum_actions.create_topic(board, author=new_member, title="held", body="held")
    assert c.get(reverse("reports:report_post", args=[held.posts.get().pk])).status_code == 404
    assert c.get(reverse("reports:report_topic", args=[held.pk])).status_code == 404
    hidden_board_topic = topic_factory(members_board, member)
    assert client_for(None).get(reverse("reports:report_topic", args=[hidden_board_topic.pk])).status_code == 302


def test_exposure_report_hides_the_post_at_once(client_for, other_member, member, topic_factory, board, site):
    topic = topic_factory(board, member, replies=1)
    reply = topic.posts.order_by("id").last()
    _report_post(client_for(other_member), reply, reason=Reason.EXPOSURE)
    reply.refresh_from_db()
    assert reply.status == Status.HIDDEN
    assert "Reply 1" not in client_for(None).get(topic.get_absolute_url()).text
    assert LogEntry.objects.get().action == "auto_hide"
    assert Case.objects.get().auto_hidden


def test_exposure_report_on_a_topic_hides_the_topic(client_for, other_member, topic):
    client_for(other_member).post(reverse("reports:report_topic", args=[topic.pk]), {"reason": Reason.EXPOSURE})
    topic.refresh_from_db()
    assert topic.status == Status.HIDDEN
    assert client_for(None).get(topic.get_absolute_url()).status_code == 404


def test_other_reasons_hide_after_the_threshold_of_distinct_members(client_for, user_factory, topic, site):
    site.report_hide_threshold = 2
    site.save()
    post = topic.posts.get()
    _report_post(client_for(user_factory("first")), post)
    post.refresh_from_db()
    assert post.status == Status.VISIBLE
    _report_post(client_for(user_factory("second")), post, reason=Reason.OFF_TOPIC)
    post.refresh_from_db()
    assert post.status == Status.HIDDEN


def test_report_flood_is_rate_limited_with_429(client_for, other_member, board, member, topic_factory):
    c = client_for(other_member)
    topics = [topic_factory(board, member, title=f"t{n}") for n in range(12)]
    statuses = [_report_post(c, t.posts.get()).status_code for t in topics]
    assert 429 in statuses
    assert statuses[0] == 302
    assert "Please slow down" in _report_post(c, topics[-1].posts.get()).text


def test_suspended_member_cannot_report(client_for, user_factory, topic):
    from django.utils import timezone

    paused = user_factory("paused", suspended_until=timezone.now() + timezone.timedelta(days=1))
    assert _report_post(client_for(paused), topic.posts.get()).status_code == 403


def test_note_is_length_limited(client_for, other_member, topic):
    response = _report_post(client_for(other_member), topic.posts.get(), note="n" * 1001)
    assert response.status_code == 200
    assert "under 1000 characters" in response.text
    assert not Report.objects.exists()


def test_reported_member_sees_no_trace_of_the_reporter(client_for, user_factory, member, topic, mod):
    reporter = user_factory("whistle")
    post = topic.posts.get()
    _report_post(client_for(reporter), post, reason=Reason.THREAT, note="they threatened me")
    case = Case.objects.get()
    actions.hide_post(post, actor=mod, reason="threats are not allowed")
    actions.warn_member(member, actor=mod, reason="Please keep it kind.")
    c = client_for(member)
    pages = [c.get(url).text for url in ("/", topic.get_absolute_url(), reverse("accounts:account"),
                                         topic.board.get_absolute_url())]
    for page in pages:
        assert "whistle" not in page
        assert "they threatened me" not in page
        assert mod.username not in page
    assert "A message from a moderator" in pages[0]
    assert case.reports.get().reporter == reporter


def test_moderators_see_reasons_and_notes_but_not_the_reporter(client_for, user_factory, topic, mod):
    reporter = user_factory("whistle")
    _report_post(client_for(reporter), topic.posts.get(), reason=Reason.THREAT, note="a clear note")
    queue = client_for(mod).get(reverse("moderation:queue")).text
    assert "a clear note" in queue and "Threat or harassment" in queue
    assert "whistle" not in queue
    detail = client_for(mod).get(reverse("moderation:case_detail", args=[Case.objects.get().pk])).text
    assert "whistle" not in detail


def test_a_member_cannot_report_again_what_a_moderator_dismissed(client_for, other_member, topic, mod):
    post = topic.posts.get()
    c = client_for(other_member)
    _report_post(c, post, reason=Reason.EXPOSURE)
    actions.dismiss_case(Case.objects.get(), actor=mod, reason="no name in it")
    response = _report_post(c, post, reason=Reason.EXPOSURE)
    assert response.status_code == 302
    assert "already reported" in c.get(topic.get_absolute_url()).text
    post.refresh_from_db()
    assert post.status == Status.VISIBLE
    assert Report.objects.count() == 1 and Case.objects.count() == 1
    assert LogEntry.objects.filter(action="auto_hide").count() == 1


def test_the_same_reporter_cannot_hide_a_dismissed_item_again_at_all(other_member, topic, mod):
    post = topic.posts.get()
    for _round in range(3):
        try:
            actions.report(post, reporter=other_member, reason=Reason.EXPOSURE)
        except actions.AlreadyReported:
            pass
        case = Case.objects.open().filter(post=post).first()
        if case is not None:
            actions.dismiss_case(case, actor=mod, reason="fine")
    post.refresh_from_db()
    assert post.status == Status.VISIBLE
    assert LogEntry.objects.filter(action="auto_hide").count() == 1


def test_reporting_the_topic_of_a_dismissed_first_post_does_not_hide_it_again(client_for, other_member, topic, mod):
    post = topic.posts.get()
    actions.report(post, reporter=other_member, reason=Reason.EXPOSURE)
    actions.dismiss_case(Case.objects.get(), actor=mod, reason="no name in it")
    response = client_for(other_member).post(reverse("reports:report_topic", args=[topic.pk]), {"reason": Reason.EXPOSURE})
    assert response.status_code == 302
    topic.refresh_from_db()
    post.refresh_from_db()
    assert (topic.status, post.status) == (Status.VISIBLE, Status.VISIBLE)
    assert Case.objects.open().get().topic == topic  # the report still reaches the moderators


def test_another_member_can_still_report_a_dismissed_item_and_hide_it(user_factory, other_member, topic, mod):
    post = topic.posts.get()
    actions.report(post, reporter=other_member, reason=Reason.EXPOSURE)
    actions.dismiss_case(Case.objects.get(), actor=mod, reason="no name in it")
    actions.report(post, reporter=user_factory("witness"), reason=Reason.EXPOSURE)
    post.refresh_from_db()
    assert post.status == Status.HIDDEN


def test_a_member_cannot_report_a_member_twice_after_the_case_closed(other_member, member, mod):
    actions.report(member, reporter=other_member, reason=Reason.INFORMANT)
    actions.dismiss_case(Case.objects.get(), actor=mod, reason="no sign of it")
    with pytest.raises(actions.AlreadyReported):
        actions.report(member, reporter=other_member, reason=Reason.INFORMANT)


def test_reporting_an_item_deleted_meanwhile_answers_404(client_for, other_member, topic, monkeypatch):
    post = topic.posts.get()

    def gone(*args, **kwargs):
        raise actions.AlreadyHandled

    monkeypatch.setattr(actions, "_lock", gone)
    assert _report_post(client_for(other_member), post).status_code == 404
    assert not Report.objects.exists()
