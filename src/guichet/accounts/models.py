import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    GUEST = "guest", _("Visitor with a confirmed e-mail")
    MEMBER = "member", _("Member")
    PLATFORM_MANAGER = "platform_manager", _("Platform manager")
    STAFF = "staff", _("Cluster staff")
    ADMIN = "admin", _("Administrator")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("role", Role.ADMIN)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser):
    """A person who logs in with their e-mail address. The role says what they may do."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    language = models.CharField(_("preferred language"), max_length=2, choices=settings.LANGUAGES, default="fr")
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.get_full_name()

    @property
    def is_staff(self) -> bool:
        """Cluster staff and administrators reach the Django admin."""
        return self.is_active and self.role in (Role.STAFF, Role.ADMIN)

    @property
    def is_superuser(self) -> bool:
        return self.is_active and self.role == Role.ADMIN

    def has_perm(self, perm, obj=None) -> bool:
        if not self.is_active:
            return False
        if self.role == Role.ADMIN:
            return True
        if self.role == Role.STAFF:
            app_label, _dot, codename = perm.partition(".")
            # Staff manage the network's content; only administrators manage accounts and roles.
            return app_label != "accounts" or codename.startswith("view_")
        return False

    def has_perms(self, perm_list, obj=None) -> bool:
        return all(self.has_perm(p, obj) for p in perm_list)

    def has_module_perms(self, app_label) -> bool:
        return self.is_staff


class Membership(models.Model):
    """A user belongs to an organization of the directory (possibly as its contact)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    organization = models.ForeignKey("directory.Organization", on_delete=models.CASCADE,
                                     related_name="memberships", verbose_name=_("organization"))
    is_contact = models.BooleanField(_("contact for the organization"), default=False)
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} @ {self.organization}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its hash is stored; the raw value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # Chosen at creation (GUICHET_API_TOKEN_DAYS by default, at most GUICHET_API_TOKEN_MAX_DAYS); from then on
    # the API answers 401 to it. Rotation replaces the secret, keeps the date.
    expires_at = models.DateTimeField(_("expires"))
    rotated_at = models.DateTimeField(_("rotated"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_raw_token() -> str:
        return "gt_" + secrets.token_urlsafe(32)

    def is_expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())

    @property
    def valid_through(self):
        """The last Paris day the token works (it expires at the midnight that ends it)."""
        return timezone.localdate(self.expires_at - timedelta(microseconds=1))
