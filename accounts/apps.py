from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts import digest, pending, removals

        digest.connect()
        pending.connect()
        removals.connect()
