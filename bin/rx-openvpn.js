#!/usr/bin/env node
// The `rx-openvpn` command: package.json's `bin` points here, not into dist/, so that the
// file exists (and keeps its execute bit) before the first build. `npx rx-openvpn` in a
// checkout links to it on its first run and keeps that link in the npx cache: were the bin in
// dist/, an early run would cache a missing command, and a clean rebuild would drop the
// execute bit. This shim runs the built CLI, or says how to build it.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/bin.js', import.meta.url);
if (existsSync(entry)) {
  await import(entry.href);
} else {
  process.stderr.write(
    'rx-openvpn is not built yet: run `npm run build` in the package directory, then try again.\n',
  );
  process.exitCode = 1;
}
