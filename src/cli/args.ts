import { parseArgs as parseNodeArgs } from 'node:util';
import type { Either } from 'fp-ts/lib/Either.js';
import { isLeft, left, right } from 'fp-ts/lib/Either.js';
import { parseAppId, type AppId } from '../launcher/ownership-marker.js';
import type { ManagementEndpoint } from '../management/socket.js';
import {
  COMMAND_NAMES,
  CLI_LAUNCHERS,
  DEFAULT_APP_ID,
  type AttachCommand,
  type CliCommand,
  type CliLauncher,
  type CommandName,
  type ConnectCommand,
  type DemoCommand,
  type HelpCommand,
  type PsCommand,
  type StopCommand,
  type UsageError,
} from './cli-command.js';

type OptionSpec =
  { readonly type: 'string' } | { readonly type: 'boolean'; readonly short?: 'v' | 'h' };

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;
const APP_ID_OPTION = { 'app-id': { type: 'string' } } as const;

const OPTIONS = {
  connect: {
    json: { type: 'boolean' },
    openvpn: { type: 'string' },
    'stop-timeout': { type: 'string' },
    'auth-file': { type: 'string' },
    ...APP_ID_OPTION,
    launcher: { type: 'string' },
    'pkexec-helper': { type: 'string' },
    verbose: { type: 'boolean', short: 'v' },
    transcript: { type: 'string' },
  },
  attach: {
    json: { type: 'boolean' },
    'management-password-file': { type: 'string' },
    'leave-running': { type: 'boolean' },
    'stop-timeout': { type: 'string' },
    'auth-file': { type: 'string' },
    verbose: { type: 'boolean', short: 'v' },
    transcript: { type: 'string' },
  },
  demo: {
    json: { type: 'boolean' },
    chaos: { type: 'boolean' },
    duration: { type: 'string' },
    openvpn: { type: 'string' },
    ...APP_ID_OPTION,
    verbose: { type: 'boolean', short: 'v' },
  },
  ps: { json: { type: 'boolean' }, ...APP_ID_OPTION },
  stop: { 'all-ours': { type: 'boolean' }, ...APP_ID_OPTION, 'stop-timeout': { type: 'string' } },
} as const satisfies Record<CommandName, Record<string, OptionSpec>>;

/** How the help names the value of each string option. */
const VALUE_NAMES: Readonly<Record<string, string>> = {
  openvpn: '<path>',
  'stop-timeout': '<ms>',
  'auth-file': '<file>',
  'management-password-file': '<file>',
  'app-id': '<id>',
  launcher: '<direct|sudo|pkexec>',
  'pkexec-helper': '<path>',
  transcript: '<file>',
  duration: '<seconds>',
};

const MS_PER_SECOND = 1000;
const WHOLE_NUMBER = /^\d+$/;
const DECIMAL_NUMBER = /^\d+(\.\d+)?$/;

/** What one command's options parsed to: booleans counted, strings kept (last one given). */
interface ParsedOptions {
  readonly counts: ReadonlyMap<string, number>;
  readonly strings: ReadonlyMap<string, string>;
  readonly positionals: readonly string[];
}

const usage = (command: CommandName | undefined, message: string): UsageError => ({
  kind: 'UsageError',
  message,
  command,
});

const helpHint = (command: CommandName): string => `Run \`rx-openvpn help ${command}\`.`;

const isCommandName = (value: string): value is CommandName =>
  (COMMAND_NAMES as readonly string[]).includes(value);

const unknownCommand = (name: string): UsageError =>
  usage(
    undefined,
    `unknown command ${JSON.stringify(name)}: use one of ${COMMAND_NAMES.join(', ')}. ` +
      'Run `rx-openvpn --help` for an overview.',
  );

