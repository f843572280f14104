// A real OpenID Connect provider for the sign-in tests: panva's `oidc-provider` (npm, MIT), run locally by
// the machine's node. Its development login form accepts any login; the accounts it knows and the claims it
// releases (e-mail verified or not) come from the test, in OIDC_ACCOUNTS.
//   OIDC_PORT=P OIDC_CLIENTS='[...]' OIDC_ACCOUNTS='{"alice": {...}}' node oidc_provider.mjs
// OIDC_ISSUER instead of OIDC_PORT serves that address: the demo's provider (demo_oidc.py) is given the one the
// demo's settings name (GUICHET_DEMO_OIDC_ISSUER). It announces the issuer it serves: the one Guichet reads.
import Provider from 'oidc-provider';

const issuer = process.env.OIDC_ISSUER || `http://127.0.0.1:${process.env.OIDC_PORT}`;
const address = new URL(issuer);
const port = Number(address.port || 80);
// "localhost" is served on the loopback's IPv4 address; browsers and Python's requests fall back to it.
const host = address.hostname === 'localhost' ? '127.0.0.1' : address.hostname;
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');
const clients = JSON.parse(process.env.OIDC_CLIENTS || '[]');

const provider = new Provider(issuer, {
  clients,
  cookies: { keys: ['guichet-test-only-key'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    if (!accounts[id]) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...accounts[id] }; } };
  },
});
provider.on('server_error', (ctx, err) => console.error('server_error', err));
provider.listen(port, host, () => console.log(`ready ${issuer}`));
