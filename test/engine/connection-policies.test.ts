import { afterEach, describe, expect, it } from '@jest/globals';
import { EMPTY, NEVER, Observable, Subscription, firstValueFrom, of, throwError } from 'rxjs';
import type { LogFields, Logger } from '../../src/core/logger.js';
import {
  answerConnectionQueries,
  type ProxyDecision,
  type ProxyPolicy,
  type ProxyQuery,
  type RemoteDecision,
  type RemotePolicy,
  type RemoteQuery,
} from '../../src/engine/connection-policies.js';
import { attachSession } from '../../src/management/session.js';
import {
  createFakeManagementPeer,
  type FakeAnswer,
  type FakeManagementPeer,
} from '../../src/testing/fake-management-peer.js';

const WAIT_MS = 2_000;
const subscriptions: Subscription[] = [];
afterEach(() => {
  for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
});

// What openvpn 2.6.14 prints for `remote-entry-get all` with two remotes.
const ENTRIES_REPLY = [
  '0,vpn.example.org,1194,udp,enabled',
  '1,backup.example.org,443,tcp-client,enabled',
  'END',
];
const ENTRIES = [
  { index: 0, host: 'vpn.example.org', port: 1194, protocol: 'udp', enabled: true },
  { index: 1, host: 'backup.example.org', port: 443, protocol: 'tcp-client', enabled: true },
];

interface Rig {
  readonly peer: FakeManagementPeer;
  readonly warnings: readonly string[];
  /** The answering command lines written so far (remote-entry-get left out). */
  readonly answers: () => readonly string[];
}

const rig = async (
  policies: { readonly remote?: RemotePolicy; readonly proxy?: ProxyPolicy },
  entriesReply: FakeAnswer = ENTRIES_REPLY,
): Promise<Rig> => {
  const peer = createFakeManagementPeer({
    answers: {
      'remote-entry-get': entriesReply,
      remote: ['SUCCESS: remote command succeeded'],
      proxy: ['SUCCESS: proxy command succeeded'],
    },
  });
  const session = await firstValueFrom(attachSession(peer.socket));
  const warnings: string[] = [];
  const warn = (message: string, fields?: LogFields): void => {
    warnings.push(`${message} ${JSON.stringify(fields ?? {})}`);
  };
  const logger: Logger = { debug: () => undefined, info: () => undefined, warn, error: warn };
  subscriptions.push(
    answerConnectionQueries(session, session.notification$, policies, logger).subscribe(),
    new Subscription(() => session.close()),
  );
  const answers = () =>
    peer.transcript
      .filter((e) => e.direction === 'to-openvpn' && !e.text.startsWith('remote-entry-get'))
      .map((e) => e.text);
  return { peer, warnings, answers };
};

