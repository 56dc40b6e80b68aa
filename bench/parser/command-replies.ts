import { commonName, dateTime, ephemeralPort, publicIpv4, tunnelIpv4 } from './fake-values.js';
import type { ServerFacts } from './env-blocks.js';
import type { Random } from './random.js';

const TITLE =
  'OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [LZ4] [EPOLL] [PKCS11] [MH/PKTINFO] [AEAD] [DCO]';

/** A one-line `SUCCESS:` answer, as to pid, hold, bytecount, state on, password, client-auth. */
export const successReply = (random: Random, facts: ServerFacts): string[] => [
  random.pick([
    `SUCCESS: pid=${facts.daemonPid}`,
    'SUCCESS: hold release succeeded',
    'SUCCESS: bytecount interval changed',
    'SUCCESS: real-time state notification set to ON',
    "SUCCESS: 'Auth' password entered, but not yet verified",
    'SUCCESS: client-auth command succeeded',
    'SUCCESS: client-pending-auth command succeeded',
  ]),
];

/** The rare `ERROR:` answer. */
export const errorReply = (): string[] => ["ERROR: unknown command, enter 'help' for more options"];

/** `status 2` on a server: a CLIENT_LIST and ROUTING_TABLE row per connected client. */
export const serverStatusReply = (random: Random, facts: ServerFacts): string[] => {
  const clients = Array.from({ length: random.int(1, 24) }, (_, id) => ({
    name: commonName(random),
    real: `${publicIpv4(random)}:${ephemeralPort(random)}`,
    virtual: tunnelIpv4(random),
    since: facts.time - random.int(0, 86_400),
    id,
  }));
  return [
    `TITLE,${TITLE}`,
    `TIME,${dateTime(facts.time)},${facts.time}`,
    'HEADER,CLIENT_LIST,Common Name,Real Address,Virtual Address,Virtual IPv6 Address,Bytes Received,Bytes Sent,Connected Since,Connected Since (time_t),Username,Client ID,Peer ID,Data Channel Cipher',
    ...clients.map(
      (c) =>
        `CLIENT_LIST,${c.name},${c.real},${c.virtual},,${random.int(0, 2 ** 31)},${random.int(0, 2 ** 31)},${dateTime(c.since)},${c.since},${c.name},${c.id},${c.id},AES-256-GCM`,
    ),
    'HEADER,ROUTING_TABLE,Virtual Address,Common Name,Real Address,Last Ref,Last Ref (time_t)',
    ...clients.map(
      (c) => `ROUTING_TABLE,${c.virtual},${c.name},${c.real},${dateTime(facts.time)},${facts.time}`,
    ),
    'GLOBAL_STATS,Max bcast/mcast queue length,0',
    'GLOBAL_STATS,dco_enabled,0',
    'END',
  ];
};

/** `status` on a client. */
export const clientStatusReply = (random: Random, facts: ServerFacts): string[] => [
  'OpenVPN STATISTICS',
  `Updated,${dateTime(facts.time)}`,
  `TUN/TAP read bytes,${random.int(0, 2 ** 31)}`,
  `TUN/TAP write bytes,${random.int(0, 2 ** 31)}`,
  `TCP/UDP read bytes,${random.int(0, 2 ** 31)}`,
  `TCP/UDP write bytes,${random.int(0, 2 ** 31)}`,
  'Auth read bytes,16',
  'END',
];

/** `state`: the current state line, then END. */
export const stateReply = (random: Random, facts: ServerFacts): string[] => [
  `${facts.time},CONNECTED,SUCCESS,${tunnelIpv4(random)},${publicIpv4(random)},1194,,`,
  'END',
];
