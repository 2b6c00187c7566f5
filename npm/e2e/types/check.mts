// Compiled by `tsc -p types` in `cargo xtask npm-e2e`: the ES module typings hold for real use.
import { startMock, type MockServer, type OutboxMessage, type JournalEntry, type Stats } from 'thunderid-mock';

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
// @ts-expect-error: there is no fault plane yet
mock.faults;
export { now, later, messages, code, entries, byPath, stats, urls };
