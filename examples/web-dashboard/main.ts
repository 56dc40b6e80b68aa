/**
 * A web dashboard: one page with the tunnel's phase, addresses and a live traffic chart, fed by
 * Server-Sent Events, with Connect and Disconnect buttons on `createVpnController`. Without
 * `--profile` it runs its own OpenVPN server on 127.0.0.1 (the CLI's demo server and PKI), so it
 * needs no VPN account and no root.
 *
 * Run, from the repository root, then open the printed address:
 *   npx tsc -p examples && node examples/.build/examples/web-dashboard/main.js [--port 8080] [--profile client.ovpn]
 *
 * Ctrl-C stops openvpn (and the demo server), then exits.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { isLeft } from 'fp-ts/lib/Either.js';
import { createVpnController, parseOvpn, type Profile } from '../../src/index.js';
// Not part of the public API: the `rx-openvpn demo` command's server and certificates.
import { ensureDemoPki } from '../../src/cli/demo-pki.js';
import { startDemoServer, type DemoServer } from '../../src/cli/demo-server.js';
import { exampleEngine } from '../shared/example-engine.js';
import { loadProfile } from '../shared/load-profile.js';
import { createDashboardServer } from './dashboard-server.js';

const DEFAULT_PORT = 8080;
const PORT_MAX = 65_535;
const HOST = '127.0.0.1';
const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;

const usage = (problem: string): never => {
  console.error(
    `${problem}\nusage: node examples/.build/examples/web-dashboard/main.js ` +
      '[--port 8080] [--profile client.ovpn]',
  );
  process.exit(EXIT_USAGE);
};

const parsed = (() => {
  try {
    return parseArgs({
      options: { port: { type: 'string' }, profile: { type: 'string' } },
      strict: true,
    }).values;
  } catch (error) {
    return usage(String(error));
  }
})();
const port = Number(parsed.port ?? DEFAULT_PORT);
if (parsed.port === '' || !Number.isInteger(port) || port < 0 || port > PORT_MAX) {
  usage(`invalid port ${String(parsed.port)}`);
}

let demoServer: DemoServer | undefined;

/** The demo server's client profile; the server runs until the dashboard stops. */
const demoProfile = async (): Promise<Profile> => {
  console.log('starting the demo OpenVPN server on 127.0.0.1 (the first run makes certificates)');
  demoServer = await startDemoServer({ pki: await ensureDemoPki() });
  const profile = parseOvpn(demoServer.clientProfile());
  if (isLeft(profile)) throw profile.left;
  return profile.right;
};

const profile = await (
  parsed.profile === undefined ? demoProfile() : loadProfile(parsed.profile)
).catch(async (error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  await demoServer?.stop();
  process.exit(EXIT_FAILURE);
});

const { appId, deps } = exampleEngine('rx-openvpn-example-dashboard');
const controller = createVpnController({ profile, appId }, deps);
const server = createDashboardServer(controller);
server.listen(port, HOST);
await once(server, 'listening');
const address = server.address() as AddressInfo;
console.log(`dashboard: http://${HOST}:${String(address.port)}/`);

let shuttingDown = false;
const shutdown = async (): Promise<void> => {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log('shutting down: stopping openvpn');
  const final = await controller.stop();
  console.log(`openvpn ${final.phase}`);
  // Event streams never end on their own: close them, or close() would wait for them.
  server.closeAllConnections();
  server.close();
  await demoServer?.stop();
};
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
