/**
 * The commands on-call uses during an incident: received alerts, notifications (and re-sending the
 * failed ones), silences.
 */
import { Command, Option } from 'commander';
import {
  annotateMatcherIssues,
  parseIdArg,
  parseMatcher,
  parseVersionArg,
  silenceWindow,
  type SilenceWindowArgs,
} from './args';
import { ApiError, UsageError } from './client';
import type { components } from '@libs/api-client';
import type { Context } from './context';
import {
  renderAlerts,
  renderExpired,
  renderNotifications,
  renderResent,
  renderSilences,
  type SilenceItem,
} from './render-alerting';

type Schemas = components['schemas'];
type AlertStatus = Schemas['AlertDto']['status'];
type AlertSource = Schemas['AlertDto']['source'];
type NotificationState = Schemas['NotificationDto']['state'];
type NotificationEvent = Schemas['NotificationDto']['event'];
type SilenceState = Schemas['SilenceDto']['state'];

const ALERT_STATUSES: AlertStatus[] = ['firing', 'resolved'];
const ALERT_SOURCES: AlertSource[] = ['alertmanager', 'grafana', 'generic'];
const NOTIFICATION_STATES: NotificationState[] = ['pending', 'delivered', 'failed', 'silenced', 'suppressed'];

interface AlertsOptions extends PageOptions {
  status?: AlertStatus;
  service?: string;
  idc?: string;
  endpoint?: string;
  name?: string;
  source?: AlertSource;
}

interface PageOptions {
  limit?: string;
  cursor?: string;
}

const pageOptions = (cmd: Command) =>
  cmd
    .option('--limit <n>', 'how many (1-1000; the API default is 100)')
    .option('--cursor <next>', 'the next page: the cursor a previous page printed');

/** `?limit=&cursor=` from the options, the limit checked. */
const pageQuery = (opts: PageOptions) => ({
  limit: opts.limit !== undefined ? parseVersionArg(opts.limit, '--limit') : undefined,
  cursor: opts.cursor,
});

/** Collects a repeatable option's values. */
const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Newest first, as the API lists silences. */
const newestFirst = (a: SilenceItem, b: SilenceItem) =>
  a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1;

