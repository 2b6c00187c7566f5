/**
 * thunderid-mock for JavaScript test runners: start the mock ThunderID server as a child process
 * and drive its control plane (`/__mock/*`).
 *
 * ```ts
 * import { startMock } from 'thunderid-mock';
 * const mock = await startMock();            // a free port on 127.0.0.1, the bundled fixtures
 * // point your SDK at mock.baseUrl ...
 * await mock.clock.advance(3601);            // expire access tokens
 * const otp = await mock.lastCodeSentTo('+15550100001');
 * await mock.stop();
 * ```
 */

export interface StartMockOptions {
  /** Port to listen on; default 0, a free port (read it from `MockServer.port`). */
  port?: number;
  /** Address to bind; default 127.0.0.1. Anything else exposes the mock beyond this machine. */
  bind?: string;
  /** A fixture directory (see the README); default: the bundled set. */
  fixtures?: string;
  /** The externally visible base URL (issuer, links), when clients reach the mock by another URL. */
  publicUrl?: string;
  /** Serve HTTPS with a self-signed certificate for localhost; see `MockServer.tlsCertificate`. */
  tls?: boolean;
  /** More command-line arguments for the binary (e.g. `['--no-control']`, which disables the handle's control calls). */
  args?: readonly string[];
  /** Environment for the binary, over `process.env` (e.g. `{ RUST_LOG: 'debug' }`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The binary to run; default: the platform package's, or `THUNDERID_MOCK_BINARY`. */
  binary?: string;
  /** How long to wait for the server to be ready; default 15000 ms. */
  startTimeoutMs?: number;
  /** `'pipe'` (default): the output is kept and shown if the start fails; `'inherit'`: printed. */
  stdio?: 'pipe' | 'inherit' | 'ignore';
}

/** A message the mock "sent" (an OTP SMS, a recovery e-mail). */
export interface OutboxMessage {
  channel: 'sms' | 'email' | (string & {});
  recipient: string;
  /** The template that produced it, e.g. `OTP` or `PASSWORD_RECOVERY`. */
  template: string;
  body: string;
  /** The secret in the message (the OTP, the recovery token). */
  code: string | null;
  /** Seconds since the epoch, on the mock's clock. */
  sentAt: number;
}

/** One request the mock served, from its journal. */
export interface JournalEntry {
  method: string;
  path: string;
  query: string | null;
  /** Header names lower-cased, as `[name, value]` pairs in arrival order. */
  headers: Array<[string, string]>;
  body: string;
  /** The status answered; 0 when a fault rule dropped or reset the connection. */
  status: number;
  /** Seconds since the epoch, on the mock's clock. */
  at: number;
  /** The fault rule that applied to this request, if one did. */
  fault?: { rule: string; action: FaultAction['type'] };
}

/** Which journal entries to list; a string is a path. */
export type RequestFilter = string | { path?: string; method?: string; status?: number };

/** How much live state the mock holds. */
export interface Stats {
  users: number;
  flowExecutions: number;
  oauthEntries: number;
  outboxMessages: number;
  ssoSessions: number;
}

/** What a fault rule does to a request it applies to (see the README's "Fault rules"). */
export type FaultAction =
  /** Answer `status` with the endpoint's own error envelope, or `body` (a string is sent as text). */
  | { type: 'status'; status: number; body?: unknown; retryAfter?: number }
  /** Wait `ms` (at most 60000), then handle the request. */
  | { type: 'delay'; ms: number }
  /** Close (`drop`) or reset (`reset`) the connection without an answer. */
  | { type: 'drop' }
  | { type: 'reset' }
  /** Send only the first `bytes` of the body (default half). */
  | { type: 'truncate'; bytes?: number }
  /** Garble the body so it parses neither as JSON nor as UTF-8. */
  | { type: 'corrupt' }
  /** Forge the next tokens of this kind in JSON answers (`times` counts tokens). */
  | { type: 'tamper'; token: 'id_token' | 'access_token' | 'refresh_token' | 'assertion'; tamper: TokenTamper }
  /** Answer UserInfo with a `sub` that is not the ID token's. */
  | { type: 'userinfo_sub_mismatch' }
  /** Answer discovery with another issuer and without the members named in `remove`. */
  | { type: 'discovery'; issuer?: string; remove?: string[] };

/** How a forged token differs from the real one (the README's "Fault rules" describes each). */
export type TokenTamper =
  | 'alg_none'
  | 'hs256_public_key'
  | 'bad_signature'
  | 'unknown_kid'
  | 'missing_kid'
  | 'wrong_iss'
  | 'wrong_aud'
  | 'extra_aud_without_azp'
  | 'expired'
  | 'iat_future'
  | 'nbf_ahead'
  | 'missing_nonce'
  | 'wrong_nonce'
  | 'wrong_at_hash'
  | 'wrong_c_hash'
  | 'wrong_typ';

/** A fault rule: every matcher left out matches everything. */
export interface FaultRule {
  method?: string;
  /** Segments match exactly, `*` is one segment, a last `**` is the rest. */
  path?: string;
  /** The Basic username, or `client_id` in the form or query. */
  clientId?: string;
  /** The Bearer token's `sub`, or `username` in the form or the flow's `inputs`. */
  user?: string;
  /** Only `/flow/execute` calls continuing an execution at this node id (e.g. `prompt_credentials`). */
  flowNode?: string;
  /** Only `/flow/execute` calls submitting this action ref (e.g. `action_001`). */
  flowAction?: string;
  /** Apply from the n-th matching call on; default 1. */
  nth?: number;
  /** Apply this many times; absent: until removed. */
  times?: number;
  action: FaultAction;
}

