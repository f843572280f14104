"""The demo's example OpenID Connect provider: panva's oidc-provider (the tests' one) at the address the demo's
settings name (GUICHET_DEMO_OIDC_ISSUER, where `loaddemo` registered it), knowing Guichet's demo client and the
fictional people of signon/demo.py. Beside `make demo`, in a second terminal:

    make demo-idp          (Ctrl-C stops it)
"""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE.parent / "node_modules"


def _twins(site_url: str) -> list[str]:
    """The site's address, and the same with localhost and 127.0.0.1 swapped: a browser may open either."""
    parts = urlsplit(site_url.rstrip("/"))
    swap = {"localhost": "127.0.0.1", "127.0.0.1": "localhost"}.get(parts.hostname or "")
    if not swap:
        return [site_url.rstrip("/")]
    netloc = swap + (f":{parts.port}" if parts.port else "")
    return [site_url.rstrip("/"), urlunsplit(parts._replace(netloc=netloc))]


def command_and_env() -> tuple[list[str], dict, str]:
    """node's command line, its environment and the issuer it serves, from Guichet's settings (Django set up)."""
    from django.conf import settings
    from django.urls import reverse

    from guichet.signon.demo import DEMO_OIDC, DEMO_OIDC_ACCOUNTS

    issuer = settings.GUICHET_DEMO_OIDC_ISSUER
    callback = reverse("openid_connect_callback", kwargs={"provider_id": DEMO_OIDC["provider_id"]})
    client = {"client_id": DEMO_OIDC["client_id"], "client_secret": DEMO_OIDC["secret"],
              "grant_types": ["authorization_code"], "response_types": ["code"],
              "token_endpoint_auth_method": "client_secret_basic",
              "redirect_uris": [site + callback for site in _twins(settings.SITE_URL)]}
    env = {**os.environ, "OIDC_ISSUER": issuer, "OIDC_CLIENTS": json.dumps([client]),
           "OIDC_ACCOUNTS": json.dumps(DEMO_OIDC_ACCOUNTS), "NODE_PATH": str(NODE_MODULES)}
    env.pop("OIDC_PORT", None)
    return ["node", str(HERE / "oidc_provider.mjs")], env, issuer


def main() -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.config.settings")
    django.setup()
    if not (NODE_MODULES / "oidc-provider").is_dir():
        print("npm oidc-provider is missing: `make node-deps` installs it into tests/e2e", file=sys.stderr)
        return 1
    from guichet.signon.demo import DEMO_OIDC_ACCOUNTS

    command, env, issuer = command_and_env()
    print(f"Demo OpenID Connect provider for {issuer} (Ctrl-C stops it). On Guichet's login page choose "
          "\"Labo exemple — OIDC (exemple fictif)\", then sign in here as one of (any password):")
    for login, claims in DEMO_OIDC_ACCOUNTS.items():
        state = "verified" if claims["email_verified"] else "NOT verified: Guichet refuses it"
        print(f"  {login:14} {claims['email']} ({state})")
    sys.stdout.flush()
    # node prints "ready <issuer>" once it listens: the address it announces is the one Guichet reads.
    process = subprocess.Popen(command, cwd=HERE.parent, env=env)
    # Stopped by Ctrl-C or by a TERM (make, a test): node goes with it, never left listening.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        return process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(10)


if __name__ == "__main__":
    sys.exit(main())
