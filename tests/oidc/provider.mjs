// A real OpenID Connect provider for the sign-in tests (npm `oidc-provider`), on a free port of 127.0.0.1.
//
//   node tests/oidc/provider.mjs        (configuration: JSON in KOHTAAMO_OIDC_TEST_CONFIG)
//   {"clients": [{"client_id", "client_secret", "redirect_uris": [...]}],
//    "accounts": {"<sub>": {"email", "email_verified", "name"}}}
//
// Prints "ISSUER http://127.0.0.1:<port>" once it accepts connections. Exits on SIGTERM or when its
// standard input closes (the test process is gone), so it never outlives the tests.
// The login form is oidc-provider's development interaction (any password; the login is the sub);
// consent is given by the provider itself, as a city's identity service does for its own services.
// PKCE (S256) is required from every client.
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(process.env.KOHTAAMO_OIDC_TEST_CONFIG || '{}');
const accounts = config.accounts || {};

const server = http.createServer();

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: (config.clients || []).map((client) => ({
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: client.client_secret ? 'client_secret_basic' : 'none',
      ...client,
    })),
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
    },
    cookies: { keys: ['kohtaamo-oidc-tests-only'] },
    async findAccount(_ctx, id) {
      const account = accounts[id];
      if (!account) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...account }; } };
    },
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });
  server.on('request', provider.callback());
  process.stdout.write(`ISSUER ${issuer}\n`);
});

function stop() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
}

process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
