// startMock()'s options and failure modes.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startMock } from 'thunderid-mock';

test('the CommonJS entry exports the same startMock', () => {
  const require = createRequire(import.meta.url);
  assert.equal(require('thunderid-mock').startMock, startMock);
});

test('a public URL is the issuer while control calls use the bound address', async () => {
  const mock = await startMock({ publicUrl: 'http://mock.test:9000' });
  try {
    assert.equal(mock.baseUrl, 'http://mock.test:9000');
    assert.equal(mock.issuer, 'http://mock.test:9000');
    assert.equal(mock.localUrl, `http://127.0.0.1:${mock.port}`);
    const discovery = await (await fetch(`${mock.localUrl}/.well-known/openid-configuration`)).json();
    assert.equal(discovery.issuer, 'http://mock.test:9000');
    const requests = await mock.requests('/.well-known/openid-configuration');
    assert.deepEqual(
      requests.map(({ method, status }) => [method, status]),
      [['GET', 200]],
    );
  } finally {
    await mock.stop();
  }
});

test('tls serves HTTPS that trusts only the certificate the mock names', async () => {
  const mock = await startMock({ tls: true });
  try {
    assert.equal(mock.baseUrl, `https://localhost:${mock.port}`);
    assert.ok(mock.tlsCertificate);
    assert.equal(typeof (await mock.clock.now()), 'number');
    // Without the certificate the connection is refused, not silently trusted.
    const request = https.get(`${mock.baseUrl}/health/readiness`);
    const [error] = await once(request, 'error');
    assert.equal(error.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
  } finally {
    await mock.stop();
  }
});

test('invalid fixtures reject the start with the file, field and reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'thunderid-mock-fixtures-'));
  try {
    writeFileSync(join(dir, 'users.json'), '[{"id": 1}]');
    await assert.rejects(startMock({ fixtures: dir }), (error) => {
      assert.match(error.message, /^thunderid-mock exited with code 1 before it was ready:\n/);
      assert.match(error.message, /users\.json: \[0\]\.id: invalid type: integer `1`, expected a string/);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a port in use rejects the start instead of hanging', async () => {
  const first = await startMock();
  try {
    await assert.rejects(startMock({ port: first.port }), /cannot bind 127\.0\.0\.1:\d+/);
  } finally {
    await first.stop();
  }
});

test('stop is idempotent and the process is gone after it', async () => {
  const mock = await startMock();
  await Promise.all([mock.stop(), mock.stop()]);
  await mock.stop();
  assert.throws(() => process.kill(mock.pid, 0), { code: 'ESRCH' });
  await assert.rejects(mock.stats(), { code: 'ECONNREFUSED' });
});

test('clock.advance refuses what the control plane would', async () => {
  const mock = await startMock();
  try {
    await assert.rejects(mock.clock.advance(-1), TypeError);
    await assert.rejects(mock.clock.advance(1.5), TypeError);
  } finally {
    await mock.stop();
  }
});

test('fault rules fail a call n times, name the field of a malformed rule, and leave with reset', async () => {
  const mock = await startMock();
  try {
    const discovery = `${mock.localUrl}/.well-known/openid-configuration`;
    const armed = await mock.faults.add({
      path: '/.well-known/openid-configuration',
      times: 1,
      action: { type: 'status', status: 503, retryAfter: 2 },
    });
    const failed = await fetch(discovery);
    assert.equal(failed.status, 503);
    assert.equal(failed.headers.get('retry-after'), '2');
    assert.equal((await fetch(discovery)).status, 200);
    const [listed] = await mock.faults.list();
    assert.deepEqual([listed.id, listed.seen, listed.applied], [armed.id, 2, 1]);
    const [entry] = await mock.requests('/.well-known/openid-configuration');
    assert.deepEqual(entry.fault, { rule: armed.id, action: 'status' });
    await assert.rejects(mock.faults.add({ action: { type: 'delay' } }), {
      status: 400,
      body: 'action.ms: is required\n',
    });
    await mock.reset();
    assert.deepEqual(await mock.faults.list(), []);
    await assert.rejects(mock.faults.remove(armed.id), { status: 404 });
  } finally {
    await mock.stop();
  }
});

test('keys rotate with overlap, refuse retiring the active key, count JWKS fetches and leave with reset', async () => {
  const mock = await startMock();
  try {
    const jwks = `${mock.localUrl}/oauth2/jwks`;
    const [fixture] = await mock.keys.list();
    assert.deepEqual([fixture.alg, fixture.state, fixture.tokensSigned], ['RS256', 'active', 0]);
    const rotated = await mock.keys.rotate('ES256');
    assert.deepEqual([rotated.alg, rotated.state], ['ES256', 'active']);
    const published = await (await fetch(jwks, { headers: { 'user-agent': 'e2e' } })).json();
    assert.deepEqual(published.keys.map((key) => [key.kid, key.kty]), [[fixture.kid, 'RSA'], [rotated.kid, 'EC']]);
    await assert.rejects(mock.keys.retire(rotated.kid), { status: 409 });
    await mock.keys.staleJwks(1);
    const stale = await (await fetch(jwks, { headers: { 'user-agent': 'e2e' } })).json();
    assert.deepEqual(stale.keys.map((key) => key.kid), [fixture.kid]);
    assert.equal((await mock.keys.retire(fixture.kid)).state, 'retired');
    const armed = await mock.keys.add({ alg: 'EdDSA', activateAfterTokens: 3 });
    assert.equal(armed.activatesAfterTokens, 3);
    const fetches = await mock.keys.fetches();
    assert.deepEqual([fetches.total, fetches.byUserAgent], [2, { e2e: 2 }]);
    await assert.rejects(mock.keys.add({ alg: 'HS256' }), {
      status: 400,
      body: 'alg: must be one of RS256, ES256, ES384, ES512, EdDSA, ML-DSA-44, ML-DSA-65, ML-DSA-87\n',
    });
    await mock.reset();
    assert.deepEqual((await mock.keys.list()).map((key) => [key.kid, key.state]), [[fixture.kid, 'active']]);
  } finally {
    await mock.stop();
  }
});
