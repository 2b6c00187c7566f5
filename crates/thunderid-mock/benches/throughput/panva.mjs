// panva's oidc-provider, configured for client_credentials with RS256 JWT access tokens (resource
// indicators give it a JWT format), on a free loopback port. `cargo xtask bench` runs it from
// target/bench-peers (where npm installed it) and reads the URL from the first line.
import { createServer } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const http = createServer();
await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${http.address().port}`;
const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
const provider = new Provider(issuer, {
  jwks: { keys: [{ ...key, use: 'sig', alg: 'RS256', kid: 'bench' }] },
  clients: [{
    client_id: 'bench-m2m',
    client_secret: 'bench-m2m-secret',
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
  }],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => 'urn:bench:api',
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'api',
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
});
http.on('request', provider.callback());
console.log(`listening on ${issuer}`);
