from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from tribune.accounts.models import Brand, BrandRole, User, WorkspaceMembership


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str = "", **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        validate_password(password, User(email=self.email))
        return password


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    workspace_role = forms.ChoiceField(
        label=_("Workspace role"),
        choices=WorkspaceMembership.Role.choices,
        initial=WorkspaceMembership.Role.MEMBER,
    )
    brand = forms.ModelChoiceField(label=_("Brand"), queryset=Brand.objects.none(), required=False)
    role = forms.ChoiceField(
        label=_("Role on this brand"), choices=BrandRole.Role.choices, required=False
    )

    def __init__(self, *args, workspace=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["brand"].queryset = (
            workspace.brands.all() if workspace else Brand.objects.none()
        )

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("brand") and not data.get("role"):
            self.add_error("role", _("Choose the role this person will have on the brand."))
        return data


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=100, help_text=_("For example: “reporting script”.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: everything your roles allow."),
    )
    brands = forms.ModelMultipleChoiceField(
        label=_("Brands"),
        queryset=Brand.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every brand you can see."),
    )

    def __init__(self, *args, user=None, **kwargs):  # type: ignore[no-untyped-def]
        from tribune.accounts.access import brands_for_user
        from tribune.api.scopes import scope_choices

        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = scope_choices()
        if user is not None:
            self.fields["brands"].queryset = brands_for_user(user)  # type: ignore[attr-defined]


class GrantRoleForm(forms.Form):
    email = forms.EmailField(label=_("Email address of a workspace member"))
    role = forms.ChoiceField(label=_("Role"), choices=BrandRole.Role.choices)


class BrandForm(forms.ModelForm):
    class Meta:
        model = Brand
        fields = ["name", "slug", "description", "timezone", "language", "approval_required"]
        help_texts = {
            "slug": _("Used in addresses: lowercase letters, digits and hyphens."),
            "timezone": _("An IANA name such as Europe/Paris or America/Montreal."),
        }
