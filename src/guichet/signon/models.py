"""Single sign-on: which organization an e-mail domain belongs to, whether its people may still use a local
password, and the memberships a first sign-in proposes (confirmed by the organization's contact or staff).

The identity providers themselves are django-allauth's `SocialApp` rows (OpenID Connect and SAML); their
`settings["guichet_organization"]` names the directory organization they speak for."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OrganizationDomain(models.Model):
    """An e-mail domain (and SAML scope) of an organization: one organization per domain."""

    organization = models.ForeignKey("directory.Organization", on_delete=models.CASCADE, related_name="domains",
                                     verbose_name=_("organization"))
    domain = models.CharField(_("e-mail domain"), max_length=253, unique=True,
                              help_text=_("For example univ-amu.fr; its subdomains belong to it too."))

    class Meta:
        verbose_name = _("e-mail domain")
        verbose_name_plural = _("e-mail domains")
        ordering = ["domain"]
        constraints = [models.CheckConstraint(condition=Q(domain=models.functions.Lower("domain")),
                                              name="organization_domain_lower")]

    def __str__(self):
        return self.domain


class SignOnPolicy(models.Model):
    """How an organization's people sign in: local passwords may be turned off once its provider works."""

    organization = models.OneToOneField("directory.Organization", on_delete=models.CASCADE,
                                        related_name="signon_policy", verbose_name=_("organization"))
    local_passwords = models.BooleanField(
        _("local passwords allowed"), default=True,
        help_text=_("Off: its members sign in through their identity provider only."))

    class Meta:
        verbose_name = _("sign-in policy")
        verbose_name_plural = _("sign-in policies")

    def __str__(self):
        return str(self.organization)


class MembershipRequest(models.Model):
    """A membership proposed at a first sign-in, until the organization's contact or staff decide."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        ACCEPTED = "accepted", _("confirmed")
        REFUSED = "refused", _("refused")

    class Source(models.TextChoices):
        DOMAIN = "domain", _("e-mail domain")
        PROVIDER = "provider", _("identity provider")
        SCOPE = "scope", _("eduPersonPrincipalName scope")

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="membership_requests",
                             verbose_name=_("user"))
    organization = models.ForeignKey("directory.Organization", on_delete=models.CASCADE,
                                     related_name="membership_requests", verbose_name=_("organization"))
    source = models.CharField(_("proposed from"), max_length=10, choices=Source.choices)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    provider = models.CharField(_("identity provider"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    decided_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership request")
        verbose_name_plural = _("membership requests")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "organization"], condition=Q(status="pending"),
                                               name="membership_request_one_pending")]

    def __str__(self):
        return f"{self.user} → {self.organization}"
