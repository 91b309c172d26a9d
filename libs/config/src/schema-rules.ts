import { z } from 'zod';
import { durationSchema, labelsSchema, nameSchema, weightsSchema } from './schema-primitives';

export const RULE_MODES = ['enforce', 'approval', 'dry-run'] as const;

const actionSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('shift-away') }).describe('Shift traffic away from the affected IDC.'),
    z.strictObject({ type: z.literal('drain-endpoint') }).describe('Drain the affected endpoint.'),
    z
      .strictObject({ type: z.literal('set-weights'), weights: weightsSchema })
      .describe('Set the weights of the affected services to these values.'),
    z
      .strictObject({
        type: z.literal('notify'),
        channels: z.array(nameSchema('Channel')).min(1).describe('Channel names.'),
      })
      .describe('Send a notification to these channels.'),
  ])
  .describe('An action the rule takes when it fires.');

/** A rule: when a CEL condition has held for `for`, take the actions (subject to mode and guardrails). */
export const ruleSchema = z
  .strictObject({
    name: nameSchema('Rule'),
    description: z.string().max(1024).optional(),
    when: z
      .string()
      .max(4096, { error: 'must be at most 4096 characters' })
      .refine((text) => text.trim() !== '', { error: 'must not be empty' })
      .describe('CEL condition over facts, e.g. idc.state == "UNHEALTHY".'),
    for: durationSchema('How long the condition must hold before the rule fires. Default 0s.').default('0s'),
    priority: z.int().default(0).describe('Higher runs first. Default 0.'),
    cooldown: durationSchema('Minimum time between two firings. Default 5m.').default('5m'),
    mode: z
      .enum(RULE_MODES)
      .default('approval')
      .describe('enforce: act; approval: wait for an operator (default); dry-run: only record.'),
    scope: z
      .strictObject({
        services: z.array(nameSchema('Service')).min(1).optional(),
        idcs: z.array(nameSchema('IDC')).min(1).optional(),
        labels: labelsSchema.optional(),
      })
      .optional()
      .describe('Limits the rule to these services, IDCs and labels. Default: everything.'),
    actions: z.array(actionSchema).min(1).describe('At least one action.'),
  })
  .describe('A rule of the rules engine.');
