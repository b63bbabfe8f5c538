import { Command, CommanderError } from 'commander';
import { CliError } from './output.js';
import type { GlobalOptions } from './context.js';
import { serveCommand } from './commands/serve.js';
import { setupCommands } from './commands/setup.js';
import { apiCommands } from './commands/api.js';
import { clientCommands } from './commands/client.js';
import { keyCommands } from './commands/key.js';
import { userCommands } from './commands/user.js';
import { opsCommands } from './commands/ops.js';
import { inspectCommand } from './commands/inspect.js';
import { probeCommand } from './commands/probe.js';

const program = new Command('lanekeeper')
  .description('Lanekeeper: an OpenID Connect provider and OAuth 2.1 authorization server that keeps ID tokens and access tokens in their lanes')
  .option('-c, --config <file>', 'config file (or LANEKEEPER_CONFIG)')
  .option('--json', 'print JSON for scripts', false)
  .showHelpAfterError()
  .exitOverride();

const globals = () => program.opts<GlobalOptions>();
serveCommand(program, globals);
setupCommands(program, globals);
apiCommands(program, globals);
clientCommands(program, globals);
keyCommands(program, globals);
userCommands(program, globals);
opsCommands(program, globals);
inspectCommand(program, globals);
probeCommand(program, globals);

function fail(message: string, code: number): never {
  process.stderr.write(`lanekeeper: ${message}\n`);
  process.exit(code);
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
    // Bad configuration or input, by name: importing the classes would load the whole server.
  if (err instanceof Error && ['ConfigError', 'RegistryError', 'UserError'].includes(err.name)) fail(err.message, 2);
  if (err instanceof CliError) fail(err.message, err.exitCode);
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EADDRINUSE') fail(`port already in use (${e.message})`, 1);
  if (e?.code === 'ECONNREFUSED') fail(`cannot reach the database (${e.message})`, 1);
  fail(process.env.LANEKEEPER_DEBUG ? (e?.stack ?? String(err)) : (e?.message ?? String(err)), 1);
}
