import { describe, expect, it } from '@jest/globals';
import { firstValueFrom, of, throwError } from 'rxjs';
import { VpnError } from '../../src/core/errors.js';
import {
  attachedStopSteps,
  type AttachedStopOptions,
} from '../../src/engine/attached-stop-steps.js';

const base: AttachedStopOptions = {
  kind: 'graceful',
  target: { pid: 4242, startTime: 99 },
  managementSignal: () => of('SUCCESS: signal SIGTERM thrown'),
  signalDeps: { processInfo: { startTime: () => 99 }, kill: () => undefined },
  deadlines: { managementMs: 5_000, sigtermMs: 3_000, sigkillMs: 2_000 },
  onDenied: () => undefined,
};
const names = (options: Partial<AttachedStopOptions>): string[] =>
  attachedStopSteps({ ...base, ...options }).map((s) => `${s.step} ${s.graceMs}`);

describe('attachedStopSteps', () => {
  it('climbs the whole ladder for a local openvpn with a live session', () => {
    expect(names({})).toEqual(['management-signal 5000', 'sigterm 3000', 'sigkill 2000']);
  });

  it('signals a local openvpn without a session', () => {
    expect(names({ managementSignal: undefined })).toEqual(['sigterm 3000', 'sigkill 2000']);
  });

  it('has only the management signal for an openvpn whose pid is not local', () => {
    expect(names({ target: undefined })).toEqual(['management-signal 5000']);
    expect(names({ target: undefined, managementSignal: undefined })).toEqual([]);
  });

  it('goes straight to SIGKILL on a kill, and to the management signal when it cannot', () => {
    expect(names({ kind: 'kill' })).toEqual(['sigkill 2000']);
    expect(names({ kind: 'kill', target: undefined })).toEqual(['management-signal 5000']);
  });

  it('reports a refused signal, which ends the step at once', async () => {
    let denied = 0;
    const [sigterm] = attachedStopSteps({
      ...base,
      managementSignal: undefined,
      signalDeps: {
        processInfo: { startTime: () => 99 },
        kill: () => {
          throw Object.assign(new Error('EPERM'), { code: 'EPERM' });
        },
      },
      onDenied: () => (denied += 1),
    });
    await expect(firstValueFrom(sigterm?.act() ?? of(undefined))).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    expect(denied).toBe(1);
  });

  it('takes a hang-up before the reply to the management signal as no failure', async () => {
    const [signal] = attachedStopSteps({
      ...base,
      managementSignal: () => throwError(() => new VpnError('MANAGEMENT_CLOSED', 'closed')),
    });
    await expect(
      firstValueFrom(signal?.act() ?? of(undefined), { defaultValue: 'done' }),
    ).resolves.toBe('done');
  });
});
