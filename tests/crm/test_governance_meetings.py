

# --- Demo ---------------------------------------------------------------------------------------------


def test_the_demo_makes_a_year_of_pag_meetings_the_psg_quarters_and_runs_twice_without_change():
    from crm import demo as crm_demo
    from crm.governance import demo as governance_demo

    crm_demo.seed()
    UserFactory(roles=[roles.PREVENT_ADMIN], email=governance_demo.TEAM_EMAIL)
    pag_member = UserFactory(roles=[roles.PAG_MEMBER], email=governance_demo.PAG_MEMBER_EMAIL)
    governance_demo.seed()
    counts = governance_demo.seed()

    pag = MeetingSeries.objects.get(slug="pag")
    meetings = list(pag.meetings.order_by("starts_at"))
    now = timezone.now()
    assert len([m for m in meetings if m.starts_at < now]) == 12 and len(meetings) == 13
    held = [m for m in meetings if m.starts_at < now]
    assert all(m.minutes.live for m in held[:-1]) and not held[-1].minutes.live, "the latest minutes are a draft"
    assert all(m.attendance.exists() and m.agenda_items.exists() for m in held)
    assert {m.concerns.count() for m in held} == {3}
    assert MeetingSeries.objects.get(slug="psg").meetings.count() == 4
    assert MeetingSeries.objects.filter(kind=SeriesKind.BOARD).exists()
    assert pag.members.filter(representative=pag_member).count() == 1
    actions = MeetingAction.objects.filter(meeting__series=pag)
    assert any(a.is_overdue for a in actions)
    assert actions.filter(status=ActionStatus.DONE, updates__isnull=False).exists()
    assert actions.filter(status=ActionStatus.OPEN, due_on__gte=timezone.localdate()).exists()
    assert counts["meetings"] == 18
