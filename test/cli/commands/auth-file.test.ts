import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { parseAuthFile, readAuthFile } from '../../../src/cli/commands/auth-file.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rx-openvpn-auth-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parseAuthFile', () => {
  it('reads the username from line 1 and the password from line 2, as a Secret', () => {
    const parsed = parseAuthFile('alice\nwonder land\nignored\n', 'auth.txt');
    if (parsed._tag === 'Left') throw new Error(parsed.left.message);
    expect(parsed.right.username).toBe('alice');
    expect(parsed.right.password?.reveal()).toBe('wonder land');
    expect(inspect(parsed.right)).not.toContain('wonder');
  });

  it('strips CRLF line endings', () => {
    const parsed = parseAuthFile('bob\r\npw\r\n', 'auth.txt');
    if (parsed._tag === 'Left') throw new Error(parsed.left.message);
    expect(parsed.right.username).toBe('bob');
    expect(parsed.right.password?.reveal()).toBe('pw');
  });

  it('leaves the password out when the file has only a username', () => {
    const parsed = parseAuthFile('carol\n', 'auth.txt');
    if (parsed._tag === 'Left') throw new Error(parsed.left.message);
    expect(parsed.right).toEqual({ username: 'carol', password: undefined });
  });

  it('refuses an empty username, naming the file', () => {
    const parsed = parseAuthFile('\nsecret\n', '/etc/vpn/auth.txt');
    expect(parsed).toMatchObject({ _tag: 'Left', left: { kind: 'AuthFileProblem' } });
    if (parsed._tag === 'Left') expect(parsed.left.message).toContain('/etc/vpn/auth.txt');
  });
});

describe('readAuthFile', () => {
  it('reads a file from disk', async () => {
    const path = join(dir, 'auth.txt');
    await writeFile(path, 'dave\nhunter2\n', { mode: 0o600 });
    const read = await readAuthFile(path);
    if (read._tag === 'Left') throw new Error(read.left.message);
    expect(read.right.username).toBe('dave');
  });

  it('reports a missing file with its errno, without throwing', async () => {
    const read = await readAuthFile(join(dir, 'missing.txt'));
    expect(read._tag).toBe('Left');
    if (read._tag === 'Left') expect(read.left.message).toContain('ENOENT');
  });
});
