/**
 * The scale and soak benchmark: many tunnels in one process, connect/stop cycles, and one
 * tunnel under a log flood, all against real openvpn on loopback. Run it with
 * bench/scale/run.sh; see bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Lab, OPENVPN_BIN, type LabServer } from '../../test/integration/lab/lab.js';
import { junkFlood } from './junk-flood.js';
import { logFlood } from './log-flood.js';
import { manyTunnels } from './many-tunnels.js';
import { load } from './measure.js';
import { Report } from './report.js';
import { soak } from './soak.js';

const PARTS = ['many', 'soak', 'flood', 'junk'] as const;
type Part = (typeof PARTS)[number];
// The lab server logs at verb 3 into this process's heap; errors only keeps that out of the
// heap figures (`verb` is a plain assignment: the last one in the config wins).
const QUIET_SERVER = ['max-clients 100', 'verb 1'];

const { values: options } = parseArgs({
  options: {
    parts: { type: 'string', default: PARTS.join(',') },
    'coalesce-list': { type: 'boolean', default: false },
    tunnels: { type: 'string', default: '50' },
    'connected-s': { type: 'string', default: '30' },
    cycles: { type: 'string', default: '1000' },
    'soak-budget-s': { type: 'string', default: '300' },
    'flood-s': { type: 'string', default: '120' },
    'flood-verb': { type: 'string', default: '9' },
    'junk-s': { type: 'string', default: '60' },
    'pid-queries': { type: 'string', default: '500' },
  },
});

const integerOption = (
  name: Exclude<keyof typeof options, 'parts' | 'coalesce-list'>,
  min: number,
): number => {
  const value = Number(options[name]);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`--${name} wants an integer >= ${min}`);
  }
  return value;
};

const parts = options.parts.split(',').map((part) => {
  if (!(PARTS as readonly string[]).includes(part)) {
    throw new Error(`--parts takes a list of ${PARTS.join(', ')}; got ${part}`);
  }
  return part as Part;
});

const report = new Report();
const openvpnVersion = execFileSync(OPENVPN_BIN, ['--version'], { encoding: 'utf8' })
  .split('\n')[0]
  ?.split(' ')
  .slice(0, 2)
  .join(' ');
report.line(`command: bench/scale/run.sh ${process.argv.slice(2).join(' ')}`.trimEnd());
report.line(
  `machine: ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? '?'}), ` +
    `node ${process.version}, ${openvpnVersion ?? 'openvpn ?'}; load ${load()}`,
);

const lab = new Lab();
const appId = (part: Part): string => `bench-scale-${part}-${process.pid}`;
try {
  const server: LabServer = await lab.server({ kind: 'pull', extra: QUIET_SERVER });
  for (const part of parts) {
    report.line(`\n== ${part} ==`);
    switch (part) {
      case 'many':
        await manyTunnels(
          {
            server,
            appId: appId(part),
            tunnels: integerOption('tunnels', 1),
            connectedS: integerOption('connected-s', 1),
            coalesceList: options['coalesce-list'],
          },
          report,
        );
        break;
      case 'soak':
        await soak(
          {
            server,
            appId: appId(part),
            cycles: integerOption('cycles', 1),
            budgetS: integerOption('soak-budget-s', 1),
          },
          report,
        );
        break;
      case 'flood':
        await logFlood(
          {
            server,
            appId: appId(part),
            durationS: integerOption('flood-s', 5),
            verb: integerOption('flood-verb', 0),
          },
          report,
        );
        break;
      case 'junk':
        await junkFlood(
          {
            lab,
            serverExtra: QUIET_SERVER,
            appId: appId(part),
            durationS: integerOption('junk-s', 5),
            pidQueries: integerOption('pid-queries', 10),
          },
          report,
        );
        break;
    }
  }
  report.summary();
} finally {
  await lab.cleanup();
}
