import { Secret } from '../../src/core/secret.js';
import * as command from '../../src/management/command.js';
import type { Command } from '../../src/management/command.js';
import { hostileNumber, hostileText } from './hostile-text.js';
import type { Random } from './random.js';

/**
 * One generated call of a command constructor: the command, the head parameters it must
 * encode to (name first) and, for multi-line commands, the body it must carry.
 */
export interface EncoderCase {
  readonly command: Command<unknown>;
  readonly head: readonly string[];
  readonly body?: readonly string[];
  /** The strings given as Secrets: a refusal must not carry them. */
  readonly secrets: readonly string[];
  /** Every argument is short printable ASCII and every number a valid count: must be accepted. */
  readonly plain: boolean;
}

type Make = (random: Random) => EncoderCase;

/** A built command and the head parameters it must encode to. */
type NumericEntry = readonly [Command<unknown>, readonly (string | number)[]];

const PLAIN = /^[\x20-\x7e]{0,40}$/;

const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

/** Collects what a case needs while its arguments are drawn. */
const draw = (random: Random) => {
  const texts: string[] = [];
  const numbers: number[] = [];
  const secrets: string[] = [];
  return {
    text: (): string => {
      const value = hostileText(random);
      texts.push(value);
      return value;
    },
    secret: (): Secret => {
      const value = hostileText(random);
      texts.push(value);
      secrets.push(value);
      return Secret.of(value);
    },
    number: (): number => {
      const value = hostileNumber(random);
      numbers.push(value);
      return value;
    },
    finish: (
      built: Command<unknown>,
      head: readonly (string | number)[],
      body?: readonly string[],
    ): EncoderCase => ({
      command: built,
      head: head.map(String),
      ...(body === undefined ? {} : { body }),
      secrets,
      plain: texts.every((t) => PLAIN.test(t)) && numbers.every(isCount),
    }),
  };
};

const nonBlank = (lines: readonly string[]): string[] => lines.filter((l) => l.trim() !== '');

