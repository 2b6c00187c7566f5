// A published OIDC relying party (openid-client) signs in through the mock: discovery, PKCE,
// password and an SMS OTP read from the outbox, the code exchange with ID token validation,
// UserInfo; then the mock's clock moves past the access token's lifetime.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as client from 'openid-client';
import { startMock } from 'thunderid-mock';

const MFA_CLIENT = 'sample-mfa';
const REDIRECT_URI = 'http://localhost:3000/callback';
const THOR = { id: '01900000-0000-7000-8000-000000000101', phone: '+15550100001' };

let mock;
before(async () => {
  mock = await startMock();
});
after(() => mock.stop());

/** POST JSON to the mock, as the hosted gate's script would. */
async function postJson(path, body) {
  const response = await fetch(`${mock.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200, `${path}: ${await response.clone().text()}`);
  return response.json();
}

/** Authorize -> gate -> flow (password, then the OTP from the outbox) -> callback: the redirect URL. */
async function signInWithOtp(authorizationUrl) {
  const authorize = await fetch(authorizationUrl, { redirect: 'manual' });
  assert.equal(authorize.status, 302);
  const gate = new URL(authorize.headers.get('location'), mock.baseUrl);
  assert.equal(gate.pathname, '/gate/signin');
  const executionId = gate.searchParams.get('executionId');

  let step = await postJson('/flow/execute', { executionId });
  step = await postJson('/flow/execute', {
    executionId,
    challengeToken: step.challengeToken,
    action: 'action_001',
    inputs: { username: 'thor', password: 'Thor@12345' },
  });
  assert.equal(step.flowStatus, 'INCOMPLETE');
  const otp = await mock.lastCodeSentTo(THOR.phone);
  assert.match(otp, /^\d{6}$/);
  step = await postJson('/flow/execute', {
    executionId,
    challengeToken: step.challengeToken,
    action: 'action_verify_otp',
    inputs: { otp },
  });
  assert.equal(step.flowStatus, 'COMPLETE');

  const callback = await postJson('/oauth2/auth/callback', {
    authId: gate.searchParams.get('authId'),
    assertion: step.assertion,
  });
  return new URL(callback.redirect_uri);
}

/**
 * The relying party, configured by discovery; its clock agrees with the mock's (which a test
 * moves), as `clockSkew` lets it: the seconds the local clock is behind.
 */
async function relyingParty() {
  const skew = (await mock.clock.now()) - Math.floor(Date.now() / 1000);
  return client.discovery(
    new URL(mock.issuer),
    MFA_CLIENT,
    { [client.clockSkew]: skew },
    client.None(),
    { execute: [client.allowInsecureRequests] },
  );
}

test('openid-client signs in with password and an SMS OTP from the outbox', async () => {
  const config = await relyingParty();
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile email',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });

  const redirect = await signInWithOtp(authorizationUrl);
  const tokens = await client.authorizationCodeGrant(config, redirect, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  assert.equal(claims.sub, THOR.id);
  assert.equal(claims.iss, mock.issuer);
  assert.equal(claims.email, 'thor@asgard.example');

  const userInfo = await client.fetchUserInfo(config, tokens.access_token, THOR.id);
  assert.equal(userInfo.email, 'thor@asgard.example');

  const [sms] = await mock.outbox(THOR.phone);
  assert.equal(sms.channel, 'sms');
  assert.equal(sms.template, 'OTP');
  const exchanges = await mock.requests({ path: '/oauth2/token', method: 'post' });
  assert.deepEqual(
    exchanges.map((entry) => entry.status),
    [200],
  );

  // An hour and a minute later (past the 30 s leeway) the access token has expired; the refresh
  // token has not.
  const before = await mock.clock.now();
  assert.equal(await mock.clock.advance(3660), before + 3660);
  await assert.rejects(client.fetchUserInfo(config, tokens.access_token, THOR.id), (error) => {
    assert.equal(error.status, 401);
    return true;
  });
  const later = await relyingParty();
  const refreshed = await client.refreshTokenGrant(later, tokens.refresh_token);
  assert.equal(refreshed.claims().sub, THOR.id);
  const fresh = await client.fetchUserInfo(later, refreshed.access_token, THOR.id);
  assert.equal(fresh.sub, THOR.id);
});

test('reset puts the fixtures back and empties the outbox and journal', async () => {
  await mock.reset();
  assert.deepEqual(await mock.outbox(), []);
  assert.deepEqual(await mock.requests(), []);
  assert.deepEqual(await mock.stats(), { users: 4, flowExecutions: 0, oauthEntries: 0, outboxMessages: 0, ssoSessions: 0 });
});
