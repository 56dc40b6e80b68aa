import {
  commonName,
  ephemeralPort,
  fingerprint,
  hex,
  publicIpv4,
  tunnelIpv4,
} from './fake-values.js';
import type { Random } from './random.js';

/** The CLIENT events that carry an ENV block. */
export type ClientBlockEvent = 'CONNECT' | 'REAUTH' | 'ESTABLISHED' | 'DISCONNECT';

/** What the block generators need to know about the running server. */
export interface ServerFacts {
  readonly time: number;
  readonly daemonStartTime: number;
  readonly daemonPid: number;
}

// The peer-info and daemon variables openvpn 2.6 puts in every client-auth block
// (test/fixtures/transcripts/server-client-auth.txt).
const peerInfo = (random: Random): string[] => [
  `IV_SSO=webauth,crtext`,
  `IV_PLAT_VER=${random.pick(['6.18.44-fc-v1252', '10.0.22631', '14.5', '13'])}`,
  `IV_SSL=OpenSSL_3.0.19_27_Jan_2026`,
  `IV_HWADDR=${fingerprint(random, 6)}`,
  'IV_COMP_STUBv2=1',
  'IV_COMP_STUB=1',
  'IV_LZO_STUB=1',
  `IV_PROTO=${random.pick([746, 990, 2014])}`,
  'IV_CIPHERS=AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305',
  'IV_NCP=2',
  'IV_MTU=1600',
  'IV_TCPNL=1',
  `IV_PLAT=${random.pick(['linux', 'win', 'mac', 'android'])}`,
  `IV_VER=${random.pick(['2.6.14', '2.6.12', '3.10.1'])}`,
  `IV_GUI_VER=${random.pick(['OpenVPN_GUI_11', 'net.openvpn.connect.android_3.5.1-9290'])}`,
];

const certificateChain = (random: Random, name: string): string[] => [
  `tls_serial_hex_0=${fingerprint(random, 16)}`,
  `tls_serial_0=${BigInt(`0x${hex(random, 32)}`).toString()}`,
  `tls_digest_sha256_0=${fingerprint(random, 32)}`,
  `tls_digest_0=${fingerprint(random, 20)}`,
  `tls_id_0=C=KG, ST=NA, O=OpenVPN-TEST, CN=${name}, emailAddress=me@myhost.mydomain`,
  'X509_0_emailAddress=me@myhost.mydomain',
  `X509_0_CN=${name}`,
  'X509_0_O=OpenVPN-TEST',
  'X509_0_ST=NA',
  'X509_0_C=KG',
  `tls_digest_sha256_1=${fingerprint(random, 32)}`,
  'tls_id_1=C=KG, ST=NA, L=BISHKEK, O=OpenVPN-TEST, emailAddress=me@myhost.mydomain',
];

const daemon = (facts: ServerFacts): string[] => [
  'remote_port_1=1194',
  'local_port_1=1194',
  'proto_1=udp',
  `daemon_pid=${facts.daemonPid}`,
  `daemon_start_time=${facts.daemonStartTime}`,
  'daemon_log_redirect=0',
  'daemon=0',
  'verb=3',
  'ifconfig_local=10.8.0.1',
  'ifconfig_netmask=255.255.0.0',
  'script_context=init',
  'tun_mtu=1500',
  'dev=tun0',
  'dev_type=tun',
];

/** The `name=value` ENV lines of one CLIENT block, in openvpn's order (most recent first). */
export const clientEnv = (
  random: Random,
  event: ClientBlockEvent,
  facts: ServerFacts,
): string[] => {
  const name = commonName(random);
  const untrusted = [
    `untrusted_port=${ephemeralPort(random)}`,
    `untrusted_ip=${publicIpv4(random)}`,
  ];
  const head = [`n_clients=${random.int(0, 250)}`];
  if (event === 'CONNECT' || event === 'REAUTH') {
    head.push(`password=${hex(random, random.int(8, 24))}`, ...untrusted, `username=${name}`);
    return [...head, ...peerInfo(random), ...certificateChain(random, name), ...daemon(facts)];
  }
  const pool = [
    `ifconfig_pool_netmask=255.255.0.0`,
    `ifconfig_pool_remote_ip=${tunnelIpv4(random)}`,
  ];
  const session = [`time_unix=${facts.time - random.int(0, 86_400)}`, `common_name=${name}`];
  if (event === 'DISCONNECT') {
    session.unshift(
      `bytes_received=${random.int(0, 2 ** 32)}`,
      `bytes_sent=${random.int(0, 2 ** 32)}`,
      `time_duration=${random.int(1, 86_400)}`,
    );
  }
  return [...head, ...pool, ...session, ...untrusted, ...peerInfo(random), ...daemon(facts)];
};

/** The ENV lines of an `--management-up-down` block on a client. */
export const upDownEnv = (random: Random, facts: ServerFacts): string[] => [
  'redirect_gateway=0',
  `trusted_port=1194`,
  `trusted_ip=${publicIpv4(random)}`,
  'common_name=server.corp.example',
  ...certificateChain(random, 'server.corp.example'),
  ...daemon(facts),
];
