'use strict';
// Where the thunderid-mock binary is: the platform package npm installed beside this one (the
// esbuild / Biome pattern), or THUNDERID_MOCK_BINARY.

const fs = require('node:fs');

/** `${process.platform}-${process.arch}` -> the package that carries that platform's binary. */
const PLATFORM_PACKAGES = {
  'linux-x64': '@thunderid-mock/linux-x64',
  'linux-arm64': '@thunderid-mock/linux-arm64',
  'darwin-x64': '@thunderid-mock/darwin-x64',
  'darwin-arm64': '@thunderid-mock/darwin-arm64',
  'win32-x64': '@thunderid-mock/win32-x64',
};

function binaryPath() {
  const override = process.env.THUNDERID_MOCK_BINARY;
  if (override) {
    return override;
  }
  const platform = `${process.platform}-${process.arch}`;
  const pkg = PLATFORM_PACKAGES[platform];
  if (!pkg) {
    throw new Error(
      `thunderid-mock has no prebuilt binary for ${platform} (there are ${Object.keys(PLATFORM_PACKAGES).join(', ')}). ` +
        'Build one with `cargo install thunderid-mock` and point THUNDERID_MOCK_BINARY at it.',
    );
  }
  const exe = process.platform === 'win32' ? 'thunderid-mock.exe' : 'thunderid-mock';
  let file;
  try {
    file = require.resolve(`${pkg}/bin/${exe}`);
  } catch {
    throw new Error(
      `thunderid-mock: the package ${pkg}, which carries the binary for ${platform}, is not installed. ` +
        'npm installs it as an optional dependency: reinstall without --omit=optional / --no-optional, ' +
        'or set THUNDERID_MOCK_BINARY to a thunderid-mock binary.',
    );
  }
  ensureExecutable(file);
  return file;
}

/** Some installers drop the executable bit; put it back when the file is ours to change. */
function ensureExecutable(file) {
  if (process.platform === 'win32') {
    return;
  }
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    try {
      fs.chmodSync(file, 0o755);
    } catch {
      // Left as it is: spawning it will say why it cannot run.
    }
  }
}

module.exports = { binaryPath, PLATFORM_PACKAGES };
