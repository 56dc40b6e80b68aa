import { createProcessTable, type EngineDeps } from '../../src/index.js';

/** Overrides the example's application id (whose openvpn processes count as its own). */
export const APP_ID_VARIABLE = 'RX_OPENVPN_EXAMPLE_APP_ID';
/**
 * When `1`, the engine does not see openvpn processes of other application ids. Only for the
 * test suite, which runs many applications' openvpn at once: a real application must see them,
 * so that it never starts a second VPN beside another application's.
 */
export const OWN_APP_ONLY_VARIABLE = 'RX_OPENVPN_EXAMPLE_OWN_APP_ONLY';

// The engine marks every openvpn it starts with `--setenv RX_OPENVPN_APP <appId>`.
const MARKER_VARIABLE = 'RX_OPENVPN_APP';

type ProcessTable = NonNullable<EngineDeps['processTable']>;

/** How an example runs the engine: its application id and the engine's ports. */
export interface ExampleEngine {
  readonly appId: string;
  readonly deps: EngineDeps;
}

/** The application id an openvpn command line is marked with; the last marker wins. */
const markedAppId = (argv: readonly string[]): string | undefined => {
  let appId: string | undefined;
  argv.forEach((arg, index) => {
    if (arg === '--setenv' && argv[index + 1] === MARKER_VARIABLE) appId = argv[index + 2];
  });
  return appId;
};

/** The real process table without the openvpn processes of other application ids. */
const ownAppOnly = (table: ProcessTable, appId: string): ProcessTable => ({
  ...table,
  list: async () =>
    (await table.list()).filter((row) => {
      const marked = markedAppId(row.argv ?? row.cmd.split(' '));
      return marked === undefined || marked === appId;
    }),
});

/** The engine set-up of an example, from its default app id and the environment. */
export function exampleEngine(
  defaultAppId: string,
  env: NodeJS.ProcessEnv = process.env,
): ExampleEngine {
  const appId = env[APP_ID_VARIABLE] ?? defaultAppId;
  return env[OWN_APP_ONLY_VARIABLE] === '1'
    ? { appId, deps: { processTable: ownAppOnly(createProcessTable(), appId) } }
    : { appId, deps: {} };
}
