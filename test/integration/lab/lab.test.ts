import { afterAll, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Lab, isAlive } from './lab.js';

const lab = new Lab();
afterAll(() => lab.cleanup());

describe('the loopback lab', () => {
  it.each(['p2p', 'pull'] as const)(
    'serves a %s client that reaches Initialization Sequence Completed',
    async (kind) => {
      const server = await lab.server({ kind });
      const dir = await lab.tempDir();
      const config = join(dir, 'client.conf');
      await writeFile(config, server.clientConfig());
      const client = await lab.run(['--config', config], /Initialization Sequence Completed/);
      expect(client.output()).toMatch(/Initialization Sequence Completed/);
      await client.stop();
      expect(isAlive(client.pid)).toBe(false);
    },
    20_000,
  );
});
