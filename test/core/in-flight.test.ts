import { describe, expect, it } from '@jest/globals';
import { sharedWhileInFlight, sharedWhileInFlightByKey } from '../../src/core/in-flight.js';

/** A load whose calls are counted and whose promises the test settles by hand. */
function manualLoad<T>() {
  const pending: { resolve: (value: T) => void; reject: (error: unknown) => void }[] = [];
  const load = (): Promise<T> =>
    new Promise<T>((resolve, reject) => pending.push({ resolve, reject }));
  return { load, pending };
}

describe('sharedWhileInFlight', () => {
  it('gives calls made while a load runs that same load', async () => {
    const { load, pending } = manualLoad<number>();
    const shared = sharedWhileInFlight(load);
    const first = shared();
    const second = shared();
    expect(pending).toHaveLength(1);
    pending[0]?.resolve(7);
    await expect(Promise.all([first, second])).resolves.toEqual([7, 7]);
  });

  it('starts afresh once the load has settled, also after a failure', async () => {
    const { load, pending } = manualLoad<number>();
    const shared = sharedWhileInFlight(load);
    const failed = shared();
    pending[0]?.reject(new Error('gone'));
    await expect(failed).rejects.toThrow('gone');
    const next = shared();
    expect(pending).toHaveLength(2);
    pending[1]?.resolve(8);
    await expect(next).resolves.toBe(8);
  });
});

describe('sharedWhileInFlightByKey', () => {
  it('shares a load per key and keeps keys apart', async () => {
    const a = manualLoad<string>();
    const b = manualLoad<string>();
    const shared = sharedWhileInFlightByKey<string>();
    const a1 = shared('a', a.load);
    const a2 = shared('a', a.load);
    const b1 = shared('b', b.load);
    expect(a.pending).toHaveLength(1);
    expect(b.pending).toHaveLength(1);
    a.pending[0]?.resolve('from a');
    b.pending[0]?.resolve('from b');
    await expect(Promise.all([a1, a2, b1])).resolves.toEqual(['from a', 'from a', 'from b']);
    const a3 = shared('a', a.load);
    expect(a.pending).toHaveLength(2);
    a.pending[1]?.resolve('again');
    await expect(a3).resolves.toBe('again');
  });
});
