import { Counter, Gauge, type Registry } from 'prom-client';

/** How an action the controller recorded or carried out stands: its state when recorded, or how it ended. */
export type ActionOutcome =
  'executing' | 'awaiting-approval' | 'dry-run' | 'refused' | 'completed' | 'failed' | 'held';

/** The automation's Prometheus metrics: actions by outcome, and the freezes and maintenance windows in force (leader only). */
export class AutomationMetrics {
  private readonly actions: Counter<'kind' | 'outcome'>;

  /** `leading`, `activeFreezes` and `activeWindows` are called at each scrape. */
  constructor(
    registry: Registry,
    leading: () => boolean,
    activeFreezes: () => Promise<number>,
    activeWindows: () => Promise<number>,
  ) {
    const registers = [registry];
    this.actions = new Counter({
      name: 'vigil_actions_total',
      help: 'Actions recorded by the controller, by kind and outcome: the state it recorded them in (executing, awaiting-approval, dry-run, refused), then how execution ended (completed, failed, held)',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    leaderGauge(
      registry,
      'vigil_freezes_active',
      'Freezes in force now, which stop automatic actions (leader only)',
      leading,
      activeFreezes,
    );
    leaderGauge(
      registry,
      'vigil_maintenance_windows_active',
      'Maintenance windows in force now, whatever their scope and effects (leader only)',
      leading,
      activeWindows,
    );
  }

  action(kind: string, outcome: ActionOutcome): void {
    this.actions.inc({ kind, outcome });
  }
}

/** A gauge read at each scrape on the leader; no sample on a follower or when `read` fails. */
function leaderGauge(
  registry: Registry,
  name: string,
  help: string,
  leading: () => boolean,
  read: () => Promise<number>,
): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      const count = leading()
        ? await Promise.resolve()
            .then(read)
            .catch(() => undefined)
        : undefined;
      if (count !== undefined) return this.set(count);
      // A follower, or the database out of reach: no sample rather than a made-up 0.
      this.reset();
      this.remove();
    },
  });
}
