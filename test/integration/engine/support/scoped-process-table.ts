import { readMarker } from '../../../../src/launcher/ownership-marker.js';
import { createProcessTable, type ProcessTable } from '../../../../src/process/instances-table.js';

/**
 * The real process table with openvpn processes of other applications hidden, unless their app
 * id is in `visibleAppIds`. Jest runs integration files in parallel and each file has its own
 * app id, so every file's openvpn is an alien to the others: without this a start would be
 * refused with ALIEN_OPENVPN_RUNNING whenever another file has a tunnel up. Unmarked openvpn
 * processes stay visible: the engine must leave them alone, and the tests prove it does.
 */
export function scopedProcessTable(visibleAppIds: readonly string[]): ProcessTable {
  const table = createProcessTable();
  const visible = new Set(visibleAppIds);
  return {
    ...table,
    list: async () =>
      (await table.list()).filter((row) => {
        const marker = readMarker(row.argv ?? row.cmd.split(' '));
        return marker === undefined || visible.has(marker.appId);
      }),
  };
}
