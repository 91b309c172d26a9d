/**
 * The commands that act on traffic, and what on-call looks at before acting: traffic actions (approve,
 * reject, cancel, roll back), freezes, the kill switch, manual weights, the health timeline (live with
 * --follow) and one endpoint's health. Each is one API call; the API checks roles and states and
 * answers 409 with the reason when an action is not in a state for the decision.
 */
import { Command, Option } from 'commander';
import { freezeUntil, parseIdArg, parseVersionArg, parseWeightsArgs } from './args';
import { UsageError } from './client';
import type { components } from '@libs/api-client';
import type { Context } from './context';
import {
  renderAction,
  renderActions,
  renderAutomation,
  renderDecision,
  renderDrain,
  renderEndpointHealth,
  renderEventLine,
  renderEvents,
  renderFreezeEnded,
  renderFreezes,
  renderReleased,
  renderRollback,
  renderServiceTraffic,
  renderSetWeights,
  type Decision,
  type DrainDirection,
  type HealthEvent,
} from './render-acting';

type ActionState = components['schemas']['ActionSummaryDto']['state'];
type EventKind = components['schemas']['HealthEventDto']['kind'];

/** Every state of an action: a Record so that the compiler checks it against the API document. */
const ACTION_STATE_SET: Record<ActionState, true> = {
  'dry-run': true,
  refused: true,
  'awaiting-approval': true,
  executing: true,
  held: true,
  completed: true,
  failed: true,
  rejected: true,
  cancelled: true,
  'rolled-back': true,
};
export const ACTION_STATES = Object.keys(ACTION_STATE_SET) as ActionState[];

const EVENT_KIND_SET: Record<EventKind, true> = {
  endpoint: true,
  idc: true,
  vantage: true,
  alert: true,
  rule: true,
  traffic: true,
};
const EVENT_KINDS = Object.keys(EVENT_KIND_SET) as EventKind[];

interface EventsOptions {
  follow?: boolean;
  service?: string;
  idc?: string;
  endpoint?: string;
  kind?: EventKind;
  from?: string;
  to?: string;
  limit?: string;
  cursor?: string;
}

/** Collects a repeatable option's values. */
const collect = (value: string, previous: string[] = []) => [...previous, value];

const limitOf = (limit: string | undefined) =>
  limit !== undefined ? parseVersionArg(limit, '--limit') : undefined;

const DECISIONS: ReadonlyArray<{ verb: Decision; summary: string }> = [
  { verb: 'approve', summary: 'Approve an action awaiting approval: it starts executing' },
  { verb: 'reject', summary: 'Reject an action awaiting approval: nothing is applied' },
  {
    verb: 'cancel',
    summary:
      'Cancel an action awaiting approval, executing or held: no further step is sent ' +
      '(steps already applied stay; see rollback)',
  },
];

const DRAINS: ReadonlyArray<{ verb: DrainDirection; summary: string }> = [
  {
    verb: 'drain',
    summary:
      'Drain one endpoint: a manual action has its traffic manager send it no new requests at once ' +
      '(the weights stay; not every traffic manager can, e.g. powerdns cannot)',
  },
  { verb: 'undrain', summary: 'Take a drained endpoint back into rotation: a manual action applied at once' },
];

