import { afterAll, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import type { ChildEnd, SpawnedChild } from '../../../src/process/spawner.js';
import { parseOvpn } from '../../../src/profile/parse-ovpn.js';
import { startTunnel } from '../../../src/engine/vpn.js';
import type { LaunchCommand } from '../../../src/launcher/launch-command.js';
import { Lab } from '../lab/lab.js';
import { scopedProcessTable } from './support/scoped-process-table.js';

const lab = new Lab();
afterAll(() => lab.cleanup());

// pkexec as it answers a dismissed polkit prompt: exit 126, a line on stderr, no openvpn.
const dismissedPkexec =
  (launched: LaunchCommand[]) =>
  (command: LaunchCommand): SpawnedChild => {
    launched.push(command);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const end = new Promise<ChildEnd>((resolve) => {
      setTimeout(() => {
        stderr.write('Error executing command as another user: Request dismissed\n');
        stdout.end();
        stderr.end();
        resolve({ kind: 'Exited', code: 126, signal: null });
      }, 20);
    });
    // The process table must see this "pid" start: this test process stands in for it.
    return { pid: process.pid, stdout, stderr, end, kill: () => false };
  };

it('fails with PERMISSION_DENIED when pkexec is dismissed', async () => {
  const appId = `it-launcher-refusal-${process.pid}`;
  const server = await lab.server({ kind: 'p2p' });
  const profile = parseOvpn(server.clientConfig());
  if (profile._tag === 'Left') throw profile.left;
  const launched: LaunchCommand[] = [];
  const tunnel = startTunnel(
    {
      profile: profile.right,
      appId,
      launcher: { kind: 'pkexec', helperPath: '/usr/libexec/example-vpn-helper' },
    },
    { processTable: scopedProcessTable([appId]), spawner: dismissedPkexec(launched) },
  );
  const final = await tunnel.done;
  expect(final).toMatchObject({ phase: 'failed', error: { code: 'PERMISSION_DENIED' } });
  expect(launched[0]?.file).toMatch(/pkexec$/);
  expect(launched[0]?.args.slice(0, 2)).toEqual(['/usr/libexec/example-vpn-helper', 'openvpn']);
}, 30_000);
