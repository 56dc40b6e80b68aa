#!/usr/bin/env node
import { processIo } from './commands/cli-io.js';
import { main } from './main.js';

// The exit code is set, not forced: the process ends once every handle is closed, so a
// pending write to a pipe is never cut off.
process.exitCode = await main(process.argv.slice(2), processIo());
