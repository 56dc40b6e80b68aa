import {
  clientStatusReply,
  errorReply,
  serverStatusReply,
  stateReply,
  successReply,
} from './command-replies.js';
import { clientEnv, upDownEnv, type ClientBlockEvent, type ServerFacts } from './env-blocks.js';
import { hex, tunnelIpv4 } from './fake-values.js';
import { logLine } from './log-lines.js';
import { createRandom, type Random } from './random.js';

/** What one generated event is, for the mix statistics. */
export type TrafficKind =
  | 'LOG'
  | 'BYTECOUNT'
  | 'BYTECOUNT_CLI'
  | 'STATE'
  | 'ECHO'
  | 'HOLD'
  | 'PASSWORD'
  | 'INFO'
  | 'INFOMSG'
  | 'CLIENT block'
  | 'CLIENT:ADDRESS'
  | 'UPDOWN block'
  | 'SUCCESS/ERROR reply'
  | 'status/state reply';

/** One burst of management output: its lines (no line ends) and what a parser should make of it. */
export interface TrafficEvent {
  readonly kind: TrafficKind;
  readonly lines: readonly string[];
  /** Typed notifications a complete parse yields: a whole CLIENT or UPDOWN block counts once. */
  readonly notifications: number;
}

/** An endless, seeded source of management traffic. */
export interface Traffic {
  next(): TrafficEvent;
}

interface Clock extends ServerFacts {
  time: number;
  bytesIn: number;
  bytesOut: number;
  nextClientId: number;
  stateStep: number;
}

type Generator = (random: Random, clock: Clock) => TrafficEvent;

const notification = (kind: TrafficKind, line: string): TrafficEvent => ({
  kind,
  lines: [line],
  notifications: 1,
});

const reply = (kind: TrafficKind, lines: string[]): TrafficEvent => ({
  kind,
  lines,
  notifications: 0,
});

const block = (kind: TrafficKind, prefix: string, head: string, env: string[]): TrafficEvent => ({
  kind,
  lines: [`${prefix}${head}`, ...env.map((line) => `${prefix}ENV,${line}`), `${prefix}ENV,END`],
  notifications: 1,
});

// A client's state walk through one connection, then a restart (fields as openvpn 2.6 prints
// them: time,name,description,local IPv4,remote,remote port,local address,local port,IPv6).
const STATE_WALK = [
  (t: number) => `${t},CONNECTING,,,,,,`,
  (t: number) => `${t},WAIT,,,,,,`,
  (t: number) => `${t},AUTH,,,,,,`,
  (t: number) => `${t},AUTH_PENDING,timeout 60,,,,,`,
  (t: number) => `${t},GET_CONFIG,,,,,,`,
  (t: number) => `${t},ASSIGN_IP,,10.8.3.17,,,,,`,
  (t: number) => `${t},ADD_ROUTES,,,,,,`,
  (t: number) => `${t},CONNECTED,SUCCESS,10.8.3.17,198.51.100.23,1194,192.168.1.20,51234,`,
  (t: number) => `${t},RECONNECTING,ping-restart,,,,,`,
] as const;

// Weights per event, not per byte. They model a busy `--management-client-auth` server watched
// with `bytecount 1`, `log on` and `state on` at verb 3-4: LOG lines and counters dominate the
// line count, CLIENT blocks and status polls a good share of the bytes. main prints the
// resulting mix so the proportions are on record with every result.
type Weighted = readonly [weight: number, generate: Generator];

