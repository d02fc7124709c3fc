"""Forms of the attendee's side: sign-up, account settings, sharing the agenda, account deletion."""

from django import forms
from django.contrib.auth.forms import UserCreationForm

from accounts.models import REMINDER_CHOICES, User
from program.timezones import known_zones


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        required=True, help_text="For resetting your password; never shown to anyone."
    )

    change_mail = forms.BooleanField(
        label="Mail me when items I save move or are cancelled",
        required=False,
        help_text="At most one mail per round of organizers' edits; unsubscribe in one click.",
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "email", "change_mail"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email already exists.")
        return email


class AccountForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label="Preferred time zone",
        required=False,
        choices=[("", "Each conference's own zone"), *((z, z) for z in known_zones())],
        help_text="My agenda groups its days in this zone.",
    )
    reminder_minutes = forms.TypedChoiceField(
        label="Calendar reminder",
        choices=REMINDER_CHOICES,
        coerce=int,
        required=False,
        empty_value=0,
        help_text="Your calendar feed reminds you this long before each saved item.",
    )

    class Meta:
        model = User
        fields = ["email", "timezone", "change_mail", "reminder_minutes"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("change_mail") and not cleaned.get("email"):
            self.add_error("email", "Give an email address to get mails about changes.")
        return cleaned


class ShareAgendaForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["share_name"]


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Deleting removes your account and your agenda for good.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password; nothing was deleted.")
        return password
