from django.urls import path

from tribune.inbox.views import actions, queue, rules, saved, stats, thread

app_name = "inbox"

B = "b/<slug:brand_slug>/inbox/"

urlpatterns = [
    path("inbox/", queue.agency_queue, name="all"),
    path(B, queue.queue_view, name="queue"),
    path(B + "bulk/", queue.bulk, name="bulk"),
    path(B + "stats/", stats.stats_view, name="stats"),
    path(B + "t/<int:thread_id>/", thread.thread_view, name="thread"),
    path(B + "t/<int:thread_id>/reply/", thread.reply, name="reply"),
    path(B + "t/<int:thread_id>/presence/", thread.presence_view, name="presence"),
    path(B + "t/<int:thread_id>/<slug:thread_op>/", actions.thread_action, name="thread_action"),
    path(
        B + "m/<int:message_id>/<slug:message_op>/", actions.message_action, name="message_action"
    ),
    path(B + "rules/", rules.rules_view, name="rules"),
    path(B + "rules/new/", rules.rule_edit, name="rule_new"),
    path(B + "rules/<int:rule_id>/", rules.rule_edit, name="rule_edit"),
    path(B + "rules/<int:rule_id>/dry-run/", rules.rule_dry_run, name="rule_dry_run"),
    path(B + "rules/<int:rule_id>/delete/", rules.rule_delete, name="rule_delete"),
    path(B + "moderation/", rules.moderation_log, name="moderation_log"),
    path(B + "moderation/<int:rule_action_id>/undo/", rules.undo, name="undo"),
    path(B + "saved-replies/", saved.saved_replies, name="saved_replies"),
    path(B + "saved-replies/<int:saved_reply_id>/", saved.saved_reply_edit, name="saved_reply"),
    path(
        B + "saved-replies/<int:saved_reply_id>/delete/",
        saved.saved_reply_delete,
        name="saved_reply_delete",
    ),
]