/** Every constructor of src/management/command.ts, each argument drawn from hostile input. */
export const ENCODER_CASES: readonly [Make, ...Make[]] = [
  (r) => {
    const d = draw(r);
    const target = d.text();
    return d.finish(command.kill(target), ['kill', target]);
  },
  (r) => {
    const d = draw(r);
    const [address, port] = [d.text(), d.number()];
    return d.finish(command.kill({ address, port }), ['kill', `${address}:${port}`]);
  },
  (r) => {
    const d = draw(r);
    const [type, value] = [d.text(), d.text()];
    return d.finish(command.username(type, value), ['username', type, value]);
  },
  (r) => {
    const d = draw(r);
    const type = d.text();
    const value = d.secret();
    return d.finish(command.username(type, value), ['username', type, value.reveal()]);
  },
  (r) => {
    const d = draw(r);
    const type = d.text();
    const value = d.secret();
    return d.finish(command.password(type, value), ['password', type, value.reveal()]);
  },
  (r) => {
    const d = draw(r);
    const name = d.text();
    const answer = r.pick(['ok', 'cancel'] as const);
    return d.finish(command.needOk(name, answer), ['needok', name, answer]);
  },
  (r) => {
    const d = draw(r);
    const [name, value] = [d.text(), d.text()];
    return d.finish(command.needStr(name, value), ['needstr', name, value]);
  },
  (r) => {
    const d = draw(r);
    const name = d.text();
    const value = d.secret();
    return d.finish(command.needStr(name, value), ['needstr', name, value.reveal()]);
  },
  (r) => {
    const d = draw(r);
    const [cid, kid, extra, timeout] = [d.number(), d.number(), d.text(), d.number()];
    return d.finish(command.clientPendingAuth(cid, kid, extra, timeout), [
      'client-pending-auth',
      cid,
      kid,
      extra,
      timeout,
    ]);
  },
  (r) => {
    const d = draw(r);
    const [cid, kid, reason] = [d.number(), d.number(), d.text()];
    const clientReason = r.chance(0.5) ? d.text() : undefined;
    return d.finish(command.clientDeny(cid, kid, reason, clientReason), [
      'client-deny',
      cid,
      kid,
      reason,
      ...(clientReason === undefined ? [] : [clientReason]),
    ]);
  },
  (r) => {
    const d = draw(r);
    const cid = d.number();
    const message = r.chance(0.5) ? d.text() : undefined;
    return d.finish(command.clientKill(cid, message), [
      'client-kill',
      cid,
      ...(message === undefined ? [] : [message]),
    ]);
  },
  (r) => {
    const d = draw(r);
    const [host, port] = [d.text(), d.number()];
    return d.finish(command.remoteModify(host, port), ['remote', 'MOD', host, port]);
  },
  (r) => {
    const d = draw(r);
    const type = r.pick(['HTTP', 'SOCKS'] as const);
    const [host, port] = [d.text(), d.number()];
    const nct = r.chance(0.5);
    return d.finish(command.proxy(type, host, port, { nonCleartextAuthOnly: nct }), [
      'proxy',
      type,
      host,
      port,
      ...(nct ? ['nct'] : []),
    ]);
  },
  (r) => {
    const d = draw(r);
    const response = d.secret();
    return d.finish(command.crResponse(response), ['cr-response', response.reveal()]);
  },
  (r) => {
    const d = draw(r);
    const signature = d.text();
    const built = r.chance(0.5) ? command.pkSig(signature) : command.rsaSig(signature);
    const compact = signature.replace(/\s+/g, '');
    // The body is the signature without whitespace, cut into lines: joined back it must match.
    return d.finish(built, [built.name], [compact]);
  },
  (r) => {
    const d = draw(r);
    const pem = Array.from({ length: r.int(0, 5) }, () => d.text()).join(r.pick(['\n', '\r\n']));
    return d.finish(command.certificate(pem), ['certificate'], nonBlank(pem.split(/\r?\n/)));
  },
  (r) => {
    const d = draw(r);
    const [cid, kid] = [d.number(), d.number()];
    const config = Array.from({ length: r.int(0, 5) }, () => d.text());
    return d.finish(
      command.clientAuth(cid, kid, config),
      ['client-auth', cid, kid],
      nonBlank(config),
    );
  },
  (r) => {
    const d = draw(r);
    const [cid, kid] = [d.number(), d.number()];
    return d.finish(command.clientAuthNt(cid, kid), ['client-auth-nt', cid, kid]);
  },
  (r) => {
    const d = draw(r);
    const n = d.number();
    const numeric: readonly [NumericEntry, ...NumericEntry[]] = [
      [command.bytecount(n), ['bytecount', n]],
      [command.mute(n), ['mute', n]],
      [command.verb(n), ['verb', n]],
      [command.echoHistory(n), ['echo', n]],
      [command.logHistory(n), ['log', n]],
      [command.stateHistory(n), ['state', n]],
      [command.pkcs11IdGet(n), ['pkcs11-id-get', n]],
      [command.envFilter(n), ['env-filter', n]],
      [command.remoteSkip(n), ['remote', 'SKIP', n]],
    ];
    const [built, head] = r.pick(numeric);
    return d.finish(built, head);
  },
  (r) => {
    const d = draw(r);
    const [from, to] = [d.number(), d.number()];
    return d.finish(command.remoteEntryGet(from, to), ['remote-entry-get', from, to]);
  },
  (r) => {
    const d = draw(r);
    const n = d.number();
    return d.finish(command.setVersion(n), ['version', n]);
  },
  (r) => {
    const d = draw(r);
    const fixed: readonly [NumericEntry, ...NumericEntry[]] = [
      [command.exit(), ['exit']],
      [command.quit(), ['quit']],
      [command.help(), ['help']],
      [command.holdQuery(), ['hold']],
      [command.hold(true), ['hold', 'on']],
      [command.holdRelease(), ['hold', 'release']],
      [command.logRealtime(false), ['log', 'off']],
      [command.logRealtimeWithHistory(), ['log', 'on', 'all']],
      [command.echoRealtime(true), ['echo', 'on']],
      [command.echoRealtimeWithHistory(), ['echo', 'on', 'all']],
      [command.stateRealtime(true), ['state', 'on']],
      [command.stateRealtimeWithHistory(), ['state', 'on', 'all']],
      [command.stateCurrent(), ['state']],
      [command.muteQuery(), ['mute']],
      [command.verbQuery(), ['verb']],
      [command.net(), ['net']],
      [command.forgetPasswords(), ['forget-passwords']],
      [command.signal('SIGUSR1'), ['signal', 'SIGUSR1']],
      [command.status(2), ['status', '2']],
      [command.version(), ['version']],
      [command.pid(), ['pid']],
      [command.loadStats(), ['load-stats']],
      [command.authRetry('interact'), ['auth-retry', 'interact']],
      [command.pkcs11IdCount(), ['pkcs11-id-count']],
      [command.remoteEntryCount(), ['remote-entry-count']],
      [command.remoteAccept(), ['remote', 'ACCEPT']],
      [command.proxyNone(), ['proxy', 'NONE']],
    ];
    const [built, head] = r.pick(fixed);
    return d.finish(built, head);
  },
];
