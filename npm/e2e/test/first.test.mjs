// The first test after `npm install` of the tarballs: the mock starts from the platform package and
// serves discovery. `cargo xtask npm-e2e` times install + this file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startMock } from 'thunderid-mock';

test('startMock serves discovery from the installed platform binary', async () => {
  const mock = await startMock();
  try {
    assert.match(mock.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(mock.discoveryUrl);
    assert.equal(response.status, 200);
    const discovery = await response.json();
    assert.equal(discovery.issuer, mock.baseUrl);
    assert.equal(discovery.token_endpoint, `${mock.baseUrl}/oauth2/token`);
  } finally {
    await mock.stop();
  }
});
