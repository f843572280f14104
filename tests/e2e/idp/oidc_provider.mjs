// A real OpenID Connect provider for the sign-in tests: panva's `oidc-provider` (npm, MIT), run locally by
// the machine's node. Its development login form accepts any login; the accounts it knows and the claims it
// releases (e-mail verified or not) come from the test, in OIDC_ACCOUNTS.
//   OIDC_PORT=9000 OIDC_CLIENTS='[...]' OIDC_ACCOUNTS='{"alice": {...}}' node oidc_provider.mjs
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');
const clients = JSON.parse(process.env.OIDC_CLIENTS || '[]');
const issuer = `http://127.0.0.1:${port}`;

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
provider.listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
