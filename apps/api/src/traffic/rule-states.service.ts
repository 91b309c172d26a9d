import { Injectable } from '@nestjs/common';
import { parseDuration } from '@libs/config';
import { readRuleBook, ruleLiveStates } from '@libs/domain';
import type { RuleStateListDto, RuleTargetStateDto } from './rule-states.dto';
import { RuleStatesStore, type StoredRule } from './rule-states.store';

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

/** Duration text of a stored rule, with the schema's default when an older document lacks it. */
function durationMs(text: string | undefined, fallback: string): number {
  try {
    return parseDuration(text ?? fallback);
  } catch {
    return parseDuration(fallback);
  }
}

/** The rules of the current config with their live state from the leader's rule book. */
@Injectable()
export class RuleStatesService {
  constructor(private readonly store: RuleStatesStore) {}

  async list(now = Date.now()): Promise<RuleStateListDto> {
    const [config, text] = await Promise.all([this.store.currentRules(), this.store.book()]);
    const rules: StoredRule[] = config?.rules ?? [];
    const { book, savedAt } = readRuleBook(text, now);
    const live = ruleLiveStates(
      book,
      rules.map((r) => ({ name: r.name, cooldownMs: durationMs(r.cooldown, '5m') })),
      now,
    );
    return {
      now: new Date(now),
      configVersion: config?.version ?? null,
      bookSavedAt: date(savedAt),
      rules: rules.map((rule, i) => ({
        name: rule.name,
        ...(rule.description ? { description: rule.description } : {}),
        when: rule.when,
        for: rule.for ?? '0s',
        cooldown: rule.cooldown ?? '5m',
        priority: rule.priority ?? 0,
        mode: rule.mode ?? 'approval',
        actions: (rule.actions ?? []).map((a) => a.type),
        state: live[i].state,
        disabledAt: date(live[i].disabledAt),
        targets: live[i].targets.map((t): RuleTargetStateDto => ({
          service: t.service,
          idc: t.idc,
          ...(t.endpoint ? { endpoint: t.endpoint } : {}),
          state: t.state,
          pendingSince: date(t.pendingSince),
          lastFiredAt: date(t.lastFiredAt),
          cooldownUntil: date(t.cooldownUntil),
          cooldownLeftMs: t.cooldownLeftMs,
        })),
      })),
    };
  }
}
