import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type {
  AlienInstance,
  InstanceFacts,
  OpenvpnInstance,
  OurInstance,
  UnmarkedInstance,
} from '../../src/process/instances.js';
import { planStart } from '../../src/process/instances-plan.js';

const APP_ID = 'desk-vpn';
const SELF_PID = 900;
const OTHER_ENGINE_PID = 700;
const options = { appId: APP_ID, selfPid: SELF_PID, takeover: false };

const facts = (pid: number): InstanceFacts => ({
  pid,
  startTime: pid * 10,
  argv: ['openvpn', '--config', `/etc/openvpn/${pid}.conf`],
  profile: `/etc/openvpn/${pid}.conf`,
  uptimeMs: 60_000,
});

const stale = (pid: number): OurInstance => ({
  kind: 'ours',
  ...facts(pid),
  engine: { pid: OTHER_ENGINE_PID, startTime: 1 },
  engineAlive: false,
});

const live = (pid: number, enginePid = OTHER_ENGINE_PID): OurInstance => ({
  kind: 'ours',
  ...facts(pid),
  engine: { pid: enginePid, startTime: 1 },
  engineAlive: true,
});

const alien = (pid: number): AlienInstance => ({
  kind: 'alien',
  appId: 'other-app',
  ...facts(pid),
});
const unmarked = (pid: number): UnmarkedInstance => ({ kind: 'unmarked', ...facts(pid) });

describe('planStart', () => {
  it('proceeds with nothing to do when no openvpn runs', () => {
    expect(planStart([], options)).toEqual({ kind: 'proceed', stop: [], unmarked: [] });
  });

  it('stops instances of ours whose engine is gone', () => {
    const orphan: OurInstance = { ...stale(2), engine: undefined };
    expect(planStart([stale(1), orphan], options)).toEqual({
      kind: 'proceed',
      stop: [
        { reason: 'stale', instance: stale(1) },
        { reason: 'stale', instance: orphan },
      ],
      unmarked: [],
    });
  });

  it('reports unmarked instances without stopping them or refusing', () => {
    expect(planStart([unmarked(3), stale(4)], options)).toEqual({
      kind: 'proceed',
      stop: [{ reason: 'stale', instance: stale(4) }],
      unmarked: [unmarked(3)],
    });
  });

  it('refuses when another running copy of the application has openvpn up', () => {
    const plan = planStart([stale(5), live(6)], options);
    expect(plan).toEqual({ kind: 'refuse', error: expect.any(Error) });
    if (plan.kind !== 'refuse') return;
    expect(plan.error).toMatchObject({
      name: 'VpnError',
      code: 'OPENVPN_ALREADY_RUNNING',
      details: { blocking: [live(6)] },
    });
    expect(plan.error.message).toContain('pid 6');
    expect(plan.error.message).toContain(`engine pid ${OTHER_ENGINE_PID}`);
    expect(plan.error.message).toContain('rx-openvpn stop --all-ours');
    expect(plan.error.message).toContain('takeover');
  });

  it('stops the instances of the other copy too when takeover is asked', () => {
    expect(planStart([stale(7), live(8)], { ...options, takeover: true })).toEqual({
      kind: 'proceed',
      stop: [
        { reason: 'stale', instance: stale(7) },
        { reason: 'takeover', instance: live(8) },
      ],
      unmarked: [],
    });
  });

  it('stops an instance this very engine started and lost, without refusing', () => {
    expect(planStart([live(9, SELF_PID)], options)).toEqual({
      kind: 'proceed',
      stop: [{ reason: 'leftover', instance: live(9, SELF_PID) }],
      unmarked: [],
    });
  });

  it('refuses on an alien instance, even with takeover, and touches nothing', () => {
    const plan = planStart([stale(10), live(11), alien(12), unmarked(13)], {
      ...options,
      takeover: true,
    });
    expect(plan).toEqual({ kind: 'refuse', error: expect.any(Error) });
    if (plan.kind !== 'refuse') return;
    expect(plan.error).toMatchObject({
      name: 'VpnError',
      code: 'ALIEN_OPENVPN_RUNNING',
      details: { blocking: [alien(12)] },
    });
    expect(plan.error.message).toContain("pid 12, profile /etc/openvpn/12.conf, app 'other-app'");
  });

  it('stops only instances of ours and refuses exactly when an alien or, without takeover, another live copy runs', () => {
    const instance = fc.oneof(
      fc.nat({ max: 50 }).map(stale),
      fc.nat({ max: 50 }).map((pid) => live(pid)),
      fc.nat({ max: 50 }).map((pid) => live(pid, SELF_PID)),
      fc.nat({ max: 50 }).map(alien),
      fc.nat({ max: 50 }).map(unmarked),
    );
    fc.assert(
      fc.property(fc.array(instance, { maxLength: 8 }), fc.boolean(), (instances, takeover) => {
        const plan = planStart(instances, { ...options, takeover });
        const hasAlien = instances.some(({ kind }) => kind === 'alien');
        const hasOtherLive = instances.some(
          (i: OpenvpnInstance) => i.kind === 'ours' && i.engineAlive && i.engine?.pid !== SELF_PID,
        );
        expect(plan.kind === 'refuse').toBe(hasAlien || (hasOtherLive && !takeover));
        if (plan.kind === 'proceed') {
          expect(plan.stop.map(({ instance }) => instance)).toEqual(
            instances.filter(({ kind }) => kind === 'ours'),
          );
          expect(plan.unmarked).toEqual(instances.filter(({ kind }) => kind === 'unmarked'));
        }
      }),
    );
  });
});