/** Adds `alerts`, `notifications`, `resend`, `silences` and `silence add|expire` to the program. */
export function addAlertingCommands(program: Command, context: (cmd: Command) => Context): void {
  pageOptions(
    program
      .command('alerts')
      .description('List received alerts, most recently received first')
      .addOption(new Option('--status <status>', 'only firing or only resolved ones').choices(ALERT_STATUSES))
      .option('--service <name>', 'only this service')
      .option('--idc <name>', 'only this IDC')
      .option('--endpoint <name>', 'only this endpoint')
      .option('--name <alertname>', 'only this alert name')
      .addOption(new Option('--source <source>', 'only from this sender').choices(ALERT_SOURCES)),
  ).action(async (opts: AlertsOptions, cmd: Command) => {
    const filters = {
      status: opts.status,
      service: opts.service,
      idc: opts.idc,
      endpoint: opts.endpoint,
      name: opts.name,
      source: opts.source,
    };
    const query = { ...filters, ...pageQuery(opts) };
    const ctx = context(cmd);
    const page = await ctx.client.ok(ctx.client.api.GET('/api/v1/alerts', { params: { query } }));
    ctx.print(page, () => renderAlerts(page, filters));
  });

  pageOptions(
    program
      .command('notifications')
      .description('List notifications, newest first: sent, pending, failed, silenced or rate-limited')
      .addOption(
        new Option('--failed', 'only failed ones (the dead-letter list; see resend)').conflicts('state'),
      )
      .addOption(
        new Option('--state <state>', 'only notifications in this state').choices(NOTIFICATION_STATES),
      )
      .option('--channel <name>', 'only this channel')
      .option('--event <event>', 'only this event, e.g. idc.state')
      .option('--incident <key>', 'only this incident (its trigger, reminders and resolve)'),
  ).action(
    async (
      opts: {
        failed?: boolean;
        state?: NotificationState;
        channel?: string;
        // Not checked here: the API answers 400 naming the events it knows.
        event?: NotificationEvent;
        incident?: string;
      } & PageOptions,
      cmd: Command,
    ) => {
      const filters = {
        state: opts.failed ? ('failed' as const) : opts.state,
        channel: opts.channel,
        event: opts.event,
        incident: opts.incident,
      };
      const query = { ...filters, ...pageQuery(opts) };
      const ctx = context(cmd);
      const page = await ctx.client.ok(ctx.client.api.GET('/api/v1/notifications', { params: { query } }));
      ctx.print(page, () => renderNotifications(page, filters));
    },
  );

  program
    .command('resend')
    .description('Deliver a notification again (e.g. a failed one), with a fresh set of attempts')
    .argument('<id>', 'the notification id (the ID column of vigil notifications)')
    .action(async (value: string, _opts: unknown, cmd: Command) => {
      const id = parseIdArg(value, 'notification id');
      const ctx = context(cmd);
      const sent = await ctx.client.ok(
        ctx.client.api.POST('/api/v1/notifications/{id}/resend', { params: { path: { id } } }),
      );
      ctx.print(sent, () => renderResent(sent));
    });

  program
    .command('silences')
    .description('List silences, newest first (default: the active and pending ones)')
    .addOption(new Option('--all', 'every silence, expired ones too').conflicts('expired'))
    .option('--expired', 'only expired ones')
    .option('--limit <n>', 'how many of each state (1-1000; the API default is 100)')
    .action(async (opts: { all?: boolean; expired?: boolean; limit?: string }, cmd: Command) => {
      const limit = opts.limit !== undefined ? parseVersionArg(opts.limit, '--limit') : undefined;
      const ctx = context(cmd);
      const list = (state?: SilenceState) =>
        ctx.client
          .ok(ctx.client.api.GET('/api/v1/silences', { params: { query: { state, limit } } }))
          .then((r) => r.items);
      let items: SilenceItem[];
      let what: string;
      if (opts.all) [items, what] = [await list(), 'silences'];
      else if (opts.expired) [items, what] = [await list('expired'), 'expired silences'];
      else {
        // Two lists, not one filtered here: a page of every silence could hold only expired ones.
        const [active, pending] = await Promise.all([list('active'), list('pending')]);
        [items, what] = [[...active, ...pending].sort(newestFirst), 'active or pending silences'];
      }
      ctx.print({ items }, () => renderSilences(items, what));
    });

  const silence = program
    .command('silence')
    .description('Add a silence (mute matching notifications for a while) or expire one');

  silence
    .command('add')
    .description(
      'Mute notifications whose labels match every --match, until --until or for --for; prints the id',
    )
    .option(
      '--match <matcher>',
      'label=value, label!=value, label=~regex or label!~regex (repeatable; all must match). ' +
        'Labels: event, severity, service, idc, endpoint, vantage, rule, action, kind, channel',
      collect,
    )
    .option('--for <duration>', 'how long, from the start: 30m, 2h, 1h30m')
    .option('--until <time>', 'when it ends: ISO 8601 with a zone, e.g. 2026-05-01T18:00:00Z')
    .option('--start <time>', 'when it starts (default now): ISO 8601 with a zone')
    .requiredOption('-c, --comment <text>', 'why, e.g. a change ticket (kept with the silence and audited)')
    .addHelpText(
      'after',
      "\nExample: vigil silence add --match idc=sha --match 'severity=~warn.*' --for 2h -c 'sha maintenance, CHG-1234'",
    )
    .action(async (opts: SilenceWindowArgs & { match?: string[]; comment: string }, cmd: Command) => {
      const texts = opts.match ?? [];
      if (texts.length === 0) throw new UsageError('a silence needs at least one --match <matcher>');
      const matchers = texts.map(parseMatcher);
      const window = silenceWindow(opts, Date.now());
      const ctx = context(cmd);
      const body = { matchers, ...window, comment: opts.comment };
      const created = await ctx.client
        .ok(ctx.client.api.POST('/api/v1/silences', { body }))
        .catch((err: unknown) => {
          if (!(err instanceof ApiError) || err.details.length === 0) throw err;
          throw new ApiError(err.message, err.status, annotateMatcherIssues(err.details, texts), err.body);
        });
      ctx.print(created, () => created.id);
    });

  silence
    .command('expire')
    .description('End a silence now: matching notifications are sent again')
    .argument('<id>', 'the silence id (the ID column of vigil silences)')
    .action(async (value: string, _opts: unknown, cmd: Command) => {
      const id = parseIdArg(value, 'silence id');
      const ctx = context(cmd);
      const expired = await ctx.client.ok(
        ctx.client.api.DELETE('/api/v1/silences/{id}', { params: { path: { id } } }),
      );
      ctx.print(expired, () => renderExpired(expired));
    });
}