/** Polls until `count` answers were written, then returns them. */
const answered = async (r: Rig, count: number): Promise<readonly string[]> => {
  const deadline = Date.now() + WAIT_MS;
  while (r.answers().length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} answers: ${r.answers().join()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return r.answers();
};

const remoteAnswer = async (decision: RemoteDecision): Promise<readonly string[]> => {
  const r = await rig({ remote: () => of(decision) });
  r.peer.push('>REMOTE:vpn.example.org,1194,udp');
  return answered(r, 1);
};

const proxyAnswer = async (decision: ProxyDecision): Promise<readonly string[]> => {
  const r = await rig({ proxy: () => of(decision) });
  r.peer.push('>PROXY:1,TCP,vpn.example.org');
  return answered(r, 1);
};

describe('answerConnectionQueries: >REMOTE', () => {
  it('shows the policy the remote and the whole connection list, and sends ACCEPT', async () => {
    const queries: RemoteQuery[] = [];
    const r = await rig({
      remote: (query) => {
        queries.push(query);
        return of({ action: 'accept' });
      },
    });
    r.peer.push('>REMOTE:vpn.example.org,1194,udp');
    expect(await answered(r, 1)).toEqual(['remote "ACCEPT"']);
    expect(queries).toEqual([
      { host: 'vpn.example.org', port: 1194, protocol: 'udp', entries: ENTRIES },
    ]);
  });

  it('sends SKIP, with a count when the policy skips several', async () => {
    expect(await remoteAnswer({ action: 'skip' })).toEqual(['remote "SKIP"']);
    expect(await remoteAnswer({ action: 'skip', count: 2 })).toEqual(['remote "SKIP" "2"']);
  });

  it('sends MOD with the host and port the policy chose', async () => {
    expect(await remoteAnswer({ action: 'modify', host: 'other.example.org', port: 443 })).toEqual([
      'remote "MOD" "other.example.org" "443"',
    ]);
  });

  it('answers every query, one at a time', async () => {
    const r = await rig({
      remote: (query) => of(query.port === 1194 ? { action: 'skip' } : { action: 'accept' }),
    });
    r.peer.push('>REMOTE:vpn.example.org,1194,udp');
    await answered(r, 1);
    r.peer.push('>REMOTE:backup.example.org,443,tcp-client');
    expect(await answered(r, 2)).toEqual(['remote "SKIP"', 'remote "ACCEPT"']);
  });

  it('accepts, and logs, when the policy fails', async () => {
    const r = await rig({ remote: () => throwError(() => new Error('geo lookup down')) });
    r.peer.push('>REMOTE:vpn.example.org,1194,udp');
    expect(await answered(r, 1)).toEqual(['remote "ACCEPT"']);
    expect(r.warnings).toEqual([expect.stringContaining('geo lookup down')]);
  });

  it('accepts when the policy completes without a decision', async () => {
    const r = await rig({ remote: () => EMPTY });
    r.peer.push('>REMOTE:vpn.example.org,1194,udp');
    expect(await answered(r, 1)).toEqual(['remote "ACCEPT"']);
  });

  it('still asks the policy, with no entries, when openvpn cannot list them', async () => {
    const queries: RemoteQuery[] = [];
    const r = await rig(
      {
        remote: (query) => {
          queries.push(query);
          return of({ action: 'skip' });
        },
      },
      ["ERROR: unknown command, enter 'help' for more options"],
    );
    r.peer.push('>REMOTE:vpn.example.org,1194,udp');
    expect(await answered(r, 1)).toEqual(['remote "SKIP"']);
    expect(queries[0]?.entries).toEqual([]);
  });

  it('abandons an undecided query when openvpn asks about the next remote', async () => {
    let released = false;
    const r = await rig({
      remote: (query) =>
        query.port === 1194
          ? new Observable<RemoteDecision>(() => () => {
              released = true;
            })
          : of({ action: 'accept' }),
    });
    r.peer.push('>REMOTE:vpn.example.org,1194,udp');
    await new Promise((resolve) => setTimeout(resolve, 20));
    r.peer.push('>REMOTE:backup.example.org,443,tcp-client');
    expect(await answered(r, 1)).toEqual(['remote "ACCEPT"']);
    expect(released).toBe(true);
  });
});

describe('answerConnectionQueries: >PROXY', () => {
  it('shows the policy the connection entry and sends NONE', async () => {
    const queries: ProxyQuery[] = [];
    const r = await rig({
      proxy: (query) => {
        queries.push(query);
        return of({ type: 'none' });
      },
    });
    r.peer.push('>PROXY:1,TCP,vpn.example.org');
    expect(await answered(r, 1)).toEqual(['proxy "NONE"']);
    expect(queries).toEqual([{ index: 1, protocol: 'TCP', host: 'vpn.example.org' }]);
  });

  it('sends an HTTP proxy, with nct when only non-cleartext auth is allowed', async () => {
    expect(await proxyAnswer({ type: 'HTTP', host: 'proxy.intranet', port: 8080 })).toEqual([
      'proxy "HTTP" "proxy.intranet" "8080"',
    ]);
    expect(
      await proxyAnswer({
        type: 'HTTP',
        host: 'proxy.intranet',
        port: 8080,
        nonCleartextAuthOnly: true,
      }),
    ).toEqual(['proxy "HTTP" "proxy.intranet" "8080" "nct"']);
  });

  it('sends a SOCKS proxy', async () => {
    expect(await proxyAnswer({ type: 'SOCKS', host: 'fe00::1', port: 1080 })).toEqual([
      'proxy "SOCKS" "fe00::1" "1080"',
    ]);
  });

  it('connects directly, and logs, when the policy fails', async () => {
    const r = await rig({ proxy: () => throwError(() => new Error('pac file unreadable')) });
    r.peer.push('>PROXY:1,TCP,vpn.example.org');
    expect(await answered(r, 1)).toEqual(['proxy "NONE"']);
    expect(r.warnings).toEqual([expect.stringContaining('pac file unreadable')]);
  });
});

describe('answerConnectionQueries without policies', () => {
  it('answers nothing: openvpn was not asked to query', async () => {
    const r = await rig({});
    r.peer.push('>REMOTE:vpn.example.org,1194,udp', '>PROXY:1,TCP,vpn.example.org');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(r.answers()).toEqual([]);
  });

  it('leaves proxy queries alone when only a remote policy is given', async () => {
    const r = await rig({ remote: () => NEVER });
    r.peer.push('>PROXY:1,TCP,vpn.example.org');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(r.answers()).toEqual([]);
  });
});
