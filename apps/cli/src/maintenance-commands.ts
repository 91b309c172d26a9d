/** `vigil maintenance list|create|cancel`: maintenance windows, one API call each. */
import { Command } from 'commander';
import { parseIdArg, parseVersionArg } from './args';
import { UsageError } from './client';
import type { Context } from './context';
import {
  renderMaintenanceCancelled,
  renderMaintenanceCreated,
  renderMaintenanceWindows,
} from './render-maintenance';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `k=v` options into a label map; a value without `=` is a usage error naming it. */
export function parseLabels(values: readonly string[] | undefined): Record<string, string> | undefined {
  if (!values?.length) return undefined;
  const labels: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`--label must be name=value, got "${v}"`);
    labels[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return labels;
}

interface CreateOptions {
  reason: string;
  startsAt?: string;
  endsAt?: string;
  rrule?: string;
  cron?: string;
  timezone?: string;
  duration?: string;
  until?: string;
  service?: string[];
  idc?: string[];
  label?: string[];
  freeze: boolean;
  silence: boolean;
}

/** Adds `maintenance list|create|cancel`. */
export function addMaintenanceCommands(program: Command, context: (cmd: Command) => Context): void {
  const maintenance = program
    .command('maintenance')
    .description(
      'Maintenance windows: one-off or recurring periods that freeze automation and silence notifications',
    );

  maintenance
    .command('list')
    .description('List maintenance windows, newest first, with their next occurrence')
    .option('--active', 'only windows in force now')
    .option('--limit <n>', 'how many (1-1000; the API default is 100)')
    .action(async (opts: { active?: boolean; limit?: string }, cmd: Command) => {
      const query = {
        active: opts.active ? ('true' as const) : undefined,
        limit: opts.limit !== undefined ? parseVersionArg(opts.limit, '--limit') : undefined,
      };
      const ctx = context(cmd);
      const list = await ctx.client.ok(
        ctx.client.api.GET('/api/v1/maintenance-windows', { params: { query } }),
      );
      ctx.print(list, () =>
        renderMaintenanceWindows(
          list.items,
          opts.active ? 'active maintenance windows' : 'maintenance windows',
        ),
      );
    });

  maintenance
    .command('create')
    .description('Declare a maintenance window; prints its id and when it runs next')
    .requiredOption('-r, --reason <text>', 'why, e.g. a change ticket (kept with the window and audited)')
    .option(
      '--starts-at <time>',
      'ISO 8601; one-off: its start (default now); recurring: the first possible start',
    )
    .option('--ends-at <time>', 'one-off: its end (at most 30 days after the start)')
    .option('--rrule <rule>', 'recurring: an RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=TU;BYHOUR=2;BYMINUTE=0')
    .option('--cron <expr>', 'recurring: a 5-field cron expression, e.g. "0 2 * * 2"')
    .option('--timezone <zone>', 'recurring: IANA time zone of the rule (default UTC)')
    .option('--duration <d>', 'recurring: length of each occurrence: 30m, 2h, 1h30m')
    .option('--until <time>', 'recurring: no occurrence starts at or after this')
    .option('--service <name>', 'a service covered (repeatable; default every service)', collect)
    .option('--idc <name>', 'an IDC covered (repeatable; default every IDC)', collect)
    .option('--label <name=value>', 'a service label that must match (repeatable)', collect)
    .option('--no-freeze', 'do not freeze automation (only silence)')
    .option('--no-silence', 'do not silence notifications (only freeze)')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        "  vigil maintenance create -r 'patch Tuesday' --rrule 'FREQ=WEEKLY;BYDAY=TU;BYHOUR=2;BYMINUTE=0' \\\n" +
        '      --timezone Europe/Berlin --duration 2h --label tier=batch\n' +
        "  vigil maintenance create -r 'CHG-1234' --idc sha --starts-at 2026-05-01T01:00:00Z --ends-at 2026-05-01T03:00:00Z",
    )
    .action(async (opts: CreateOptions, cmd: Command) => {
      const labels = parseLabels(opts.label);
      const ctx = context(cmd);
      const created = await ctx.client.ok(
        ctx.client.api.POST('/api/v1/maintenance-windows', {
          body: {
            reason: opts.reason,
            startsAt: opts.startsAt,
            endsAt: opts.endsAt,
            rrule: opts.rrule,
            cron: opts.cron,
            timezone: opts.timezone,
            duration: opts.duration,
            until: opts.until,
            services: opts.service,
            idcs: opts.idc,
            labels,
            freeze: opts.freeze,
            silence: opts.silence,
          },
        }),
      );
      ctx.print(created, () => renderMaintenanceCreated(created));
    });

  maintenance
    .command('cancel')
    .description('Cancel a maintenance window now (an occurrence in progress ends); it is kept')
    .argument('<id>', 'the window id (the ID column of vigil maintenance list)')
    .action(async (value: string, _opts: unknown, cmd: Command) => {
      const id = parseIdArg(value, 'maintenance window id');
      const ctx = context(cmd);
      const cancelled = await ctx.client.ok(
        ctx.client.api.DELETE('/api/v1/maintenance-windows/{id}', { params: { path: { id } } }),
      );
      ctx.print(cancelled, () => renderMaintenanceCancelled(cancelled));
    });
}
