// The conformance suite's driver for the published @thunderid/javascript SDK (driver protocol v1,
// docs/sdk-driver.md). It does what an app on Node does with this SDK, as the (unpublished)
// @thunderid/node package of the same release does: a ThunderIDJavaScriptClient with the SDK's
// own in-memory store and crypto, and the app-native flow API (executeEmbeddedSignInFlow). Where
// the SDK leaves a step to the app (reading the callback URL, keeping the challenge token), the
// driver does it the way the SDK's React package does; those places are marked "app glue".
import http from 'node:http';
import {readFileSync} from 'node:fs';
import {
  ThunderIDJavaScriptClient,
  ThunderIDAPIError,
  executeEmbeddedSignInFlow,
} from '@thunderid/javascript';

const sdkVersion = JSON.parse(
  readFileSync(new URL('./node_modules/@thunderid/javascript/package.json', import.meta.url), 'utf8'),
).version;

// The SDK's protected methods are the ones its platform packages (node, express) call.
class DriverClient extends ThunderIDJavaScriptClient {
  signInUrl() { return this.getSignInUrl(); }
  token(code, sessionState, state) { return this.requestAccessToken(code, sessionState, state); }
  refresh() { return this.refreshAccessToken(); }
  signOutUrl() { return this.getSignOutUrl(); }
  decodedIdToken() { return this.getDecodedIdToken(); }
}

let session = null;

class Failure extends Error {
  constructor(kind, message, code, status) {
    super(message);
    Object.assign(this, {kind, code, status});
  }
}

// The server's code from an error body the SDK passed on (as text or parsed).
function serverCode(body) {
  let parsed = body;
  if (typeof body === 'string') {
    try { parsed = JSON.parse(body); } catch { return undefined; }
  }
  return parsed?.error ?? parsed?.code;
}

// The HTTP status behind a reason phrase: the SDK's token errors name only the status text
// ("Requesting access token failed with Service Unavailable").
function statusOf(text) {
  const found = Object.entries(http.STATUS_CODES).find(
    ([, phrase]) => text?.endsWith(`with ${phrase}`) || text?.endsWith(`(${phrase})`),
  );
  return found ? Number(found[0]) : undefined;
}

// What the SDK threw, in the protocol's words. Only what the SDK exposes is reported: where it
// drops the server's code, the answer has none.
function classify(error) {
  if (error instanceof Failure) return error;
  if (error instanceof ThunderIDAPIError) {
    return new Failure('server', error.message, serverCode(error.message), error.statusCode);
  }
  const code = String(error?.code ?? '');
  if (/^(ERR_JOSE|ERR_JWT|ERR_JWS|ERR_JWK)|^JS-CRYPTO_UTIL-|-VIT-/.test(code)) {
    return new Failure('id_token', error.message, code);
  }
  if (code.includes('-HE0')) {
    return new Failure('server', `${error.name}: ${error.message}`, serverCode(error.message), statusOf(error.name));
  }
  if (code.includes('-NE0') || code.includes('-NR0') || error instanceof TypeError) {
    return new Failure('transport', `${error.message} ${error?.cause?.code ?? ''}`.trim());
  }
  return new Failure('other', error?.message ?? String(error), code || undefined);
}

function flowAnswer(response, extra = {}) {
  const data = response.data ?? {};
  const components = data.components ?? [];
  const walk = (list, out) => {
    for (const c of list ?? []) {
      out.push(c);
      walk(c.components, out);
    }
    return out;
  };
  const all = walk(components, []);
  const inputs = (data.inputs ?? []).map(i => i.identifier);
  const actions = (data.actions ?? []).map(a => a.ref ?? a.id);
  if (inputs.length === 0) for (const c of all) if (c.category === 'FIELD' || c.type?.endsWith('_INPUT')) inputs.push(c.ref ?? c.identifier);
  if (actions.length === 0) for (const c of all) if (c.type === 'ACTION' || c.category === 'ACTION') actions.push(c.id);
  return {
    status: response.flowStatus,
    stepType: response.type,
    inputs,
    actions,
    errorCode: response.error?.code,
    redirectUrl: data.redirectURL,
    assertion: response.assertion,
    ...extra,
  };
}

