import type { LoggerService } from '@nestjs/common';
import { Gauge, type Registry } from 'prom-client';
import {
  isSealedForVantages,
  isWithheldSecret,
  openForVantage,
  openSecret,
  proberPrivateKey,
  type AnySecret,
  type Env,
  type SecretEnv,
} from '@libs/config';
import type { KeyObject } from 'node:crypto';

/**
 * Opens the secrets of the checks a prober compiles. A remote prober gets the config without its
 * master-sealed secrets (proberView): a secret sealed again for its vantage opens with its
 * VIGIL_PROBER_KEY; a withheld one cannot, so its check cannot run there: named in one log line
 * per config version and counted in `vigil_prober_withheld_secret_checks`, and its probe fails with
 * the same reason (compileProbe turns the throw into a failing probe).
 */
export class CheckSecrets {
  private withheld = new Set<string>();
  private readonly gauge: Gauge;
  private readonly key?: KeyObject;

  constructor(
    private readonly env: SecretEnv & Pick<Env, 'VIGIL_VANTAGE' | 'VIGIL_PROBER_KEY'>,
    private readonly source: Readonly<Record<string, string | undefined>>,
    private readonly logger: LoggerService,
    registry: Registry,
  ) {
    this.key = env.VIGIL_PROBER_KEY ? proberPrivateKey(env.VIGIL_PROBER_KEY) : undefined;
    this.gauge = new Gauge({
      name: 'vigil_prober_withheld_secret_checks',
      help: 'Checks of the current config this prober cannot run: a secret they need is sealed, and sealed secrets are not published to remote probers',
      registers: [registry],
    });
  }

  /** The plaintext of `secret` for check `<service>/<check>`; throws why not (never with a secret in it). */
  open(secret: AnySecret, check: string): string {
    if (isWithheldSecret(secret)) {
      this.withheld.add(check);
      throw new Error(
        `a secret sealed with the master key is never sent to remote probers: give it a secretRef to a ${this.env.VIGIL_SECRET_REF_PREFIX}* variable set in this prober's environment, or give the API this vantage's key (VIGIL_PROBER_KEYS)`,
      );
    }
    if ('encrypted' in secret && isSealedForVantages(secret.encrypted)) {
      if (!this.key || !this.env.VIGIL_VANTAGE)
        throw new Error("this secret is sealed for probers' keys: set VIGIL_PROBER_KEY (and VIGIL_VANTAGE)");
      return openForVantage(secret.encrypted, this.env.VIGIL_VANTAGE, this.key);
    }
    return openSecret(secret, this.env, this.source);
  }

  /** Compiles a config version with `compile`, then reports the checks whose secrets were withheld. */
  async compiling(version: number, compile: () => Promise<void>): Promise<void> {
    const before = this.withheld;
    this.withheld = new Set();
    try {
      await compile();
    } catch (err) {
      this.withheld = before;
      throw err;
    }
    this.gauge.set(this.withheld.size);
    for (const check of this.withheld)
      this.logger.warn(
        `config version ${version}: check ${check} cannot run on this remote prober: a secret it needs is sealed with the master key, which is never published to Redis; give it a secretRef, or the API this vantage's key (VIGIL_PROBER_KEYS)`,
      );
  }
}
