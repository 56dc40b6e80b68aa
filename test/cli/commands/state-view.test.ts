import { describe, expect, it } from '@jest/globals';
import { createStateView } from '../../../src/cli/commands/state-view.js';
import { emptyTraffic } from '../../../src/state/traffic.js';
import type { VpnState } from '../../../src/state/vpn-state.js';

const collect = (isTTY: boolean) => {
  const chunks: string[] = [];
  return { chunks, output: { isTTY, columns: 200, write: (chunk: string) => chunks.push(chunk) } };
};

const NOW = 1_767_225_600_000;
const starting: VpnState = { phase: 'starting', at: NOW };
const connected: VpnState = { phase: 'connected', at: NOW + 1000, since: NOW + 1000 };
const stopping: VpnState = { phase: 'stopping', at: NOW + 2000, requested: true };

describe('createStateView with --json', () => {
  it('writes a JSON line per state and nothing for traffic, ticks or clearing', () => {
    const { chunks, output } = collect(true);
    const view = createStateView(output, { json: true, now: () => NOW });
    view.state(starting);
    view.traffic({ ...emptyTraffic, bytesIn: 10 });
    view.tick();
    view.clear();
    view.state(connected);
    view.end();
    expect(chunks.map((chunk) => JSON.parse(chunk) as unknown)).toEqual([
      { phase: 'starting', at: NOW },
      { phase: 'connected', at: NOW + 1000, since: NOW + 1000 },
    ]);
  });

  it('does not repeat a record that changed only in time', () => {
    const { chunks, output } = collect(false);
    const view = createStateView(output, { json: true, now: () => NOW });
    view.state(stopping);
    view.state({ ...stopping, at: NOW + 2005, rawReason: 'EXITING' });
    expect(chunks).toHaveLength(1);
  });
});

describe('createStateView with a status line', () => {
  it('writes a line per change when stdout is not a terminal', () => {
    const { chunks, output } = collect(false);
    const view = createStateView(output, { json: false, now: () => NOW });
    view.state(starting);
    view.tick();
    view.state(connected);
    expect(chunks).toEqual(['starting  0:00\n', 'connected  0:00\n']);
  });

  it('draws nothing while suspended for a prompt, and the latest state when resumed', () => {
    const { chunks, output } = collect(true);
    const view = createStateView(output, { json: false, now: () => NOW + 1000 });
    view.state(starting);
    chunks.length = 0;
    view.suspend();
    view.state(connected);
    view.tick();
    const whileSuspended = chunks.join('');
    view.resume();
    expect(whileSuspended).not.toContain('connected');
    expect(chunks.join('')).toContain('connected');
  });

  it('shows traffic on the connected line', () => {
    const { chunks, output } = collect(false);
    const view = createStateView(output, { json: false, now: () => NOW + 1000 });
    view.traffic({ ...emptyTraffic, bytesIn: 2048, bytesOut: 1024 });
    view.state(connected);
    expect(chunks.join('')).toContain('↓ 2 KiB');
  });
});
