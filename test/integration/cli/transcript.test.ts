import { afterAll, expect, it } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Subject } from 'rxjs';
import type { CliIo } from '../../../src/cli/commands/cli-io.js';
import { main } from '../../../src/cli/main.js';
import { Lab, waitFor } from '../lab/lab.js';

const lab = new Lab();
afterAll(() => lab.cleanup());

it('connect --transcript writes both directions of the management conversation', async () => {
  const server = await lab.server({ kind: 'p2p' });
  const dir = await lab.tempDir();
  const profile = join(dir, 'client.ovpn');
  const transcript = join(dir, 'mgmt.log');
  await writeFile(profile, server.clientConfig());
  const stdout: string[] = [];
  const interrupt$ = new Subject<NodeJS.Signals>();
  const io: CliIo = {
    stdout: { write: (chunk: string) => stdout.push(chunk) },
    stderr: { write: () => true },
    stdin: new PassThrough(),
    interrupt$,
  };
  const appId = `it-transcript-${process.pid}`;
  const exit = main(
    ['connect', profile, '--json', '--app-id', appId, '--transcript', transcript],
    io,
  );
  await waitFor(
    () => stdout.join('').includes('"phase":"connected"'),
    30_000,
    () => stdout.join(''),
  );
  interrupt$.next('SIGINT');
  expect(await exit).toBe(0);

  const lines = (await readFile(transcript, 'utf8')).trimEnd().split('\n');
  expect(lines.some((l) => / -> state "on" "all"$/.test(l))).toBe(true);
  expect(lines.some((l) => / <- >STATE:\d+,CONNECTED,SUCCESS/.test(l))).toBe(true);
  expect(lines.some((l) => / -> signal "SIGTERM"$/.test(l))).toBe(true);
  for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z (->|<-) /);
}, 60_000);
