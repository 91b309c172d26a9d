import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Argument, Command, CommanderError, Option } from 'commander';
import { addActingCommands } from './acting-commands';
import { addMaintenanceCommands } from './maintenance-commands';
import { addAlertingCommands } from './alerting-commands';
import { parseVersionArg } from './args';
import {
  CliError,
  EXIT_API,
  EXIT_CHANGES,
  EXIT_OK,
  EXIT_USAGE,
  formatError,
  readConfigInput,
  UsageError,
  VigilClient,
} from './client';
import {
  renderApplyResult,
  renderDiff,
  renderPlanResult,
  renderRestoreResult,
  renderStatus,
  renderVersions,
  type ApplyResult,
} from './render';
import { bashCompletion, zshCompletion } from './completion';
import { OUTPUT_FORMATS, type Context, type OutputFormat } from './context';
import { formatItem, formatOutput } from './output';

export { parseVersionArg } from './args';

/** Where the CLI writes; a parameter so it can run in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin?: NodeJS.ReadableStream;
  env?: NodeJS.ProcessEnv;
  /** Ends `vigil events --follow` when aborted; without it, Ctrl-C (SIGINT) or SIGTERM does. */
  signal?: AbortSignal;
}

interface GlobalOptions {
  server: string;
  token?: string;
  output: OutputFormat;
}

const DEFAULT_SERVER = 'http://127.0.0.1:3000';

/** The version of the package the CLI belongs to: the nearest package.json up from here (source or dist/). */
export function cliVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'vigil' && pkg.version) return pkg.version;
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

/** What the program's commands report back to `run`. */
interface RunState {
  exitCode: number;
}

/** The exit codes, as the help shows them. */
export const EXIT_CODES_HELP =
  'Exit codes: 0 ok (plan: no changes), 1 API or network error, 2 usage error, 3 plan: the plan has changes.';

