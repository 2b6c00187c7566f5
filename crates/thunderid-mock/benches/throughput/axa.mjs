// axa's oauth2-mock-server with an RS256 key, on a free loopback port. `cargo xtask bench` runs it
// from target/bench-peers (where npm installed it) and reads the URL from the first line.
import { OAuth2Server } from 'oauth2-mock-server';

const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
await server.start(0, '127.0.0.1');
console.log(`listening on ${server.issuer.url}`);
