"""What single sign-on holds about a person: the memberships a sign-in proposed, the identity providers' accounts
linked to theirs (with what each provider sent), the e-mail addresses allauth keeps, the second factors.

A second factor's secret and recovery codes are never exported: whoever holds the file could sign in with them.
Erasure deletes all of these rows (the identity provider can no longer sign anyone into the erased account);
requests the person decided for others stay, the decision pointing at the anonymised account."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialToken

from guichet.privacy.registry import eraser, exporter, when

from .models import MembershipRequest


@exporter("signon")
def export_signon(user):
    return {
        "membership_requests": [
            {"organization": r.organization.key, "status": r.status, "source": r.source,
             "affiliation": r.affiliation, "provider": r.provider, "asked_at": when(r.created_at),
             "decided_at": when(r.decided_at)}
            for r in MembershipRequest.objects.filter(user=user).select_related("organization")
            .order_by("created_at", "pk")],
        "identity_provider_accounts": [
            {"provider": a.provider, "uid": a.uid, "linked_at": when(a.date_joined),
             "last_login": when(a.last_login), "extra_data": a.extra_data}
            for a in SocialAccount.objects.filter(user=user).order_by("date_joined", "pk")],
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("pk")],
        "second_factors": [
            {"type": a.type, "created_at": when(a.created_at), "last_used_at": when(a.last_used_at)}
            for a in Authenticator.objects.filter(user=user).order_by("created_at", "pk")],
    }


@eraser("signon")
def erase_signon(*, user, actor):
    tokens, _ = SocialToken.objects.filter(account__user=user).delete()
    accounts, _ = SocialAccount.objects.filter(user=user).delete()
    addresses, _ = EmailAddress.objects.filter(user=user).delete()
    factors, _ = Authenticator.objects.filter(user=user).delete()
    requests, _ = MembershipRequest.objects.filter(user=user).delete()
    return {"identity_provider_accounts": accounts, "identity_provider_tokens": tokens,
            "email_addresses": addresses, "second_factors": factors, "membership_requests": requests}
