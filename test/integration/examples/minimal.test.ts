import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Lab } from '../lab/lab.js';
import { BUILD_TIMEOUT_MS, buildExamples, type BuiltExamples } from './support/built-examples.js';
import { ExampleBed, openvpnsUnder, within, EXIT_TIMEOUT_MS } from './support/example-bed.js';

const SOURCE = 'minimal/main.ts';
const TEST_TIMEOUT_MS = 90_000;
const bed = new ExampleBed('minimal');
// The build outlives each test's teardown.
const buildLab = new Lab();
let built: BuiltExamples;

beforeAll(async () => {
  built = await buildExamples(await buildLab.tempDir(), [SOURCE]);
}, BUILD_TIMEOUT_MS);
afterAll(() => buildLab.cleanup());
afterEach(() => bed.teardown());

const writeProfile = async (text: string): Promise<string> => {
  const path = join(await bed.lab.tempDir(), 'client.ovpn');
  await writeFile(path, text, { mode: 0o600 });
  return path;
};

// Lines are `<ISO time> <state>`.
const phases = (lines: readonly string[]): string[] =>
  lines.map((line) => line.split(' ')[1] ?? '');

describe('examples/minimal', () => {
  it(
    'prints each state until connected, and stops cleanly on Ctrl-C',
    async () => {
      const server = await bed.lab.server({ kind: 'p2p' });
      const profile = await writeProfile(server.clientConfig());
      const { run } = await bed.start(built.script(SOURCE), [profile]);

      const connectedAt = await run.waitForLine(
        new RegExp(`^\\S+ connected to 127\\.0\\.0\\.1:${server.port}$`),
      );
      expect(await run.interrupted()).toEqual({ code: 0, signal: null });

      const lines = run.lines();
      expect(lines.every((line) => /^\d{4}-\d\d-\d\dT\S+Z \S/.test(line))).toBe(true);
      expect(phases(lines.slice(0, connectedAt))).toEqual(
        expect.arrayContaining(['starting', 'connecting']),
      );
      expect(phases(lines.slice(connectedAt + 1))).toContain('stopping');
      expect(lines.at(-1)).toMatch(/ stopped, exit code 0$/);
      expect(run.stderr).toBe('');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'exits 1 with the failure when openvpn dies',
    async () => {
      const server = await bed.lab.server({ kind: 'p2p' });
      const profile = await writeProfile(server.clientConfig());
      const { run, tmpDir } = await bed.start(built.script(SOURCE), [profile]);
      await run.waitForLine(/ connected to /);

      const [openvpn, ...others] = await openvpnsUnder(tmpDir);
      expect(others).toEqual([]);
      process.kill(openvpn!, 'SIGKILL');

      expect(await within(run.exit, EXIT_TIMEOUT_MS, () => run.describe())).toEqual({
        code: 1,
        signal: null,
      });
      expect(run.lines().at(-1)).toMatch(/ failed PROCESS_EXITED: .*SIGKILL/);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'refuses a profile openvpn would refuse, with exit 2 and the line to change',
    async () => {
      const profile = await writeProfile('client\ndev null\nnobind\nremote 127.0.0.1 notaport\n');
      const { run } = await bed.start(built.script(SOURCE), [profile]);

      expect(await within(run.exit, EXIT_TIMEOUT_MS, () => run.describe())).toEqual({
        code: 2,
        signal: null,
      });
      expect(run.lines()).toEqual([]);
      expect(run.stderr).toContain(profile);
      expect(run.stderr).toMatch(/line 4/);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'prints its usage without a profile, exit 2',
    async () => {
      const { run } = await bed.start(built.script(SOURCE), []);
      expect(await within(run.exit, EXIT_TIMEOUT_MS, () => run.describe())).toEqual({
        code: 2,
        signal: null,
      });
      expect(run.stderr).toMatch(/^usage: /);
    },
    TEST_TIMEOUT_MS,
  );
});
