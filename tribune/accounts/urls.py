from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from tribune.accounts import twofactor_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", twofactor_views.login_2fa, name="login_2fa"),
    path("me/2fa/", twofactor_views.two_factor, name="two_factor"),
    path(
        "w/<slug:workspace_slug>/security/2fa/",
        twofactor_views.workspace_policy,
        name="workspace_2fa_policy",
    ),
    path("logout/", views.logout_view, name="logout"),
    path("invite/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("me/", views.profile, name="profile"),
    path("me/tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
