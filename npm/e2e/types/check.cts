// The CommonJS typings: `require('thunderid-mock')`.
import thunderid = require('thunderid-mock');

export const started: Promise<thunderid.MockServer> = thunderid.startMock({ fixtures: './fixtures' });
export const binary: string = thunderid.binaryPath();
