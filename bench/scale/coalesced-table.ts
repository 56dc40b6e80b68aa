import type { ProcessTable } from '../../src/process/instances-table.js';

/**
 * An experiment, not the engine's table: concurrent `list()` calls share one in-flight listing,
 * so N tunnels started together run `ps` once instead of N times. Each start still sees every
 * sibling's openvpn through the engine's live-pid registry, which is what makes sharing safe.
 */
export function coalescedTable(table: ProcessTable): ProcessTable {
  let inFlight: ReturnType<ProcessTable['list']> | undefined;
  return {
    ...table,
    list: () => {
      inFlight ??= table.list().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}