/** An armed rule with its id and counters. */
export interface ArmedFault extends FaultRule {
  id: string;
  nth: number;
  /** Matching calls so far. */
  seen: number;
  /** Calls the rule applied to. */
  applied: number;
}

/** The fault rules (`/__mock/faults`). A malformed rule rejects with the 400 naming the field. */
export interface MockFaults {
  add(rule: FaultRule): Promise<ArmedFault>;
  list(): Promise<ArmedFault[]>;
  /** Disarm one rule; rejects (status 404) for an unknown id. */
  remove(id: string): Promise<void>;
  clear(): Promise<void>;
}

/** The algorithms a key can be added with: each one the real server's keys sign with. */
export type KeyAlgorithm =
  | 'RS256'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA'
  | 'ML-DSA-44'
  | 'ML-DSA-65'
  | 'ML-DSA-87';

/** A signing key as `/__mock/keys` lists it. */
export interface SigningKey {
  /** The certificate's SHA-256 thumbprint, as the server derives it (also the JWKS `x5t#S256`). */
  kid: string;
  alg: KeyAlgorithm;
  /** `active` signs every new token; `published` is in the JWKS; `retired` is gone from both. */
  state: 'active' | 'published' | 'retired';
  /** When the key was added (the fixture key: start or reset), mock clock seconds. */
  createdAt: number;
  tokensSigned: number;
  /** For a key added with `activateAfterTokens`: tokens still to sign before it takes over. */
  activatesAfterTokens?: number;
}

/** A key to add: published at once; `activate: true` signs from now on, `activateAfterTokens: n` after n more tokens. */
export interface NewKey {
  alg: KeyAlgorithm;
  activate?: boolean;
  activateAfterTokens?: number;
}

/** How often the JWKS was fetched. */
export interface JwksFetches {
  total: number;
  byUserAgent: Record<string, number>;
  /** By `ip:port` of the connection. */
  byPeer: Record<string, number>;
}

/**
 * The key ring (`/__mock/keys`). A malformed request rejects with the 400 naming the field; an
 * unknown kid with 404; retiring the active key (or activating a retired one) with 409.
 */
export interface MockKeys {
  list(): Promise<SigningKey[]>;
  add(key: NewKey): Promise<SigningKey>;
  /** A new active key (RS256 by default); the previous one stays published. */
  rotate(alg?: KeyAlgorithm): Promise<SigningKey>;
  activate(kid: string): Promise<SigningKey>;
  retire(kid: string): Promise<SigningKey>;
  /** The next `fetches` JWKS fetches see the key set from before the last change. */
  staleJwks(fetches: number): Promise<void>;
  fetches(): Promise<JwksFetches>;
}

/** The mock's clock, which every expiry reads. */
export interface MockClock {
  /** Seconds since the epoch, on the mock's clock. */
  now(): Promise<number>;
  /** Move the clock forward; resolves to the new `now`. */
  advance(seconds: number): Promise<number>;
}

/**
 * A running mock. Each control-plane area is a member (`clock`, `outbox`, `requests`, `faults`, `keys`, …).
 * Where Node defines
 * `Symbol.asyncDispose`, the handle has it too, so `await using` stops the server.
 */
export interface MockServer {
  /** The URL the mock calls itself (the public URL if one was given), without a trailing slash. */
  readonly baseUrl: string;
  /** The `iss` of every token and of discovery. */
  readonly issuer: string;
  /** The URL this machine reaches the mock at (the bound address); the control calls use it. */
  readonly localUrl: string;
  readonly port: number;
  readonly pid: number;
  /** With `tls: true`: the certificate file to trust (e.g. `NODE_EXTRA_CA_CERTS` for a child process). */
  readonly tlsCertificate?: string;
  /** `${baseUrl}/.well-known/openid-configuration`. */
  readonly discoveryUrl: string;
  /** Stop the server (SIGTERM, then SIGKILL after 5 s) and wait until it has exited. Idempotent. */
  stop(): Promise<void>;
  /** State back to the fixtures: users, codes, tokens, executions, outbox, clock, journal, fault rules and keys. */
  reset(): Promise<void>;
  readonly clock: MockClock;
  /** The messages sent, oldest first; only those to `recipient` (a phone number or e-mail) if given. */
  outbox(recipient?: string): Promise<OutboxMessage[]>;
  /** The code (OTP, recovery token) of the last message sent to `recipient`. */
  lastCodeSentTo(recipient: string): Promise<string | undefined>;
  /** The request journal, oldest first, narrowed by `filter`. */
  requests(filter?: RequestFilter): Promise<JournalEntry[]>;
  stats(): Promise<Stats>;
  readonly faults: MockFaults;
  readonly keys: MockKeys;
}

/** Start the mock and resolve once it accepts connections. */
export function startMock(options?: StartMockOptions): Promise<MockServer>;

/** The path of the platform's thunderid-mock binary (or `THUNDERID_MOCK_BINARY`). */
export function binaryPath(): string;
