"""Accounts and agenda URLs (PRODUCT.md "URL map"); Django's auth views live beside them."""

from django.urls import path

from accounts import news, sharing, subscriptions, views

app_name = "accounts"

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/", views.account, name="account"),
    path("accounts/feed-token/", views.regenerate_feed, name="regenerate-feed"),
    path("accounts/delete/", views.delete_account, name="delete"),
    path("accounts/api-token/", views.api_token, name="api-token"),
    path("accounts/unsubscribe/<str:token>/", news.unsubscribe, name="unsubscribe"),
    path("agenda/changes-seen/", news.mark_changes_seen, name="agenda-changes-seen"),
    path("agenda/", views.agenda, name="agenda"),
    path("agenda/save/", views.save_item, name="agenda-save"),
    path("agenda/resume/", views.resume_save, name="agenda-resume"),
    path("agenda/<int:pk>/remove/", views.remove_agenda_item, name="agenda-remove"),
    path("agenda/<str:token>.ics", subscriptions.feed, name="agenda-feed"),
    path("agenda/<str:token>.xml", subscriptions.feed, {"name": "xml"}, name="agenda-xml"),
    path("agenda/<str:token>.json", subscriptions.feed, {"name": "json"}, name="agenda-json"),
    path("agenda/share/", sharing.share, name="agenda-share"),
    path("agenda/shared/<str:token>/", sharing.shared_agenda, name="shared-agenda"),
    path("agenda/shared/<str:token>/copy/", sharing.copy_shared, name="shared-agenda-copy"),
    path("agenda/shared/<str:token>/qr.svg", sharing.shared_qr, name="shared-agenda-qr"),
    path("agenda/shared/<str:token>.ics", sharing.shared_feed, name="shared-agenda-feed"),
    path(
        "agenda/shared/<str:token>.xml",
        sharing.shared_schedule,
        {"name": "xml"},
        name="shared-agenda-xml",
    ),
    path(
        "agenda/shared/<str:token>.json",
        sharing.shared_schedule,
        {"name": "json"},
        name="shared-agenda-json",
    ),
]