const MIX: readonly [Weighted, ...Weighted[]] = [
  [
    40,
    (random, clock) => {
      const { flags, text } = logLine(random);
      return notification('LOG', `>LOG:${clock.time},${flags},${text}`);
    },
  ],
  [
    30,
    (random, clock) => {
      clock.time += 1;
      clock.bytesIn += random.int(0, 200_000);
      clock.bytesOut += random.int(0, 50_000);
      return notification('BYTECOUNT', `>BYTECOUNT:${clock.bytesIn},${clock.bytesOut}`);
    },
  ],
  [
    12,
    (random, clock) =>
      notification(
        'BYTECOUNT_CLI',
        `>BYTECOUNT_CLI:${random.int(0, clock.nextClientId)},${random.int(0, 2 ** 32)},${random.int(0, 2 ** 32)}`,
      ),
  ],
  [
    3,
    (_random, clock) => {
      const line = STATE_WALK[clock.stateStep % STATE_WALK.length] ?? STATE_WALK[0];
      clock.stateStep += 1;
      return notification('STATE', `>STATE:${line(clock.time)}`);
    },
  ],
  [
    1,
    (random, clock) =>
      notification(
        'ECHO',
        `>ECHO:${clock.time},${random.pick(['forget-passwords', 'hello world', 'setenv-safe UV_COLOR blue'])}`,
      ),
  ],
  [
    0.5,
    (_random, clock) =>
      notification('HOLD', `>HOLD:Waiting for hold release:${clock.stateStep % 30}`),
  ],
  [
    0.5,
    (random) =>
      notification(
        'PASSWORD',
        `>PASSWORD:${random.pick([
          "Need 'Auth' username/password",
          "Need 'Private Key' password",
          "Need 'Auth' username/password SC:1,Please enter token PIN",
          "Verification Failed: 'Auth'",
          "Verification Failed: 'Auth' ['CRV1:R,E:Om01u7Fh4LrGBS7uh0SWmzwabUiGiW6l:YWxpY2U=:Please enter token PIN']",
          `Auth-Token:${hex(random, 40)}`,
        ])}`,
      ),
  ],
  [
    0.2,
    () =>
      notification(
        'INFO',
        ">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info",
      ),
  ],
  [
    0.3,
    (random) =>
      notification(
        'INFOMSG',
        random.chance(0.5)
          ? `>INFOMSG:WEB_AUTH::https://sso.example.invalid/login?s=${hex(random, 32)}`
          : '>INFOMSG:CR_TEXT:R,E:Enter your one-time code',
      ),
  ],
  [
    1.2,
    (random, clock) => {
      const event = random.pick<ClientBlockEvent>([
        'CONNECT',
        'REAUTH',
        'ESTABLISHED',
        'DISCONNECT',
      ]);
      const cid = event === 'CONNECT' ? clock.nextClientId++ : random.int(0, clock.nextClientId);
      const head =
        event === 'CONNECT' || event === 'REAUTH'
          ? `${event},${cid},${random.int(0, 7)}`
          : `${event},${cid}`;
      return block('CLIENT block', '>CLIENT:', head, clientEnv(random, event, clock));
    },
  ],
  [
    0.4,
    (random, clock) =>
      notification(
        'CLIENT:ADDRESS',
        `>CLIENT:ADDRESS,${random.int(0, clock.nextClientId)},${tunnelIpv4(random)},1`,
      ),
  ],
  [
    0.2,
    (random, clock) =>
      block('UPDOWN block', '>UPDOWN:', random.pick(['UP', 'DOWN']), upDownEnv(random, clock)),
  ],
  [5, (random, clock) => reply('SUCCESS/ERROR reply', successReply(random, clock))],
  [0.1, () => reply('SUCCESS/ERROR reply', errorReply())],
  [0.4, (random, clock) => reply('status/state reply', serverStatusReply(random, clock))],
  [0.2, (random, clock) => reply('status/state reply', clientStatusReply(random, clock))],
  [0.5, (random, clock) => reply('status/state reply', stateReply(random, clock))],
];

const TOTAL_WEIGHT = MIX.reduce((sum, [weight]) => sum + weight, 0);

/** Starts a traffic source; the same seed always yields the same events. */
export const createTraffic = (seed: number): Traffic => {
  const random = createRandom(seed);
  const start = 1_796_300_000 + random.int(0, 100_000);
  const clock: Clock = {
    time: start,
    daemonStartTime: start,
    daemonPid: random.int(1000, 60_000),
    bytesIn: 0,
    bytesOut: 0,
    nextClientId: 0,
    stateStep: 0,
  };
  const pickGenerator = (): Generator => {
    let roll = random.next() * TOTAL_WEIGHT;
    for (const [weight, generate] of MIX) {
      roll -= weight;
      if (roll < 0) return generate;
    }
    return MIX[0][1];
  };
  return { next: () => pickGenerator()(random, clock) };
};
