import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Subject } from 'rxjs';
import { COMMAND_NAMES } from '../../../src/cli/cli-command.js';
import type { CliIo } from '../../../src/cli/commands/cli-io.js';
import { helpText } from '../../../src/cli/help-text.js';
import { main } from '../../../src/cli/main.js';

const run = async (args: readonly string[]) => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliIo = {
    stdout: { write: (chunk: string) => stdout.push(chunk) },
    stderr: { write: (chunk: string) => stderr.push(chunk) },
    stdin: new PassThrough(),
    interrupt$: new Subject<NodeJS.Signals>(),
  };
  const code = await main(args, io);
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
};

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rx-openvpn-main-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('main', () => {
  it('prints the overview for --help, on stdout, and exits 0', async () => {
    expect(await run(['--help'])).toEqual({ code: 0, stdout: helpText(undefined), stderr: '' });
  });

  it.each(COMMAND_NAMES)(
    'prints the help of %s for `<command> --help` and `help <command>`',
    async (name) => {
      expect(await run([name, '--help'])).toEqual({ code: 0, stdout: helpText(name), stderr: '' });
      expect(await run(['help', name])).toEqual({ code: 0, stdout: helpText(name), stderr: '' });
    },
  );

  it('exits 2 with the reason on stderr when the command line does not parse', async () => {
    const result = await run(['connect']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^rx-openvpn: connect needs a profile/);
  });

  it('refuses an invalid profile with exit 1 and a message naming the line', async () => {
    const profile = join(dir, 'bad.ovpn');
    await writeFile(profile, 'client\ndev tun\nnobind\nremote vpn.example.com notaport\n');
    const result = await run(['connect', profile, '--app-id', `unit-main-${process.pid}`]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(profile);
    expect(result.stderr).toMatch(/line 4/);
  });

  it('says which profile it cannot read', async () => {
    const missing = join(dir, 'missing.ovpn');
    const result = await run(['connect', missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot read the profile ${missing} (ENOENT)`);
  });

  it('says which auth file it cannot read', async () => {
    const missing = join(dir, 'missing-auth.txt');
    const result = await run(['connect', join(dir, 'any.ovpn'), '--auth-file', missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot read the auth file ${missing}`);
  });

  it('refuses --launcher pkexec without a helper, saying what to give', async () => {
    const result = await run(['connect', 'x.ovpn', '--launcher', 'pkexec']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--pkexec-helper <path>');
  });
});