const commands = {
  async configure(args) {
    const client = new DriverClient();
    await client.initialize({
      baseUrl: args.baseUrl,
      clientId: args.clientId,
      clientSecret: args.clientSecret,
      applicationId: args.applicationId,
      afterSignInUrl: args.redirectUri,
      afterSignOutUrl: args.postLogoutRedirectUri,
      scopes: args.scopes,
    });
    session = {client, args, flow: null};
    return {};
  },
  async 'signIn.start'() {
    return {url: await client().signInUrl()};
  },
  async 'signIn.callback'({url}) {
    // App glue: the SDK takes code, session_state and state; the app reads them from the URL.
    const params = new URL(url).searchParams;
    if (!params.get('code')) {
      throw new Failure('authorization', params.get('error_description') ?? 'no code', params.get('error') ?? undefined);
    }
    await client().token(params.get('code'), params.get('session_state') ?? '', params.get('state') ?? '');
    return {sub: (await client().decodedIdToken()).sub};
  },
  async 'user.get'() {
    await signedIn();
    return {sub: (await client().decodedIdToken()).sub};
  },
  async 'session.get'() {
    return {signedIn: await client().isSignedIn()};
  },
  async 'token.get'() {
    await signedIn();
    return {accessToken: await client().getAccessToken()};
  },
  async 'token.refresh'() {
    await signedIn();
    await client().refresh();
    return {accessToken: await client().getAccessToken()};
  },
  async signOut() {
    const url = await client().signOutUrl();
    client().clearSession();
    return {url};
  },
  async 'token.exchange'({subjectToken, subjectTokenType, audience}) {
    // The SDK's custom-grant call: the form is written from `data`, with its template tags.
    const data = {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: subjectToken,
      subject_token_type: subjectTokenType,
      client_id: '{{clientId}}',
      client_secret: '{{clientSecret}}',
      ...(audience ? {audience} : {}),
    };
    const answer = await client().exchangeToken({id: 'token-exchange', data, returnsSession: false});
    return {accessToken: answer.access_token};
  },
  async 'organization.switch'({organizationId}) {
    // 0.4.0 has no switchOrganization; this is the call its framework SDKs made for it (the
    // organization_switch custom grant through exchangeToken, removed in fe15a52), the new tokens
    // becoming the session's.
    await signedIn();
    const data = {
      client_id: '{{clientId}}',
      client_secret: '{{clientSecret}}',
      grant_type: 'organization_switch',
      scope: '{{scopes}}',
      switching_organization: organizationId,
      token: '{{accessToken}}',
    };
    await client().exchangeToken({id: 'organization-switch', data, returnsSession: true, signInRequired: true});
    return {accessToken: await client().getAccessToken()};
  },
  async 'flow.start'({flowType, viaAuthorize}) {
    const {args} = session;
    if (viaAuthorize) {
      // App glue (as the React SDK's SignIn): the browser goes to the authorize URL and lands on
      // the sign-in page with authId and executionId.
      const authorize = await client().signInUrl();
      const response = await fetch(authorize, {redirect: 'manual'});
      const location = new URL(response.headers.get('location') ?? '', authorize);
      const authId = location.searchParams.get('authId');
      const executionId = location.searchParams.get('executionId');
      if (!authId || !executionId) throw new Failure('other', `the authorize redirect has no authId: ${location}`);
      session.flow = {authId, state: new URL(authorize).searchParams.get('state')};
      return step({executionId});
    }
    session.flow = {};
    return step({applicationId: args.applicationId, flowType});
  },
  async 'flow.continue'({action, inputs}) {
    if (!session?.flow?.executionId) throw new Failure('invalid_input', 'no flow in progress');
    return step({executionId: session.flow.executionId, challengeToken: session.flow.challengeToken, action, inputs});
  },
  async 'flow.resume'({inputs}) {
    return commands['flow.continue']({inputs});
  },
};

async function step(payload) {
  const {args, flow} = session;
  const response = await executeEmbeddedSignInFlow({
    baseUrl: args.baseUrl,
    payload,
    authId: flow.authId,
    flowSecret: args.flowSecret,
  });
  // App glue: keep the execution and its latest challenge token for the next step.
  if (response.executionId) flow.executionId = response.executionId;
  if (response.challengeToken) flow.challengeToken = response.challengeToken;
  if (response.redirectUrl && flow.authId) {
    // The SDK relayed the assertion; the callback's redirect carries the code.
    const back = new URL(response.redirectUrl).searchParams;
    await client().token(back.get('code'), back.get('session_state') ?? '', back.get('state') ?? flow.state);
    return {status: response.flowStatus, signedIn: await client().isSignedIn()};
  }
  return flowAnswer(response);
}

function client() {
  if (!session) throw new Failure('invalid_input', 'configure first');
  return session.client;
}

async function signedIn() {
  if (!(await client().isSignedIn())) throw new Failure('not_signed_in', 'not signed in');
}

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', chunk => { body += chunk; });
  req.on('end', async () => {
    let answer;
    let id = null;
    try {
      const command = JSON.parse(body);
      id = command.id ?? null;
      const run = commands[command.cmd];
      answer = run ? {id, ok: await run(command.args ?? {})} : {id, unsupported: true};
    } catch (error) {
      const f = classify(error);
      answer = {id, error: {kind: f.kind, code: f.code ?? null, status: f.status ?? null, message: f.message}};
    }
    res.writeHead(200, {'content-type': 'application/json'});
    res.end(JSON.stringify(answer));
  });
});

server.listen(0, '127.0.0.1', () => {
  const {port} = server.address();
  console.log(JSON.stringify({thunderidDriver: 1, port, sdk: `@thunderid/javascript ${sdkVersion}`}));
});
