from django.urls import path

from tribune.community.views import briefings, events, feedback, leaders, members, segments

app_name = "community"

B = "b/<slug:brand_slug>/community/"

urlpatterns = [
    # Reached from emails and shared links (signed tokens, no brand in the address).
    path("community/rsvp/<str:token>/", events.rsvp, name="rsvp"),
    path("community/rsvp/<str:token>/qr.svg", events.ticket_qr, name="ticket_qr"),
    path("community/rsvp/<str:token>/event.ics", events.invitation_ical, name="invitation_ical"),
    path("community/check-in/<str:token>/", events.checkin_scan, name="checkin_scan"),
    path("community/survey/<str:token>/", events.survey, name="survey"),
    path("community/briefing/<str:token>/", briefings.briefing_page, name="briefing_page"),
    path("community/briefing/<str:token>/go/", briefings.briefing_go, name="briefing_go"),
    path("community/briefing/<str:token>/o.gif", briefings.briefing_pixel, name="briefing_pixel"),
    path("community/feedback/<str:token>/", feedback.feedback_shared, name="feedback_shared"),
    # The team's screens.
    path(B, members.member_list, name="members"),
    path(B + "members/new/", members.member_create, name="member_create"),
    path(B + "sync/", members.sync_now, name="sync"),
    path(B + "members/<int:member_id>/", members.member_detail, name="member"),
    path(
        B + "members/<int:member_id>/export.<slug:export_format>",
        members.member_export,
        name="member_export",
    ),
    path(B + "members/<int:member_id>/merge/", members.merge_with, name="merge_with"),
    path(B + "members/<int:member_id>/stage/", leaders.set_stage, name="set_stage"),
    path(
        B + "members/<int:member_id>/<slug:member_op>/",
        members.member_action,
        name="member_action",
    ),
    path(B + "duplicates/", members.suggestions, name="suggestions"),
    path(
        B + "duplicates/<int:suggestion_id>/<slug:suggestion_op>/",
        members.suggestion_action,
        name="suggestion_action",
    ),
    path(B + "merges/<int:merge_id>/undo/", members.unmerge, name="unmerge"),
    path(B + "leaders/", leaders.leaders, name="leaders"),
    path(B + "outreach/", leaders.pipeline, name="pipeline"),
    path(B + "competitors/", leaders.competitors, name="competitors"),
    path(B + "events/", events.event_list, name="events"),
    path(B + "events/<int:event_id>/", events.event_detail, name="event"),
    path(B + "events/<int:event_id>/event.ics", events.event_ical, name="event_ical"),
    path(B + "events/<int:event_id>/<slug:event_op>/", events.event_action, name="event_action"),
    path(B + "invitations/<int:invitation_id>/check-in/", events.check_in, name="check_in"),
    path(B + "briefings/", briefings.briefing_list, name="briefings"),
    path(B + "briefings/<int:briefing_id>/", briefings.briefing_detail, name="briefing"),
    path(
        B + "briefings/<int:briefing_id>/cancel/", briefings.briefing_cancel, name="briefing_cancel"
    ),
    path(B + "feedback/", feedback.feedback_list, name="feedback"),
    path(B + "feedback/export.csv", feedback.feedback_csv, name="feedback_csv"),
    path(B + "feedback/add/", feedback.feedback_add, name="feedback_add"),
    path(B + "feedback/collect/", feedback.feedback_collect, name="feedback_collect"),
    path(B + "feedback/share/", feedback.feedback_share, name="feedback_share"),
    path(B + "segments/", segments.segment_list, name="segments"),
    path(B + "segments/<int:segment_id>/", segments.segment_detail, name="segment"),
    path(B + "segments/save/", segments.segment_save, name="segment_save"),
    path(B + "segments/compute/", segments.segment_compute, name="segment_compute"),
]
