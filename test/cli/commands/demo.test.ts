import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { Subject } from 'rxjs';
import type { CliIo } from '../../../src/cli/commands/cli-io.js';
import { runDemo } from '../../../src/cli/commands/demo.js';
import type { AppId } from '../../../src/launcher/ownership-marker.js';

const fakeIo = () => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const signal$ = new Subject<NodeJS.Signals>();
  const io: CliIo = {
    stdout: { write: (chunk: string) => stdout.push(chunk) },
    stderr: { write: (chunk: string) => stderr.push(chunk) },
    stdin: new PassThrough(),
    interrupt$: signal$,
  };
  return { io, stdout, stderr, signal$ };
};

const DEMO = {
  kind: 'demo',
  json: true,
  chaos: false,
  durationMs: 1_000,
  openvpnPath: undefined,
  appId: 'unit-demo' as AppId,
  verbosity: 0,
} as const;

describe('runDemo', () => {
  it('says how to install openvpn when it is missing, and exits 1', async () => {
    const { io, stdout, stderr, signal$ } = fakeIo();
    const code = await runDemo(DEMO, io, { envPath: '/nowhere', fileExists: () => false });
    expect(code).toBe(1);
    expect(stdout).toEqual([]);
    expect(stderr.join('')).toContain('apt-get install -y openvpn');
    expect(signal$.observed).toBe(false);
  });

  it('names an explicit --openvpn that does not exist', async () => {
    const { io, stderr } = fakeIo();
    const code = await runDemo({ ...DEMO, openvpnPath: '/opt/none/openvpn' }, io, {
      fileExists: () => false,
    });
    expect(code).toBe(1);
    expect(stderr.join('')).toContain('/opt/none/openvpn');
  });
});
