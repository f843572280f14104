from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignOnConfig(AppConfig):
    name = "guichet.signon"
    label = "signon"
    verbose_name = _("Single sign-on")

    def ready(self):
        # allauth's second-factor pages write its Authenticator rows themselves; its signals are the one place
        # Guichet hears of them, and only to audit (no other logic lives here).
        from allauth.mfa import signals

        from .services import second_factor_changed

        def _audit(action):
            def receiver(sender, request=None, user=None, authenticator=None, **kwargs):
                user = user or getattr(authenticator, "user", None)
                if user is not None:
                    second_factor_changed(user=user, action=action,
                                          kind=getattr(authenticator, "type", "") or "")
            return receiver

        self._mfa_receivers = [_audit("add"), _audit("remove"), _audit("reset")]
        signals.authenticator_added.connect(self._mfa_receivers[0], dispatch_uid="guichet-mfa-add")
        signals.authenticator_removed.connect(self._mfa_receivers[1], dispatch_uid="guichet-mfa-remove")
        signals.authenticator_reset.connect(self._mfa_receivers[2], dispatch_uid="guichet-mfa-reset")
