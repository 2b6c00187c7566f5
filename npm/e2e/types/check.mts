// Compiled by `tsc -p types` in `cargo xtask npm-e2e`: the ES module typings hold for real use.
import {
  startMock,
  type ArmedFault,
  type MockServer,
  type OutboxMessage,
  type JournalEntry,
  type JwksFetches,
  type SigningKey,
  type Stats,
} from 'thunderid-mock';

const mock: MockServer = await startMock({ port: 0, publicUrl: 'http://localhost:8090', tls: false });
const now: number = await mock.clock.advance(60);
const later: number = await mock.clock.now();
const messages: OutboxMessage[] = await mock.outbox('+15550100001');
const code: string | undefined = await mock.lastCodeSentTo('+15550100001');
const entries: JournalEntry[] = await mock.requests({ path: '/oauth2/token', method: 'POST' });
const byPath: JournalEntry[] = await mock.requests('/oauth2/token');
const stats: Stats = await mock.stats();
const urls: string[] = [mock.baseUrl, mock.issuer, mock.localUrl, mock.discoveryUrl];
await mock.reset();
await mock.stop();
// @ts-expect-error: the port is a number
await startMock({ port: '8090' });
const armed: ArmedFault = await mock.faults.add({
  path: '/oauth2/token',
  times: 2,
  action: { type: 'status', status: 503, retryAfter: 5 },
});
const rules: ArmedFault[] = await mock.faults.list();
await mock.faults.add({ clientId: 'sample-spa', times: 1, action: { type: 'tamper', token: 'id_token', tamper: 'alg_none' } });
// @ts-expect-error: tampers are named
await mock.faults.add({ action: { type: 'tamper', token: 'id_token', tamper: 'alg-none' } });
await mock.faults.remove(armed.id);
await mock.faults.clear();
// @ts-expect-error: an action names its type
await mock.faults.add({ action: { status: 503 } });
const rotated: SigningKey = await mock.keys.rotate('ES384');
const keys: SigningKey[] = await mock.keys.list();
await mock.keys.add({ alg: 'EdDSA', activateAfterTokens: 2 });
await mock.keys.retire(rotated.kid);
await mock.keys.staleJwks(1);
const fetches: JwksFetches = await mock.keys.fetches();
// @ts-expect-error: HMAC keys are not among the server's
await mock.keys.add({ alg: 'HS256' });
export { now, later, messages, code, entries, byPath, stats, urls, rules, keys, fetches };
