/**
 * The smallest application: connect one profile, print every state, stop on Ctrl-C.
 *
 * Run, from the repository root:
 *   npx tsc -p examples && node examples/.build/examples/minimal/main.js client.ovpn
 *
 * Ctrl-C stops openvpn gracefully (management, then SIGTERM, then SIGKILL, each with a
 * deadline); a second Ctrl-C skips to SIGKILL. Exits 0 after a requested stop, 1 when the
 * tunnel failed, 2 on a bad command line or profile.
 */
import { startTunnel } from '../../src/index.js';
import { describeState } from '../shared/describe-state.js';
import { exampleEngine } from '../shared/example-engine.js';
import { loadProfile } from '../shared/load-profile.js';

const EXIT_USAGE = 2;

const [profilePath] = process.argv.slice(2);
if (profilePath === undefined) {
  console.error('usage: node examples/.build/examples/minimal/main.js <profile.ovpn>');
  process.exit(EXIT_USAGE);
}
const profile = await loadProfile(profilePath).catch((error: unknown) => {
  console.error(String(error));
  process.exit(EXIT_USAGE);
});

const { appId, deps } = exampleEngine('rx-openvpn-example-minimal');
// `vpnState$(options)` is the same tunnel as a cold Observable, stopped by unsubscribing; the
// handle is used here to see the tunnel through to `stopped` after Ctrl-C.
const tunnel = startTunnel({ profile, appId }, deps);
tunnel.state$.subscribe((state) => {
  console.log(`${new Date(state.at).toISOString()} ${describeState(state)}`);
});

let interrupts = 0;
process.on('SIGINT', () => {
  interrupts += 1;
  tunnel.stop(interrupts === 1 ? 'graceful' : 'kill');
});

const final = await tunnel.done;
process.exitCode = final.phase === 'failed' ? 1 : 0;
