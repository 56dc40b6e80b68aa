/** Environment variable naming the application that launched an openvpn. */
export const MARKER_APP_VARIABLE = 'RX_OPENVPN_APP';
/** Environment variable naming the engine process: `<pid>:<startTime>`. */
export const MARKER_ENGINE_VARIABLE = 'RX_OPENVPN_ENGINE';

/** One process, named so that a reused pid does not pass for it. */
export interface ProcessIdentity {
  readonly pid: number;
  /** As the process table reports it (Linux: clock ticks after boot). */
  readonly startTime: number;
}

/** The ownership marker an engine puts on the command line of every openvpn it starts. */
export interface OwnershipMarker {
  readonly appId: string;
  /** `undefined` when the engine variable is missing or malformed. */
  readonly engine: ProcessIdentity | undefined;
}

/** One `--name param...` group of an openvpn command line. */
interface OptionGroup {
  readonly name: string;
  readonly params: readonly string[];
}

const OPTION_PREFIX = '--';
const ENGINE_VALUE = /^(\d+):(\d+)$/;

/**
 * Groups `argv` (program name first) the way openvpn's `parse_argv` does (options.c, 2.6):
 * every `--name` takes the following arguments up to the next one starting with `--`, and
 * a lone argument without `--` is the config file.
 */
const optionGroups = (argv: readonly string[]): readonly OptionGroup[] => {
  const args = argv.slice(1);
  const [only] = args;
  if (args.length === 1 && only !== undefined && !only.startsWith(OPTION_PREFIX)) {
    return [{ name: 'config', params: [only] }];
  }
  const groups: OptionGroup[] = [];
  let index = 0;
  while (index < args.length) {
    const name = args[index] ?? '';
    const paramsEnd = args.findIndex((arg, at) => at > index && arg.startsWith(OPTION_PREFIX));
    const end = paramsEnd < 0 ? args.length : paramsEnd;
    const bare = name.startsWith(OPTION_PREFIX) ? name.slice(OPTION_PREFIX.length) : name;
    groups.push({ name: bare, params: args.slice(index + 1, end) });
    index = end;
  }
  return groups;
};

// Later `--setenv` of the same name wins, as it does in openvpn's environment.
const setenvValue = (groups: readonly OptionGroup[], variable: string): string | undefined =>
  groups
    .filter(({ name, params }) => name === 'setenv' && params[0] === variable)
    .map(({ params }) => params[1])
    .filter((value) => value !== undefined)
    .at(-1);

const parseEngine = (value: string | undefined): ProcessIdentity | undefined => {
  const match = value === undefined ? null : ENGINE_VALUE.exec(value);
  const [, pid, startTime] = match ?? [];
  if (pid === undefined || startTime === undefined || Number(pid) === 0) return undefined;
  return { pid: Number(pid), startTime: Number(startTime) };
};

/**
 * The ownership marker on an openvpn command line (`--setenv RX_OPENVPN_APP <appId>
 * --setenv RX_OPENVPN_ENGINE <pid>:<startTime>`), or `undefined` when it carries no app id.
 */
export const readOwnershipMarker = (argv: readonly string[]): OwnershipMarker | undefined => {
  const groups = optionGroups(argv);
  const appId = setenvValue(groups, MARKER_APP_VARIABLE);
  if (appId === undefined) return undefined;
  return { appId, engine: parseEngine(setenvValue(groups, MARKER_ENGINE_VARIABLE)) };
};

/** The profile an openvpn command line reads: its first `--config` file, as openvpn keeps it. */
export const readProfile = (argv: readonly string[]): string | undefined =>
  optionGroups(argv).find(({ name, params }) => name === 'config' && params.length > 0)?.params[0];
