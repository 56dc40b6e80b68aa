import { describe, expect, it } from '@jest/globals';
import { lastValueFrom, of } from 'rxjs';
import { processStopSteps } from '../../src/process/process-stop-steps.js';
import type { SignalDeps } from '../../src/process/signal-process.js';
import type { StopStep } from '../../src/process/stop-escalation.js';

const TARGET = { pid: 4242, startTime: 777 };

// A process table holding `startTime` for the target, and a kill that records or refuses.
const deps = (startTime: number | undefined, refuse = false) => {
  const sent: string[] = [];
  const signalDeps: SignalDeps = {
    processInfo: { startTime: (pid) => (pid === TARGET.pid ? startTime : undefined) },
    kill: (_pid, signal) => {
      if (refuse) throw Object.assign(new Error('EPERM'), { code: 'EPERM' });
      sent.push(signal);
    },
  };
  return { sent, signalDeps };
};

const act = (steps: readonly StopStep[], name: StopStep['step']) => {
  const found = steps.find(({ step }) => step === name);
  if (found === undefined) throw new Error(`no ${name} step`);
  const acted = found.act();
  if (acted === undefined) throw new Error(`${name} returned nothing`);
  return lastValueFrom(acted);
};

describe('processStopSteps', () => {
  it('orders management signal, SIGTERM, SIGKILL with the default graces', () => {
    const steps = processStopSteps({
      target: TARGET,
      managementSignal: () => of('SUCCESS: signal SIGTERM thrown'),
      signalDeps: deps(777).signalDeps,
    });
    expect(steps.map(({ step, graceMs }) => [step, graceMs])).toEqual([
      ['management-signal', 5_000],
      ['sigterm', 3_000],
      ['sigkill', 2_000],
    ]);
  });

  it('starts at SIGTERM without a management interface, and takes grace overrides', () => {
    const steps = processStopSteps({
      target: TARGET,
      signalDeps: deps(777).signalDeps,
      graces: { sigkill: 100 },
    });
    expect(steps.map(({ step, graceMs }) => [step, graceMs])).toEqual([
      ['sigterm', 3_000],
      ['sigkill', 100],
    ]);
  });

  it('signals only the process that still has the start time', async () => {
    const live = deps(777);
    const steps = processStopSteps({ target: TARGET, signalDeps: live.signalDeps });
    expect(await act(steps, 'sigterm')).toBe('sent');
    expect(await act(steps, 'sigkill')).toBe('sent');
    expect(live.sent).toEqual(['SIGTERM', 'SIGKILL']);
    const reused = deps(778);
    const afterReuse = processStopSteps({ target: TARGET, signalDeps: reused.signalDeps });
    expect(await act(afterReuse, 'sigterm')).toBe('reused');
    expect(reused.sent).toEqual([]);
  });

  it('fails the step when the signal is refused, so the escalation moves on at once', async () => {
    const steps = processStopSteps({ target: TARGET, signalDeps: deps(777, true).signalDeps });
    await expect(act(steps, 'sigterm')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
  });
});