// util.parseArgs in non-strict mode hands back tokens; checking them here gives messages that
// name the command and say what to type, where strict mode's TypeErrors would not.
const readOptions = (
  command: CommandName,
  args: readonly string[],
): Either<UsageError, ParsedOptions> => {
  const specs: Readonly<Record<string, OptionSpec>> = { ...OPTIONS[command], ...HELP_OPTION };
  const { tokens } = parseNodeArgs({
    args: [...args],
    options: specs,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  // Asking for help is never a usage error, whatever else is wrong on the line.
  if (tokens.some((token) => token.kind === 'option' && token.name === 'help')) {
    return right({ counts: new Map([['help', 1]]), strings: new Map(), positionals: [] });
  }
  const counts = new Map<string, number>();
  const strings = new Map<string, string>();
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const spec = specs[token.name];
    if (spec === undefined) {
      return left(
        usage(command, `${command} has no option ${token.rawName}. ${helpHint(command)}`),
      );
    }
    if (spec.type === 'boolean') {
      if (token.value !== undefined) {
        return left(usage(command, `${token.rawName} takes no value. ${helpHint(command)}`));
      }
      counts.set(token.name, (counts.get(token.name) ?? 0) + 1);
      continue;
    }
    // Without `=`, a value that looks like an option means the real value was left out.
    if (
      token.value === undefined ||
      token.value === '' ||
      (!token.inlineValue && token.value.startsWith('-'))
    ) {
      return left(
        usage(
          command,
          `${token.rawName} needs a value: ${token.rawName} ${VALUE_NAMES[token.name] ?? '<value>'}. ` +
            helpHint(command),
        ),
      );
    }
    if (strings.has(token.name)) {
      return left(usage(command, `${token.rawName} is given twice: keep one.`));
    }
    strings.set(token.name, token.value);
  }
  return right({ counts, strings, positionals });
};

const flag = (options: ParsedOptions, name: string): boolean => (options.counts.get(name) ?? 0) > 0;

const readAppId = (command: CommandName, options: ParsedOptions): Either<UsageError, AppId> => {
  const raw = options.strings.get('app-id');
  if (raw === undefined) return right(DEFAULT_APP_ID);
  const parsed = parseAppId(raw);
  return isLeft(parsed) ? left(usage(command, `--app-id: ${parsed.left.message}.`)) : parsed;
};

const readStopTimeout = (
  command: CommandName,
  options: ParsedOptions,
): Either<UsageError, number | undefined> => {
  const raw = options.strings.get('stop-timeout');
  if (raw === undefined) return right(undefined);
  const ms = Number(raw);
  return WHOLE_NUMBER.test(raw) && ms > 0 && Number.isSafeInteger(ms)
    ? right(ms)
    : left(
        usage(
          command,
          `--stop-timeout takes whole milliseconds above 0, e.g. --stop-timeout 5000; ` +
            `got ${JSON.stringify(raw)}.`,
        ),
      );
};

const readDuration = (options: ParsedOptions): Either<UsageError, number | undefined> => {
  const raw = options.strings.get('duration');
  if (raw === undefined) return right(undefined);
  const ms = Math.round(Number(raw) * MS_PER_SECOND);
  return DECIMAL_NUMBER.test(raw) && ms > 0 && Number.isSafeInteger(ms)
    ? right(ms)
    : left(
        usage(
          'demo',
          `--duration takes seconds above 0, e.g. --duration 30; got ${JSON.stringify(raw)}.`,
        ),
      );
};

const readLauncher = (options: ParsedOptions): Either<UsageError, CliLauncher> => {
  const raw = options.strings.get('launcher') ?? 'direct';
  const launcher = CLI_LAUNCHERS.find((name) => name === raw);
  return launcher === undefined
    ? left(
        usage(
          'connect',
          `--launcher is one of ${CLI_LAUNCHERS.join(', ')}; got ${JSON.stringify(raw)}.`,
        ),
      )
    : right(launcher);
};

const noPositionals = (command: CommandName, options: ParsedOptions): Either<UsageError, void> => {
  const [extra] = options.positionals;
  return extra === undefined
    ? right(undefined)
    : left(
        usage(
          command,
          `${command} takes no argument, got ${JSON.stringify(extra)}. ${helpHint(command)}`,
        ),
      );
};

const parseConnect = (options: ParsedOptions): Either<UsageError, ConnectCommand> => {
  const [profilePath, extra] = options.positionals;
  if (profilePath === undefined || profilePath === '') {
    return left(
      usage('connect', 'connect needs a profile: rx-openvpn connect <profile.ovpn> [options].'),
    );
  }
  if (extra !== undefined) {
    return left(usage('connect', `connect takes one profile, got also ${JSON.stringify(extra)}.`));
  }
  const appId = readAppId('connect', options);
  if (isLeft(appId)) return appId;
  const stopTimeoutMs = readStopTimeout('connect', options);
  if (isLeft(stopTimeoutMs)) return stopTimeoutMs;
  const launcher = readLauncher(options);
  if (isLeft(launcher)) return launcher;
  return right({
    kind: 'connect',
    profilePath,
    json: flag(options, 'json'),
    openvpnPath: options.strings.get('openvpn'),
    stopTimeoutMs: stopTimeoutMs.right,
    authFile: options.strings.get('auth-file'),
    appId: appId.right,
    launcher: launcher.right,
    pkexecHelper: options.strings.get('pkexec-helper'),
    verbosity: options.counts.get('verbose') ?? 0,
    transcriptPath: options.strings.get('transcript'),
  });
};

// `[::1]:7505` or `127.0.0.1:7505` is TCP; anything else names a unix socket. Whether a TCP
// host is acceptable (loopback, with a password) is the engine's call.
const TCP_ENDPOINT = /^(?:\[([0-9a-fA-F:.]+)\]|([^:/[\]]+)):(\d+)$/;

const readEndpoint = (raw: string): Either<UsageError, ManagementEndpoint> => {
  const tcp = TCP_ENDPOINT.exec(raw);
  if (tcp === null) return right({ kind: 'unix', path: raw });
  const [, v6, host, digits = ''] = tcp;
  const port = Number(digits);
  return port >= 1 && port <= 65_535
    ? right({ kind: 'tcp', host: v6 ?? host ?? '', port })
    : left(usage('attach', `the port in ${JSON.stringify(raw)} is not between 1 and 65535.`));
};

const parseAttach = (options: ParsedOptions): Either<UsageError, AttachCommand> => {
  const [where, extra] = options.positionals;
  if (where === undefined || where === '') {
    return left(
      usage(
        'attach',
        'attach needs the management endpoint: rx-openvpn attach <socket | 127.0.0.1:port>.',
      ),
    );
  }
  if (extra !== undefined) {
    return left(usage('attach', `attach takes one endpoint, got also ${JSON.stringify(extra)}.`));
  }
  const endpoint = readEndpoint(where);
  if (isLeft(endpoint)) return endpoint;
  const stopTimeoutMs = readStopTimeout('attach', options);
  if (isLeft(stopTimeoutMs)) return stopTimeoutMs;
  return right({
    kind: 'attach',
    endpoint: endpoint.right,
    passwordFile: options.strings.get('management-password-file'),
    leaveRunning: flag(options, 'leave-running'),
    json: flag(options, 'json'),
    stopTimeoutMs: stopTimeoutMs.right,
    authFile: options.strings.get('auth-file'),
    verbosity: options.counts.get('verbose') ?? 0,
    transcriptPath: options.strings.get('transcript'),
  });
};

const parseDemo = (options: ParsedOptions): Either<UsageError, DemoCommand> => {
  const none = noPositionals('demo', options);
  if (isLeft(none)) return none;
  const appId = readAppId('demo', options);
  if (isLeft(appId)) return appId;
  const durationMs = readDuration(options);
  if (isLeft(durationMs)) return durationMs;
  return right({
    kind: 'demo',
    json: flag(options, 'json'),
    chaos: flag(options, 'chaos'),
    durationMs: durationMs.right,
    openvpnPath: options.strings.get('openvpn'),
    appId: appId.right,
    verbosity: options.counts.get('verbose') ?? 0,
  });
};

const parsePs = (options: ParsedOptions): Either<UsageError, PsCommand> => {
  const none = noPositionals('ps', options);
  if (isLeft(none)) return none;
  const appId = readAppId('ps', options);
  if (isLeft(appId)) return appId;
  return right({ kind: 'ps', json: flag(options, 'json'), appId: appId.right });
};

const parseStop = (options: ParsedOptions): Either<UsageError, StopCommand> => {
  const none = noPositionals('stop', options);
  if (isLeft(none)) return none;
  const appId = readAppId('stop', options);
  if (isLeft(appId)) return appId;
  const stopTimeoutMs = readStopTimeout('stop', options);
  if (isLeft(stopTimeoutMs)) return stopTimeoutMs;
  return right({
    kind: 'stop',
    allOurs: flag(options, 'all-ours'),
    appId: appId.right,
    stopTimeoutMs: stopTimeoutMs.right,
  });
};

const PARSERS: {
  readonly [C in CommandName]: (options: ParsedOptions) => Either<UsageError, CliCommand>;
} = { connect: parseConnect, attach: parseAttach, demo: parseDemo, ps: parsePs, stop: parseStop };

const parseHelp = (args: readonly string[]): Either<UsageError, HelpCommand> => {
  const [topic, extra] = args;
  if (topic === undefined) return right({ kind: 'help', topic: undefined });
  if (!isCommandName(topic)) return left(unknownCommand(topic));
  if (extra !== undefined) {
    return left(usage(topic, `help takes one command, e.g. rx-openvpn help ${topic}.`));
  }
  return right({ kind: 'help', topic });
};

/**
 * Parses the arguments after the program name (`process.argv.slice(2)`). `--help` or `-h`
 * before a `--` asks for the help of the command it follows, whatever else is on the line.
 */
export function parseCliArgs(args: readonly string[]): Either<UsageError, CliCommand> {
  const [first, ...rest] = args;
  if (first === undefined) {
    return left(
      usage(
        undefined,
        `say what to do: rx-openvpn <${COMMAND_NAMES.join('|')}> [options]. ` +
          'Run `rx-openvpn --help` for an overview.',
      ),
    );
  }
  if (first === '--help' || first === '-h') return right({ kind: 'help', topic: undefined });
  if (first === 'help') return parseHelp(rest);
  if (!isCommandName(first)) return left(unknownCommand(first));
  const options = readOptions(first, rest);
  if (isLeft(options)) return options;
  if (flag(options.right, 'help')) return right({ kind: 'help', topic: first });
  return PARSERS[first](options.right);
}
