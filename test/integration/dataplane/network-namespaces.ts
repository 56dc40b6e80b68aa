import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs `ip` with `args`; fails with its stderr. */
export const ip = async (...args: string[]): Promise<void> => {
  await run('ip', args);
};

/**
 * Two network namespaces joined by a veth pair: `client` holds the openvpn client, `server`
 * the openvpn server, and the carrier runs between `clientCarrier` and `serverCarrier`. Two
 * are needed, not one: with both tunnel ends in one namespace, both tunnel addresses are local
 * and the kernel answers the ping over `lo`, past the tunnel.
 */
export interface NamespacePair {
  readonly client: string;
  readonly server: string;
  readonly clientCarrier: string;
  readonly serverCarrier: string;
  /** Deletes both namespaces (and with them the veth pair); safe to call twice. */
  readonly remove: () => Promise<void>;
}

const CARRIER_PREFIX_BITS = 30;

/** Creates `rxo-<tag>` and `rxo-<tag>-srv`, loopback up, the carrier addressed and up. */
export async function createNamespacePair(tag: string): Promise<NamespacePair> {
  const client = `rxo-${tag}`;
  const server = `rxo-${tag}-srv`;
  const pair: NamespacePair = {
    client,
    server,
    clientCarrier: '10.198.0.2',
    serverCarrier: '10.198.0.1',
    remove: async () => {
      await Promise.all(
        [client, server].map((ns) => ip('netns', 'del', ns).catch(() => undefined)),
      );
    },
  };
  // Interface names are limited to 15 bytes.
  const clientLink = `rxoc${tag}`.slice(0, 15);
  const serverLink = `rxos${tag}`.slice(0, 15);
  try {
    await ip('netns', 'add', client);
    await ip('netns', 'add', server);
    await ip(
      'link',
      'add',
      clientLink,
      'netns',
      client,
      'type',
      'veth',
      'peer',
      'name',
      serverLink,
      'netns',
      server,
    );
    for (const [ns, link, address] of [
      [client, clientLink, pair.clientCarrier],
      [server, serverLink, pair.serverCarrier],
    ] as const) {
      await ip('-n', ns, 'link', 'set', 'lo', 'up');
      await ip('-n', ns, 'addr', 'add', `${address}/${CARRIER_PREFIX_BITS}`, 'dev', link);
      await ip('-n', ns, 'link', 'set', link, 'up');
    }
    return pair;
  } catch (error) {
    await pair.remove();
    throw error;
  }
}
