import {
  commonName,
  ephemeralPort,
  fingerprint,
  hex,
  publicIpv4,
  tunnelIpv4,
} from './fake-values.js';
import type { Random } from './random.js';

/** The text and flags of one `>LOG:time,flags,text` line. */
export interface LogLine {
  readonly flags: string;
  readonly text: string;
}

type LogTemplate = (random: Random) => LogLine;

const peer = (random: Random): string => `${publicIpv4(random)}:${ephemeralPort(random)}`;

const pushReply = (random: Random): string =>
  [
    'PUSH_REPLY',
    'route 10.8.0.0 255.255.0.0',
    'route 172.16.0.0 255.240.0.0',
    'route-gateway 10.8.0.1',
    'topology subnet',
    'ping 10',
    'ping-restart 120',
    'dhcp-option DNS 10.8.0.1',
    'dhcp-option DOMAIN corp.example',
    'block-outside-dns',
    `ifconfig ${tunnelIpv4(random)} 255.255.0.0`,
    `peer-id ${random.int(0, 4000)}`,
    'cipher AES-256-GCM',
    'protocol-flags cc-exit tls-ekm dyn-tls-crypt',
    'tun-mtu 1500',
  ].join(',');

// Lines an openvpn 2.6 client and server print at verb 3-4, shaped after the recorded
// transcripts in test/fixtures/transcripts; the long ones (PUSH, VERIFY, Control Channel) are
// the ones that make LOG the bulk of the bytes.
const TEMPLATES: readonly [LogTemplate, ...LogTemplate[]] = [
  (random) => ({
    flags: '',
    text: `TLS: Initial packet from [AF_INET]${peer(random)}, sid=${hex(random, 8)} ${hex(random, 8)}`,
  }),
  () => ({
    flags: '',
    text: 'VERIFY OK: depth=1, C=KG, ST=NA, L=BISHKEK, O=OpenVPN-TEST, emailAddress=me@myhost.mydomain',
  }),
  (random) => ({
    flags: '',
    text: `VERIFY OK: depth=0, C=KG, ST=NA, O=OpenVPN-TEST, CN=${commonName(random)}, emailAddress=me@myhost.mydomain`,
  }),
  () => ({
    flags: '',
    text: 'Control Channel: TLSv1.3, cipher TLSv1.3 TLS_AES_256_GCM_SHA384, peer certificate: 2048 bits RSA, signature: RSA-SHA256, peer temporary key: 253 bits X25519',
  }),
  (random) => ({ flags: '', text: `PUSH: Received control message: '${pushReply(random)}'` }),
  (random) => ({
    flags: 'D',
    text: `MANAGEMENT: CMD '${random.pick(['status 2', 'state', 'bytecount 1', 'pid', 'hold release', 'log on all'])}'`,
  }),
  () => ({ flags: 'I', text: 'Initialization Sequence Completed' }),
  (random) => ({
    flags: '',
    text: `Data Channel: cipher 'AES-256-GCM', peer-id: ${random.int(0, 4000)}`,
  }),
  () => ({
    flags: '',
    text: "Outgoing Data Channel: Cipher 'AES-256-GCM' initialized with 256 bit key",
  }),
  () => ({
    flags: '',
    text: "Incoming Data Channel: Cipher 'AES-256-GCM' initialized with 256 bit key",
  }),
  (random) => ({
    flags: 'I',
    text: `[${commonName(random)}] Peer Connection Initiated with [AF_INET]${peer(random)}`,
  }),
  (random) => ({
    flags: '',
    text: `${commonName(random)}/${peer(random)} MULTI_sva: pool returned IPv4=${tunnelIpv4(random)}, IPv6=(Not enabled)`,
  }),
  (random) => ({
    flags: 'I',
    text: `${peer(random)} peer info: IV_CIPHERS=AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305`,
  }),
  (random) => ({ flags: 'I', text: `peer info: IV_PROTO=${random.pick([746, 990, 2014])}` }),
  (random) => ({
    flags: '',
    text: `P2P mode NCP negotiation result: TLS_export=1, DATA_v2=1, peer-id ${random.int(1, 9999999)}, cipher=AES-256-GCM`,
  }),
  (random) => ({
    flags: 'I',
    text: `TCP/UDP: Preserving recently used remote address: [AF_INET]${peer(random)}`,
  }),
  () => ({ flags: '', text: 'Socket Buffers: R=[212992->212992] S=[212992->212992]' }),
  (random) => ({ flags: 'I', text: `UDPv4 link remote: [AF_INET]${peer(random)}` }),
  (random) => ({
    flags: '',
    text: `net_route_v4_add: 172.16.0.0/12 via 10.8.0.1 dev [NULL] table 0 metric ${random.int(-1, 100)}`,
  }),
  () => ({
    flags: 'W',
    text: 'WARNING: No server certificate verification method has been enabled.  See http://openvpn.net/howto.html#mitm for more info.',
  }),
  () => ({
    flags: 'W',
    text: 'WARNING: this configuration may cache passwords in memory -- use the auth-nocache option to prevent this',
  }),
  () => ({
    flags: 'N',
    text: 'TLS Error: TLS key negotiation failed to occur within 60 seconds (check your network connectivity)',
  }),
  () => ({ flags: 'I', text: 'SIGUSR1[soft,ping-restart] received, process restarting' }),
  (random) => ({ flags: '', text: `tls_digest_sha256_0=${fingerprint(random, 32)}` }),
  () => ({
    flags: '',
    text: 'TLS: tls_multi_process: initial untrusted session promoted to trusted',
  }),
];

/** One LOG line drawn from realistic openvpn 2.6 output. */
export const logLine = (random: Random): LogLine => random.pick(TEMPLATES)(random);
