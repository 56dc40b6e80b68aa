import { describe, expect, it } from '@jest/globals';
import { createStatusRenderer, type StatusOutput } from '../../src/cli/status-renderer.js';
import type { VpnState } from '../../src/state/vpn-state.js';

const AT = 1_767_225_600_000;
const CONNECTING: VpnState = { phase: 'connecting', at: AT, step: 'WAIT' };
const CONNECTED: VpnState = { phase: 'connected', at: AT + 1_000, since: AT + 1_000 };

interface FakeOutput extends StatusOutput {
  readonly chunks: string[];
}

const fakeOutput = (isTTY: boolean, columns?: number): FakeOutput => {
  const chunks: string[] = [];
  return {
    chunks,
    isTTY,
    ...(columns === undefined ? {} : { columns }),
    write: (chunk: string) => chunks.push(chunk),
  };
};

describe('createStatusRenderer on a terminal', () => {
  it('redraws one line in place, and only when its text changes', () => {
    const output = fakeOutput(true);
    const renderer = createStatusRenderer(output);
    renderer.update(CONNECTING, undefined, AT);
    renderer.update(CONNECTING, undefined, AT + 400);
    renderer.update(CONNECTING, undefined, AT + 1_000);
    renderer.update(CONNECTED, undefined, AT + 1_000);
    renderer.end();
    expect(output.chunks).toEqual([
      '\rconnecting: WAIT  0:00\u001b[K',
      '\rconnecting: WAIT  0:01\u001b[K',
      '\rconnected  0:00\u001b[K',
      '\n',
    ]);
  });

  it('cuts the line to leave the last column free', () => {
    const output = fakeOutput(true, 12);
    createStatusRenderer(output).update(CONNECTING, undefined, AT);
    expect(output.chunks).toEqual(['\rconnecting…\u001b[K']);
  });

  it('clears the line for other output, then draws it again on the next update', () => {
    const output = fakeOutput(true);
    const renderer = createStatusRenderer(output);
    renderer.update(CONNECTING, undefined, AT);
    renderer.clear();
    renderer.update(CONNECTING, undefined, AT);
    expect(output.chunks).toEqual([
      '\rconnecting: WAIT  0:00\u001b[K',
      '\r\u001b[K',
      '\rconnecting: WAIT  0:00\u001b[K',
    ]);
  });

  it('writes nothing on clear or end before anything was drawn', () => {
    const output = fakeOutput(true);
    const renderer = createStatusRenderer(output);
    renderer.clear();
    renderer.end();
    expect(output.chunks).toEqual([]);
  });
});

describe('createStatusRenderer on a pipe', () => {
  it('writes a line per state change, never for the clock alone, and no control sequence', () => {
    const output = fakeOutput(false);
    const renderer = createStatusRenderer(output);
    renderer.update(CONNECTING, undefined, AT);
    renderer.update(CONNECTING, undefined, AT + 5_000);
    renderer.update({ ...CONNECTING, at: AT + 6_000 }, undefined, AT + 6_000);
    renderer.update(CONNECTED, undefined, AT + 1_000);
    renderer.update(CONNECTED, undefined, AT + 9_000);
    renderer.clear();
    renderer.end();
    expect(output.chunks).toEqual(['connecting: WAIT  0:00\n', 'connected  0:00\n']);
  });
});