/** Adds `actions`, `freeze`, `automation`, `weights`, `drain`, `undrain`, `events` and `endpoint`. */
export function addActingCommands(program: Command, context: (cmd: Command) => Context): void {
  const actions = program
    .command('actions')
    .description('List and show traffic actions; approve, reject, cancel or roll them back');

  actions
    .command('list')
    .description('List actions, newest first')
    .addOption(new Option('--state <state>', 'only actions in this state').choices(ACTION_STATES))
    .option('--service <name>', 'only actions on this service')
    .option('--limit <n>', 'how many (1-1000; the API default is 100)')
    .option('--cursor <next>', 'the next page: the cursor a previous page printed')
    .action(
      async (
        opts: { state?: ActionState; service?: string; limit?: string; cursor?: string },
        cmd: Command,
      ) => {
        const filters = { state: opts.state, service: opts.service };
        const query = { ...filters, limit: limitOf(opts.limit), cursor: opts.cursor };
        const ctx = context(cmd);
        const page = await ctx.client.ok(ctx.client.api.GET('/api/v1/actions', { params: { query } }));
        ctx.print(page, () => renderActions(page, filters));
      },
    );

  actions
    .command('show')
    .description('Show one action: its state, weights before, guardrails and steps')
    .argument('<id>', 'the action id (the ID column of vigil actions list)')
    .action(async (value: string, _opts: unknown, cmd: Command) => {
      const id = parseIdArg(value, 'action id');
      const ctx = context(cmd);
      const action = await ctx.client.ok(
        ctx.client.api.GET('/api/v1/actions/{id}', { params: { path: { id } } }),
      );
      ctx.print(action, () => renderAction(action));
    });

  for (const { verb, summary } of DECISIONS) {
    actions
      .command(verb)
      .description(summary)
      .argument('<id>', 'the action id')
      .option('-r, --reason <text>', 'why: kept in the audit log')
      .action(async (value: string, opts: { reason?: string }, cmd: Command) => {
        const id = parseIdArg(value, 'action id');
        const ctx = context(cmd);
        const decided = await ctx.client.ok(
          ctx.client.api.POST(`/api/v1/actions/{id}/${verb}`, {
            params: { path: { id } },
            body: { reason: opts.reason },
          }),
        );
        ctx.print(decided, () => renderDecision(verb, decided));
      });
  }

  actions
    .command('rollback')
    .description(
      'Roll back an action that applied steps: a new manual action restores its weights before ' +
        '(other executing actions of the service are cancelled)',
    )
    .argument('<id>', 'the action id')
    .requiredOption('-r, --reason <text>', 'why: kept with the rollback action and in the audit log')
    .action(async (value: string, opts: { reason: string }, cmd: Command) => {
      const id = parseIdArg(value, 'action id');
      const ctx = context(cmd);
      const rollback = await ctx.client.ok(
        ctx.client.api.POST('/api/v1/actions/{id}/rollback', {
          params: { path: { id } },
          body: { reason: opts.reason },
        }),
      );
      ctx.print(rollback, () => renderRollback(id, rollback));
    });

  const freeze = program
    .command('freeze')
    .description('Freeze automation (no automatic traffic action) for some services and IDCs, for a while');

  freeze
    .command('add')
    .description('Freeze automation in a scope until --until or for --for; prints the id')
    .option('--service <name>', 'a service to freeze (repeatable; default every service)', collect)
    .option('--idc <name>', 'an IDC to freeze (repeatable; default every IDC)', collect)
    .option('--for <duration>', 'how long, from now: 30m, 2h, 1h30m (at most 30 days)')
    .option('--until <time>', 'when it ends: ISO 8601 with a zone, e.g. 2026-05-01T18:00:00Z')
    .requiredOption('-r, --reason <text>', 'why, e.g. a change ticket (kept with the freeze and audited)')
    .addHelpText(
      'after',
      '\nManual actions (vigil weights set, rollbacks) are not frozen.\n' +
        "Example: vigil freeze add --service live-edge --idc sha --for 2h -r 'CHG-1234 sha network work'",
    )
    .action(
      async (
        opts: { service?: string[]; idc?: string[]; for?: string; until?: string; reason: string },
        cmd: Command,
      ) => {
        const until = freezeUntil(opts, Date.now());
        const ctx = context(cmd);
        const created = await ctx.client.ok(
          ctx.client.api.POST('/api/v1/freezes', {
            body: { services: opts.service ?? [], idcs: opts.idc ?? [], until, reason: opts.reason },
          }),
        );
        ctx.print(created, () => created.id);
      },
    );

  freeze
    .command('list')
    .description('List freezes, newest first (lifted and expired ones too, unless --active)')
    .option('--active', 'only freezes in force now')
    .option('--limit <n>', 'how many (1-1000; the API default is 100)')
    .action(async (opts: { active?: boolean; limit?: string }, cmd: Command) => {
      const query = { active: opts.active ? ('true' as const) : undefined, limit: limitOf(opts.limit) };
      const ctx = context(cmd);
      const list = await ctx.client.ok(ctx.client.api.GET('/api/v1/freezes', { params: { query } }));
      ctx.print(list, () => renderFreezes(list.items, opts.active ? 'active freezes' : 'freezes'));
    });

  freeze
    .command('end')
    .description('End (lift) a freeze now; it is kept, with when it was lifted')
    .argument('<id>', 'the freeze id (the ID column of vigil freeze list)')
    .action(async (value: string, _opts: unknown, cmd: Command) => {
      const id = parseIdArg(value, 'freeze id');
      const ctx = context(cmd);
      const lifted = await ctx.client.ok(
        ctx.client.api.DELETE('/api/v1/freezes/{id}', { params: { path: { id } } }),
      );
      ctx.print(lifted, () => renderFreezeEnded(lifted));
    });

  const automation = program
    .command('automation')
    .description('The global kill switch: pause or resume every automatic traffic action');

  automation
    .command('show')
    .description('Whether automation is paused, by whom, why and since when')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = context(cmd);
      const state = await ctx.client.ok(ctx.client.api.GET('/api/v1/automation'));
      ctx.print(state, () => renderAutomation(state));
    });

  automation
    .command('pause')
    .description(
      'Pause all automatic traffic actions: rules propose nothing, executing ones hold before their ' +
        'next step (manual weights and rollbacks still run)',
    )
    .requiredOption('-r, --reason <text>', 'why, e.g. the incident (kept and audited)')
    .action(async (opts: { reason: string }, cmd: Command) => {
      const ctx = context(cmd);
      const state = await ctx.client.ok(
        ctx.client.api.POST('/api/v1/automation/pause', { body: { reason: opts.reason } }),
      );
      ctx.print(state, () => renderAutomation(state));
    });

  automation
    .command('resume')
    .description('Resume automatic traffic actions')
    .option('-r, --reason <text>', 'why: kept in the audit log')
    .action(async (opts: { reason?: string }, cmd: Command) => {
      const ctx = context(cmd);
      const state = await ctx.client.ok(
        ctx.client.api.POST('/api/v1/automation/resume', { body: { reason: opts.reason } }),
      );
      ctx.print(state, () => renderAutomation(state));
    });

  const weights = program
    .command('weights')
    .description("Show a service's traffic weights; set them by hand (manual override) or release them");

  weights
    .command('show')
    .description('Baseline, desired and applied weights per IDC, the override, the latest action')
    .argument('<service>', 'the service name')
    .action(async (service: string, _opts: unknown, cmd: Command) => {
      const ctx = context(cmd);
      const traffic = await ctx.client.ok(
        ctx.client.api.GET('/api/v1/services/{name}/traffic', { params: { path: { name: service } } }),
      );
      ctx.print(traffic, () => renderServiceTraffic(traffic));
    });

  weights
    .command('set')
    .description(
      'Set the weights by hand: a manual action applies them at once, and automation is paused for ' +
        'the service until released (IDCs left out get 0)',
    )
    .argument('<service>', 'the service name')
    .argument('<weights...>', 'idc=weight for each IDC, e.g. bjs=100 sha=0 (relative; stored as percentages)')
    .requiredOption('-r, --reason <text>', 'why: kept with the override and in the audit log')
    .addHelpText('after', "\nExample: vigil weights set live-edge bjs=100 sha=0 -r 'sha maintenance'")
    .action(async (service: string, args: string[], opts: { reason: string }, cmd: Command) => {
      const body = { weights: parseWeightsArgs(args), reason: opts.reason };
      const ctx = context(cmd);
      const result = await ctx.client.ok(
        ctx.client.api.PUT('/api/v1/services/{name}/weights', { params: { path: { name: service } }, body }),
      );
      ctx.print(result, () => renderSetWeights(result));
    });

  weights
    .command('release')
    .description('Release the manual override: automation decides again (the weights stay until it acts)')
    .argument('<service>', 'the service name')
    .action(async (service: string, _opts: unknown, cmd: Command) => {
      const ctx = context(cmd);
      const traffic = await ctx.client.ok(
        ctx.client.api.DELETE('/api/v1/services/{name}/weights', { params: { path: { name: service } } }),
      );
      ctx.print(traffic, () => renderReleased(traffic));
    });

  for (const { verb, summary } of DRAINS) {
    program
      .command(verb)
      .description(summary)
      .argument('<service>', 'the service name')
      .argument('<endpoint>', 'the endpoint name in the service (sha-1, not web.sha-1)')
      .requiredOption('-r, --reason <text>', 'why: kept with the action and in the audit log')
      .addHelpText(
        'after',
        `\nExample: vigil ${verb} live-edge sha-edge-1 -r '${verb === 'drain' ? '5xx under load' : 'fixed'}'\n` +
          `Rolling the action back (vigil actions rollback) ${verb === 'drain' ? 'undrains' : 'drains'} it again.`,
      )
      .action(async (service: string, endpoint: string, opts: { reason: string }, cmd: Command) => {
        const ctx = context(cmd);
        const params = { params: { path: { name: service, endpoint } }, body: { reason: opts.reason } };
        const action = await ctx.client.ok(
          verb === 'drain'
            ? ctx.client.api.POST('/api/v1/services/{name}/endpoints/{endpoint}/drain', params)
            : ctx.client.api.POST('/api/v1/services/{name}/endpoints/{endpoint}/undrain', params),
        );
        ctx.print(action, () => renderDrain(verb, action));
      });
  }

  program
    .command('events')
    .description(
      'List health state changes (endpoints, IDCs, vantages, alerts, rules), newest first; ' +
        'with --follow, print them live until Ctrl-C',
    )
    .option('-f, --follow', 'stream new events as they happen (Server-Sent Events) until Ctrl-C')
    .option('--service <name>', 'only this service')
    .option('--idc <name>', 'only this IDC')
    .option('--endpoint <id>', 'only this endpoint (<service>.<name>; not with --follow)')
    .addOption(new Option('--kind <kind>', 'only events of this kind').choices(EVENT_KINDS))
    .option('--from <time>', 'from this time: ISO 8601 or epoch ms (not with --follow)')
    .option('--to <time>', 'until this time, exclusive: ISO 8601 or epoch ms (not with --follow)')
    .option('--limit <n>', 'how many (1-1000; the API default is 100; not with --follow)')
    .option('--cursor <next>', 'the next page: the cursor a previous page printed (not with --follow)')
    .addHelpText(
      'after',
      '\nWith --follow, -o json prints one JSON object per line and -o yaml one document per event.',
    )
    .action(async (opts: EventsOptions, cmd: Command) => {
      const filters = { service: opts.service, idc: opts.idc, kind: opts.kind };
      if (opts.follow) {
        const unsupported = (['endpoint', 'from', 'to', 'limit', 'cursor'] as const).filter(
          (k) => opts[k] !== undefined,
        );
        if (unsupported.length) {
          throw new UsageError(
            `--follow filters only by --service, --idc and --kind; drop ${unsupported.map((k) => `--${k}`).join(', ')}`,
          );
        }
        const ctx = context(cmd);
        const { signal, dispose } = ctx.interrupt();
        try {
          for await (const event of ctx.client.stream('/events/stream', filters, signal)) {
            ctx.printItem(event, () =>
              typeof event === 'object' && event !== null
                ? renderEventLine(event as HealthEvent)
                : String(event),
            );
          }
        } finally {
          dispose();
        }
        return;
      }
      const all = { ...filters, endpoint: opts.endpoint, from: opts.from, to: opts.to };
      const query = { ...all, limit: limitOf(opts.limit), cursor: opts.cursor };
      const ctx = context(cmd);
      const page = await ctx.client.ok(ctx.client.api.GET('/api/v1/events', { params: { query } }));
      ctx.print(page, () => renderEvents(page, all));
    });

  program
    .command('endpoint')
    .description("Show one endpoint's health: state, score, checks per vantage and the newest results")
    .argument('<id>', 'the endpoint id: <service>.<name>, e.g. live-edge.sha-edge-1')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const ctx = context(cmd);
      const health = await ctx.client.ok(
        ctx.client.api.GET('/api/v1/endpoints/{id}/health', { params: { path: { id } } }),
      );
      ctx.print(health, () => renderEndpointHealth(health));
    });
}
