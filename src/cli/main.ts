import { isLeft } from 'fp-ts/lib/Either.js';
import { parseCliArgs } from './args.js';
import type { CliIo } from './commands/cli-io.js';
import { runAttach } from './commands/attach.js';
import { runConnect } from './commands/connect.js';
import { runDemo } from './commands/demo.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './commands/exit-code.js';
import { runPs } from './commands/ps.js';
import { runStop } from './commands/stop.js';
import { helpText } from './help-text.js';
import { sanitizeForTerminal } from './sanitize.js';

/**
 * The `rx-openvpn` command line: parses `args` (what follows the program name), runs the
 * command and resolves with the exit code: 0 done, 1 failed, 2 the command line did not parse.
 * Everything printed goes through `io`.
 */
export async function main(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCliArgs(args);
  if (isLeft(parsed)) {
    io.stderr.write(`rx-openvpn: ${sanitizeForTerminal(parsed.left.message)}\n`);
    return EXIT_USAGE;
  }
  const command = parsed.right;
  try {
    switch (command.kind) {
      case 'help':
        io.stdout.write(helpText(command.topic));
        return EXIT_OK;
      case 'connect':
        return await runConnect(command, io);
      case 'attach':
        return await runAttach(command, io);
      case 'demo':
        return await runDemo(command, io);
      case 'ps':
        return await runPs(command, io);
      case 'stop':
        return await runStop(command, io);
    }
  } catch (error) {
    // Commands report what they expect; this is a fault, printed with its stack for a report.
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    const lines = detail.split('\n').map(sanitizeForTerminal).join('\n');
    io.stderr.write(`rx-openvpn: unexpected error: ${lines}\n`);
    return EXIT_FAILURE;
  }
}
