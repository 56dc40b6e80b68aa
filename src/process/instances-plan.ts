import { VpnError } from '../core/errors.js';
import type {
  AlienInstance,
  InstanceFacts,
  OpenvpnInstance,
  OurInstance,
  UnmarkedInstance,
} from './instances.js';

/** What {@link planStart} weighs besides the instances. */
export interface PlanStartOptions {
  readonly appId: string;
  /** Pid of the engine that is about to start openvpn. */
  readonly selfPid: number;
  /** Stop instances of another running copy of the application instead of refusing. */
  readonly takeover: boolean;
}

/**
 * Why an instance of ours is to be stopped: its engine is gone (`stale`), it belongs to
 * another live copy and takeover was asked (`takeover`), or this very engine started it
 * earlier and lost track of it (`leftover`).
 */
export type StopReason = 'stale' | 'takeover' | 'leftover';

/** One instance of ours to stop before starting. */
export interface StopOrder {
  readonly reason: StopReason;
  readonly instance: OurInstance;
}

/** Codes with which a start is refused. */
export type RefusalCode = 'ALIEN_OPENVPN_RUNNING' | 'OPENVPN_ALREADY_RUNNING';

/** Payload of a refusal: the instances that block the start. */
export interface RefusalDetails {
  readonly blocking: readonly OpenvpnInstance[];
}

/** The decision {@link planStart} takes. */
export type StartPlan =
  | {
      readonly kind: 'proceed';
      readonly stop: readonly StopOrder[];
      /** Not ours to touch and no reason to refuse; worth a log line. */
      readonly unmarked: readonly UnmarkedInstance[];
    }
  | { readonly kind: 'refuse'; readonly error: VpnError<RefusalCode, RefusalDetails> };

const describeInstance = (instance: InstanceFacts): string =>
  instance.profile === undefined
    ? `pid ${instance.pid}`
    : `pid ${instance.pid}, profile ${instance.profile}`;

const refuseAlien = (appId: string, aliens: readonly AlienInstance[]): StartPlan => {
  const list = aliens.map((alien) => `${describeInstance(alien)}, app '${alien.appId}'`).join('; ');
  return {
    kind: 'refuse',
    error: new VpnError(
      'ALIEN_OPENVPN_RUNNING',
      `openvpn started by another application is running (${list}). ${appId} never stops ` +
        'it: disconnect the VPN in that application, then start again.',
      { details: { blocking: aliens } },
    ),
  };
};

const refuseLive = (appId: string, live: readonly OurInstance[]): StartPlan => {
  const list = live
    .map((instance) => `${describeInstance(instance)}, engine pid ${instance.engine?.pid ?? '?'}`)
    .join('; ');
  return {
    kind: 'refuse',
    error: new VpnError(
      'OPENVPN_ALREADY_RUNNING',
      `another running copy of ${appId} has openvpn up (${list}). Disconnect it there, stop ` +
        'it with `rx-openvpn stop --all-ours`, or pass takeover to stop it and start anyway.',
      { details: { blocking: live } },
    ),
  };
};

/**
 * Decides, without side effects, whether an engine may start openvpn beside the running
 * `instances`: stale instances of ours are stopped; one whose engine lives refuses the start
 * with `OPENVPN_ALREADY_RUNNING` unless `takeover`; an alien one always refuses with
 * `ALIEN_OPENVPN_RUNNING` and is never touched; unmarked ones are only reported.
 */
export const planStart = (
  instances: readonly OpenvpnInstance[],
  options: PlanStartOptions,
): StartPlan => {
  const { appId, selfPid, takeover } = options;
  const aliens = instances.filter((instance) => instance.kind === 'alien');
  if (aliens.length > 0) return refuseAlien(appId, aliens);

  const ours = instances.filter((instance) => instance.kind === 'ours');
  // engineAlive proved the start time, so an alive engine with our pid is this very process.
  const isOwnLeftover = (instance: OurInstance): boolean =>
    instance.engineAlive && instance.engine?.pid === selfPid;
  const live = ours.filter((instance) => instance.engineAlive && !isOwnLeftover(instance));
  if (live.length > 0 && !takeover) return refuseLive(appId, live);

  const reasonFor = (instance: OurInstance): StopReason => {
    if (!instance.engineAlive) return 'stale';
    return isOwnLeftover(instance) ? 'leftover' : 'takeover';
  };
  return {
    kind: 'proceed',
    stop: ours.map((instance) => ({ reason: reasonFor(instance), instance })),
    unmarked: instances.filter((instance) => instance.kind === 'unmarked'),
  };
};
