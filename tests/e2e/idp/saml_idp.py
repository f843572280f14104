"""A real SAML 2.0 identity provider for the sign-in tests: pysaml2's IdP (Apache-2.0) behind a small HTTP
server, signing with the machine's xmlsec1. Nothing is mocked: Guichet's SP (python3-saml, through
django-allauth) sends its AuthnRequest here by HTTP-Redirect and receives a signed assertion by HTTP-POST.

    python saml_idp.py metadata --port P --key K --cert C            (prints the IdP's metadata)
    python saml_idp.py serve --port P --key K --cert C --sp-metadata SP.xml --users users.json

users.json: {"login": {"eduPersonPrincipalName": [...], "mail": [...], "displayName": [...],
"eduPersonScopedAffiliation": [...]}}. The login page lists them; choosing one signs in as that person.
"""

import argparse
import html
import json
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256


def config(args, sp_metadata=None) -> IdPConfig:
    base = f"http://127.0.0.1:{args.port}"
    conf = {
        "entityid": f"{base}/idp/metadata",
        "service": {"idp": {
            "name": "Test university IdP",
            "endpoints": {"single_sign_on_service": [(f"{base}/sso", BINDING_HTTP_REDIRECT)],
                          "single_logout_service": [(f"{base}/slo", BINDING_HTTP_REDIRECT)]},
            "name_id_format": [NAMEID_FORMAT_PERSISTENT],
            "want_authn_requests_signed": False,
            "policy": {"default": {"lifetime": {"minutes": 15}, "name_form": NAME_FORMAT_URI,
                                   "attribute_restrictions": None}},
        }},
        "key_file": args.key, "cert_file": args.cert,
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "metadata": {"local": [sp_metadata]} if sp_metadata else {},
    }
    idp_config = IdPConfig()
    idp_config.load(conf)
    return idp_config


def make_handler(server: Server, users: dict):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):  # quiet: the test reads its own assertions
            pass

        def _send(self, status, body, content_type="text/html; charset=utf-8"):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urllib.parse.urlparse(self.path)
            query = urllib.parse.parse_qs(url.query)
            if url.path != "/sso":
                return self._send(404, "not found")
            saml_request = query.get("SAMLRequest", [""])[0]
            relay = query.get("RelayState", [""])[0]
            buttons = "".join(
                f'<button type="submit" name="user" value="{html.escape(login)}">{html.escape(login)}</button>'
                for login in users)
            self._send(200, f"""<!doctype html><html><head><title>Test IdP</title></head><body>
<h1>Test university identity provider</h1>
<form method="post" action="/login">
<input type="hidden" name="SAMLRequest" value="{html.escape(saml_request)}">
<input type="hidden" name="RelayState" value="{html.escape(relay)}">{buttons}</form></body></html>""")

        def do_POST(self):
            if self.path != "/login":
                return self._send(404, "not found")
            length = int(self.headers.get("Content-Length") or 0)
            form = urllib.parse.parse_qs(self.rfile.read(length).decode())
            login = form["user"][0]
            request = server.parse_authn_request(form["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
            resp_args = server.response_args(request.message)
            response = server.create_authn_response(
                users[login], userid=login, name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=f"pid-{login}"),
                authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
                       "authn_auth": server.config.entityid},
                sign_assertion=True, sign_response=True, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256,
                **resp_args)
            http_args = server.apply_binding(BINDING_HTTP_POST, str(response), resp_args["destination"],
                                             form.get("RelayState", [""])[0], response=True)
            self._send(200, http_args["data"])

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["metadata", "serve"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--sp-metadata")
    parser.add_argument("--users")
    args = parser.parse_args()
    if args.mode == "metadata":
        sys.stdout.write(create_metadata_string(None, config=config(args), sign=False).decode())
        return
    users = json.loads(open(args.users, encoding="utf-8").read())
    server = Server(config=config(args, args.sp_metadata))
    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(server, users))
    print("ready", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
