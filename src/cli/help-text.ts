import type { CommandName } from './cli-command.js';

const OVERVIEW = `rx-openvpn: run and supervise OpenVPN, showing its state as it changes.

Usage: rx-openvpn <command> [options]

Commands:
  connect <profile.ovpn>  Start openvpn with a profile and follow it until Ctrl-C.
  attach <endpoint>       Follow an openvpn that a service started, through its management
                          interface (a unix socket, or 127.0.0.1:<port>).
  demo                    Connect to a throwaway OpenVPN server on this machine; no root needed.
  ps                      List running openvpn processes and who started them.
  stop                    Stop openvpn processes that this application left running.

Run \`rx-openvpn help <command>\` (or \`rx-openvpn <command> --help\`) for its options.
`;

const CONNECT = `Usage: rx-openvpn connect <profile.ovpn> [options]

Starts openvpn with the profile, follows it through its management interface and shows its
state: a live status line on a terminal, one line per change otherwise. Ctrl-C disconnects
and waits for openvpn to exit; a second Ctrl-C kills it. Exit status: 0 after a requested
stop, 1 when the tunnel failed, 2 for a command line that does not parse.

Options:
  --json                 Print one JSON object per state change instead (see the README).
  --openvpn <path>       The openvpn binary. Default: PATH, then the usual install places.
  --stop-timeout <ms>    Time from the stop request to SIGKILL, in milliseconds: half for
                         openvpn to leave cleanly, 30% after SIGTERM, 20% after SIGKILL.
  --auth-file <file>     Credentials for a profile with auth-user-pass: username on the
                         first line, password on the second. Without it, they are asked on
                         the terminal; with no terminal, the login fails.
  --app-id <id>          Marks the openvpn processes this application starts, so that
                         \`ps\` and \`stop\` can tell them apart. Default: rx-openvpn.
  --launcher <kind>      How openvpn gets its privileges: direct (already root or
                         CAP_NET_ADMIN, the default), sudo (sudo -n, never prompts) or
                         pkexec (asks through polkit, runs --pkexec-helper).
  --pkexec-helper <path> With --launcher pkexec: the privileged helper that starts openvpn
                         (called as \`<helper> openvpn <args>\`, like bitmask-root).
  -v, --verbose          More log on stderr; repeat (-vv) for openvpn's own log too.
  --transcript <file>    Write the management conversation to <file>, secrets redacted.
  -h, --help             Show this help.
`;

const ATTACH = `Usage: rx-openvpn attach <socket | 127.0.0.1:port> [options]

Attaches to the management interface of an openvpn that a system service or a privileged
helper started (with \`--management <socket> unix\` or \`--management 127.0.0.1 <port>
<pw-file>\`, best with \`--management-hold\`), and shows its state like \`connect\` does. A
dropped link is reached again. Ctrl-C stops openvpn and waits for it to exit; a second Ctrl-C
kills it when this user may. Exit status: 0 after a requested stop or a detach, 1 when the
tunnel failed or openvpn could not be reached, 2 for a command line that does not parse.

Options:
  --management-password-file <file>
                         The management password, on the first line (openvpn's pw-file).
                         Required over TCP, which only a loopback address may be.
  --leave-running        Ctrl-C detaches and leaves openvpn running instead of stopping it.
  --json                 Print one JSON object per state change instead (see the README).
  --stop-timeout <ms>    Time from the stop request to SIGKILL, shared as for \`connect\`.
  --auth-file <file>     Credentials, if openvpn asks for them: username on the first line,
                         password on the second. Without it, they are asked on the terminal.
  -v, --verbose          More log on stderr; repeat (-vv) for openvpn's own log too.
  --transcript <file>    Write the management conversation to <file>, secrets redacted.
  -h, --help             Show this help.
`;

const DEMO = `Usage: rx-openvpn demo [options]

Starts an OpenVPN server on 127.0.0.1 with a throwaway certificate authority (made with
openssl once, kept in ~/.cache/rx-openvpn/demo-pki), then connects to it and shows the state
like \`connect\` does. Both ends use "dev null", so no root and no network change is needed.

Options:
  --json             Print one JSON object per state change.
  --chaos            Restart the server now and then, to watch the client reconnect.
  --duration <s>     Disconnect and exit after this many seconds. Default: run until Ctrl-C.
  --openvpn <path>   The openvpn binary, for the server and the client.
  --app-id <id>      Application id of the client's openvpn. Default: rx-openvpn.
  -v, --verbose      More log on stderr; repeat for more.
  -h, --help         Show this help.
`;

const PS = `Usage: rx-openvpn ps [options]

Lists every running openvpn: its pid, uptime, profile and who started it: this application
(ours, and whether the engine that started it still runs), another application (alien), or
nobody that says so (unmarked: by hand, a system service, another tool).

Options:
  --json          Print one JSON object per process instead of a table.
  --app-id <id>   Which application counts as ours. Default: rx-openvpn.
  -h, --help      Show this help.
`;

const STOP = `Usage: rx-openvpn stop [options]

Stops the openvpn processes this application started whose engine is gone (left running by a
crash). SIGTERM first, SIGKILL when they outlive the stop timeout. Processes of other
applications and unmarked ones are never touched.

Options:
  --all-ours            Also stop those whose engine still runs (another rx-openvpn window).
  --app-id <id>         Which application counts as ours. Default: rx-openvpn.
  --stop-timeout <ms>   The whole stop, in milliseconds: 80% for SIGTERM to work, then
                        SIGKILL and 20% for it to take effect. Default 5000.
  -h, --help            Show this help.
`;

const TEXTS: Readonly<Record<CommandName, string>> = {
  connect: CONNECT,
  attach: ATTACH,
  demo: DEMO,
  ps: PS,
  stop: STOP,
};

/** The help of one command, or the overview of all of them when `topic` is `undefined`. */
export const helpText = (topic: CommandName | undefined): string =>
  topic === undefined ? OVERVIEW : TEXTS[topic];
