import { Injectable } from '@nestjs/common';

/** What a role's readiness check found: whether this process can do that role's work, and why. */
export interface ReadinessReport {
  up: boolean;
  detail: Record<string, unknown>;
}

/**
 * Checks that roles add to `/readyz` beside Postgres, Redis and migrations (the controller: is there
 * a leader). A check answers from what its role already knows, quickly, and never throws.
 */
@Injectable()
export class Readiness {
  private readonly checks = new Map<string, () => Promise<ReadinessReport> | ReadinessReport>();

  add(name: string, check: () => Promise<ReadinessReport> | ReadinessReport): void {
    this.checks.set(name, check);
  }

  entries(): ReadonlyArray<[string, () => Promise<ReadinessReport> | ReadinessReport]> {
    return [...this.checks];
  }
}
