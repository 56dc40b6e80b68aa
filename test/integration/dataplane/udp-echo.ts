import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';

// ping is not installed on these machines; node, run inside the namespaces, makes the traffic.

const ECHO_SERVER = `
const socket = require('node:dgram').createSocket('udp4');
socket.on('message', (message, peer) => socket.send(message, peer.port, peer.address));
socket.bind(Number(process.argv[2]), process.argv[1], () => console.log('bound'));
`;

const ECHO_CLIENT = `
const [host, port, count, size, gapMs] = process.argv.slice(1);
const socket = require('node:dgram').createSocket('udp4');
let echoed = 0;
socket.on('message', () => { echoed += 1; });
let sent = 0;
const timer = setInterval(() => {
  if (sent === Number(count)) {
    clearInterval(timer);
    setTimeout(() => { console.log(String(echoed)); socket.close(); }, 1000);
    return;
  }
  socket.send(Buffer.alloc(Number(size), 0x5a), Number(port), host);
  sent += 1;
}, Number(gapMs));
`;

/** A UDP echo server inside namespace `ns`, listening on `host:port` once this resolves. */
export async function startEchoServer(
  ns: string,
  host: string,
  port: number,
): Promise<ChildProcess> {
  const child = spawn(
    'ip',
    ['netns', 'exec', ns, process.execPath, '-e', ECHO_SERVER, host, String(port)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  if (!chunk.toString('utf8').includes('bound')) throw new Error('the echo server did not bind');
  return child;
}

/** Sends `count` datagrams of `sizeBytes` from namespace `ns`; resolves with how many echoed. */
export async function echoRoundTrips(
  ns: string,
  target: { readonly host: string; readonly port: number },
  count: number,
  sizeBytes: number,
  gapMs: number,
): Promise<number> {
  const args = [target.host, target.port, count, sizeBytes, gapMs].map(String);
  const { stdout } = await promisify(execFile)('ip', [
    'netns',
    'exec',
    ns,
    process.execPath,
    '-e',
    ECHO_CLIENT,
    ...args,
  ]);
  return Number(stdout.trim());
}
