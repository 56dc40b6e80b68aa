import { createProcessTable, type ProcessTable } from '../../process/instances-table.js';
import { discoverInstances } from '../../process/instances.js';
import type { PsCommand } from '../cli-command.js';
import { formatPsJson, formatPsTable } from '../ps-table.js';
import { sanitizeForTerminal } from '../sanitize.js';
import type { CliIo } from './cli-io.js';
import { EXIT_FAILURE, EXIT_OK } from './exit-code.js';

/** Ports of `ps` and `stop`, for tests. */
export interface ProcessTableDeps {
  readonly processTable?: ProcessTable;
}

/** `rx-openvpn ps`: every running openvpn, as a table or JSON lines, classified by owner. */
export async function runPs(
  command: PsCommand,
  io: Pick<CliIo, 'stdout' | 'stderr'>,
  deps: ProcessTableDeps = {},
): Promise<number> {
  try {
    const instances = await discoverInstances(
      command.appId,
      deps.processTable ?? createProcessTable(),
    );
    io.stdout.write(command.json ? formatPsJson(instances) : formatPsTable(instances));
    return EXIT_OK;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`rx-openvpn: ${sanitizeForTerminal(message)}\n`);
    return EXIT_FAILURE;
  }
}
