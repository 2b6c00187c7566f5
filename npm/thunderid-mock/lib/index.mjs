// The ES module face of ./index.js.
import api from './index.js';

export const { startMock, binaryPath } = api;
