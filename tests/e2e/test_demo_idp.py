"""README's demo identity provider, as README says to run it: `make demo-idp`'s script (tests/e2e/idp/demo_oidc.py)
serves the address the demo's settings name (GUICHET_DEMO_OIDC_ISSUER) and the demo's provider (signon/demo.py)
signs its researcher in. Driven over HTTP, no browser: the provider's development pages are plain forms."""

import html
import os
import re
import subprocess
import sys
from urllib.parse import urljoin

import pytest
import requests
from django.conf import settings

from guichet.accounts.models import Role, User
from guichet.directory.models import Organization
from guichet.signon.demo import DEMO_OIDC
from guichet.signon.models import MembershipRequest, OrganizationDomain
from guichet.signon.services import oidc_provider_save

from ..conftest import make_user
from .idp import demo_oidc
from .idp.servers import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _form(page: str, needle: str = "") -> tuple[str, dict]:
    """The first form (containing `needle`) of a page: its action and its hidden and named fields."""
    for match in re.finditer(r"<form\b[^>]*>.*?</form>", page, re.S):
        form = match.group(0)
        if needle in form:
            action = html.unescape(re.search(r'action="([^"]*)"', form).group(1))
            fields = {html.unescape(n): html.unescape(v) for n, v in re.findall(
                r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)}
            return action, fields
    raise AssertionError(f"no form with {needle!r} in {page[:2000]}")


@pytest.fixture
def demo_provider(live_server, settings):
    """The script `make demo-idp` runs, on a free port named through the setting (as an operator would)."""
    issuer = f"http://localhost:{free_port()}"
    settings.GUICHET_DEMO_OIDC_ISSUER, settings.SITE_URL = issuer, live_server.url
    if not (demo_oidc.NODE_MODULES / "oidc-provider").is_dir():
        pytest.fail("npm oidc-provider is missing: `make node-deps` installs it into tests/e2e")
    env = {"GUICHET_DEMO_OIDC_ISSUER": issuer, "GUICHET_SITE_URL": live_server.url, "GUICHET_DEBUG": "1"}
    process = subprocess.Popen([sys.executable, str(demo_oidc.HERE / "demo_oidc.py")],
                               env={**os.environ, **env}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        said = []
        for line in process.stdout:  # waits on the provider's own announcement, not on a clock
            said.append(line)
            if line.startswith("ready"):
                break
        assert said and said[-1].strip() == f"ready {issuer}", ("".join(said), process.stderr.read()
                                                                 if process.poll() is not None else "")
        yield issuer, "".join(said)
    finally:
        process.terminate()
        process.wait(10)


def test_the_demo_provider_serves_the_address_the_demo_registers_and_signs_a_researcher_in(demo_provider,
                                                                                           live_server):
    issuer, said = demo_provider
    # What loaddemo does (signon/demo.py): the lab's domain, the example provider at the setting's address.
    lab = Organization.objects.create(key="labo-exemple", name="Labo exemple", kind="research_lab")
    OrganizationDomain.objects.create(organization=lab, domain="labo-exemple.example")
    staff = make_user("staff@demo.guichet.example", Role.STAFF)
    app = oidc_provider_save(actor=staff, organization=lab, trust_email=False, issuer=settings.GUICHET_DEMO_OIDC_ISSUER,
                             **DEMO_OIDC)
    assert app.settings["server_url"] == issuer and f"for {issuer} " in said and "chercheuse" in said
    assert requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()["issuer"] == issuer

    browser = requests.Session()
    login = browser.get(live_server.url + "/accounts/login/", headers={"Accept-Language": "fr"}, timeout=10).text
    action, fields = _form(login, f'data-provider="{DEMO_OIDC["provider_id"]}"')
    page = browser.post(urljoin(live_server.url + "/accounts/login/", action), data=fields, timeout=20)
    assert page.url.startswith(issuer + "/interaction/"), page.url  # the provider's own login form
    action, fields = _form(page.text, 'name="login"')
    page = browser.post(urljoin(page.url, action), data={**fields, "login": "chercheuse", "password": "any"}, timeout=20)
    if page.url.startswith(issuer + "/interaction/"):  # its consent prompt
        action, fields = _form(page.text)
        page = browser.post(urljoin(page.url, action), data=fields, timeout=20)
    assert page.url == live_server.url + "/", (page.url, page.text[:1500])
    person = User.objects.get(email="chercheuse@labo-exemple.example")
    assert person.role == Role.GUEST and person.full_name == "Chercheuse Exemple (fictive)"
    assert MembershipRequest.objects.get(user=person).organization == lab