/** Aborts on `io.signal`, or on SIGINT/SIGTERM while listening. */
function interruptFor(io: CliIo): { signal: AbortSignal; dispose: () => void } {
  if (io.signal) return { signal: io.signal, dispose: () => undefined };
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

/** The program with every command; `state` receives the exit code a command sets. */
export function buildProgram(io: CliIo, state: RunState = { exitCode: EXIT_OK }): Command {
  const env = io.env ?? process.env;
  const program = new Command('vigil');
  program
    .description(
      "Vigil's command line: plan and apply config, show status and versions; during an incident, " +
        'list alerts and notifications, re-send failed ones, and silence notifications.',
    )
    .addOption(
      new Option('--server <url>', 'Vigil API base URL (env VIGIL_URL)').default(
        env.VIGIL_URL || DEFAULT_SERVER,
      ),
    )
    .addOption(new Option('--token <key>', 'API key, sent as a bearer token (env VIGIL_TOKEN; required)'))
    .addOption(
      new Option('-o, --output <format>', 'output format: text, or the API answer as json or yaml')
        .choices(OUTPUT_FORMATS)
        .default('text'),
    )
    .version(cliVersion(), '-V, --version', 'print the version of vigil')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .allowExcessArguments(false)
    .addHelpText(
      'after',
      [
        '',
        'Environment: VIGIL_URL (--server), VIGIL_TOKEN (--token).',
        EXIT_CODES_HELP,
        'Completion: source <(vigil completion bash), or source <(vigil completion zsh).',
        'Example: vigil plan -f examples/multi-idc.yaml && vigil apply -f examples/multi-idc.yaml -m "why"',
        "Example: vigil silence add --match idc=sha --match 'severity=~warn.*' --for 2h -c 'sha maintenance'",
      ].join('\n'),
    );

  const context = (cmd: Command): Context => {
    const opts = cmd.optsWithGlobals<GlobalOptions>();
    const token = opts.token || env.VIGIL_TOKEN;
    if (!token) throw new UsageError('an API key is required: pass --token <key> or set VIGIL_TOKEN');
    const client = new VigilClient({ server: opts.server, token });
    return {
      client,
      output: opts.output,
      print: (json, text) => io.stdout(`${formatOutput(json, opts.output, text)}\n`),
      printItem: (json, text) => io.stdout(`${formatItem(json, opts.output, text)}\n`),
      exit: (code) => {
        state.exitCode = code;
      },
      interrupt: () => interruptFor(io),
    };
  };

  const putConfig = async (
    cmd: Command,
    file: string,
    query: Record<string, string | boolean | undefined>,
  ) => {
    const ctx = context(cmd);
    const input = await readConfigInput(file, io.stdin);
    const ifMatch = cmd.opts<{ ifMatch?: string }>().ifMatch;
    const result = await ctx.client.request<ApplyResult>('PUT', '/config', {
      query,
      body: input.text,
      contentType: input.contentType,
      headers: ifMatch !== undefined ? { 'if-match': String(parseVersionArg(ifMatch, '--if-match', 0)) } : {},
    });
    return { ctx, result };
  };

  program
    .command('plan')
    .description(
      'Show what applying a config file would change (a dry run); exits 3 when it would change anything',
    )
    .requiredOption('-f, --file <path>', 'config file (YAML or JSON); - reads stdin')
    .addHelpText(
      'after',
      '\nExit codes (as terraform plan -detailed-exitcode): 0 no changes, 3 changes, 1 API error, 2 usage error.',
    )
    .action(async (opts: { file: string }, cmd: Command) => {
      const { ctx, result } = await putConfig(cmd, opts.file, { dryRun: 'true' });
      ctx.print(result, () => renderPlanResult(result));
      if (result.plan.changes.length > 0) ctx.exit(EXIT_CHANGES);
    });

  program
    .command('apply')
    .description('Apply a config file as the whole desired state (a new version when anything changes)')
    .requiredOption('-f, --file <path>', 'config file (YAML or JSON); - reads stdin')
    .option('-m, --message <text>', 'why: kept with the version and in the audit log')
    .option('--if-match <version>', 'apply only if this is the current version')
    .action(async (opts: { file: string; message?: string }, cmd: Command) => {
      const { ctx, result } = await putConfig(cmd, opts.file, { message: opts.message });
      ctx.print(result, () => renderApplyResult(result));
    });

  program
    .command('status')
    .description(
      'Show the current config version, the health of each service per IDC, the IDCs and the services',
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = context(cmd);
      const [versions, idcs, services, health] = await Promise.all([
        ctx.client.ok(ctx.client.api.GET('/api/v1/config/versions', { params: { query: { limit: 1 } } })),
        ctx.client.ok(ctx.client.api.GET('/api/v1/idcs', { params: { query: { limit: 1000 } } })),
        ctx.client.ok(ctx.client.api.GET('/api/v1/services', { params: { query: { limit: 1000 } } })),
        // Older servers have no /status.
        ctx.client.ok(ctx.client.api.GET('/api/v1/status')).catch(() => undefined),
      ]);
      ctx.print({ versions, idcs, services, health }, () =>
        renderStatus({ versions, idcs, services, health }),
      );
    });

  program
    .command('versions')
    .description('List applied config versions, newest first')
    .option('--limit <n>', 'how many', '20')
    .option('--offset <n>', 'skip this many', '0')
    .action(async (opts: { limit: string; offset: string }, cmd: Command) => {
      const limit = parseVersionArg(opts.limit, '--limit');
      const offset = parseVersionArg(opts.offset, '--offset', 0);
      const ctx = context(cmd);
      const page = await ctx.client.ok(
        ctx.client.api.GET('/api/v1/config/versions', { params: { query: { limit, offset } } }),
      );
      ctx.print(page, () => renderVersions(page));
    });

  program
    .command('diff')
    .description('Show what changed from version M (default N-1; 0 = empty) to version N')
    .argument('<version>', 'the version N')
    .option('--against <version>', 'the version M to compare with')
    .action(async (n: string, opts: { against?: string }, cmd: Command) => {
      const version = parseVersionArg(n, 'version');
      const against =
        opts.against !== undefined ? parseVersionArg(opts.against, '--against', 0) : Math.max(version - 1, 0);
      const ctx = context(cmd);
      const plan = await ctx.client.ok(
        ctx.client.api.GET('/api/v1/config/versions/{n}/diff', {
          params: { path: { n: version }, query: { against } },
        }),
      );
      ctx.print(plan, () => renderDiff(plan, version, against));
    });

  program
    .command('restore')
    .description('Make version N current again, as a new version')
    .argument('<version>', 'the version to restore')
    .option('-m, --message <text>', 'why: kept with the new version and in the audit log')
    .option('--if-match <version>', 'restore only if this is the current version')
    .action(async (n: string, opts: { message?: string; ifMatch?: string }, cmd: Command) => {
      const version = parseVersionArg(n, 'version');
      const ifMatch = opts.ifMatch !== undefined ? parseVersionArg(opts.ifMatch, '--if-match', 0) : undefined;
      const ctx = context(cmd);
      const result = await ctx.client.ok(
        ctx.client.api.POST('/api/v1/config/versions/{n}/restore', {
          params: {
            path: { n: version },
            query: { message: opts.message },
            header: ifMatch !== undefined ? { 'If-Match': String(ifMatch) } : {},
          },
        }),
      );
      ctx.print(result, () => renderRestoreResult(result, version));
    });

  addAlertingCommands(program, context);
  addActingCommands(program, context);
  addMaintenanceCommands(program, context);

  program
    .command('completion')
    .description('Print a shell completion script for bash or zsh')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh']))
    .addHelpText(
      'after',
      [
        '',
        'bash: source <(vigil completion bash)   # in ~/.bashrc',
        'zsh:  source <(vigil completion zsh)    # in ~/.zshrc, after compinit',
        '      or: vigil completion zsh > "${fpath[1]}/_vigil"',
      ].join('\n'),
    )
    .action((shell: 'bash' | 'zsh') => {
      io.stdout(shell === 'bash' ? bashCompletion(program) : zshCompletion(program));
    });
  return program;
}

/** Runs the CLI on `argv` (as process.argv: node, script, args...) and returns the exit code. */
export async function run(argv: readonly string[], io?: Partial<CliIo>): Promise<number> {
  const full: CliIo = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    ...io,
  };
  const state: RunState = { exitCode: EXIT_OK };
  const program = buildProgram(full, state);
  try {
    await program.parseAsync([...argv]);
    return state.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed its message (or the help) already.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0
        ? EXIT_OK
        : EXIT_USAGE;
    }
    if (err instanceof CliError) {
      full.stderr(`${formatError(err)}\n`);
      return err.exitCode;
    }
    full.stderr(`error: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT_API;
  }
}

if (require.main === module) {
  void run(process.argv).then((code) => {
    process.exitCode = code;
  });
}
