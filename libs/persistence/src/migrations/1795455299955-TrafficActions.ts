import { MigrationInterface, QueryRunner } from 'typeorm';

export class TrafficActions1795455299955 implements MigrationInterface {
  name = 'TrafficActions1795455299955';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "actions" ("id" uuid NOT NULL, "service" text NOT NULL, "rule" text, "kind" text NOT NULL, "idc" text, "mode" text NOT NULL, "state" text NOT NULL, "reason" text NOT NULL, "plan" jsonb NOT NULL, "guardrails" jsonb NOT NULL DEFAULT '[]', "weights_before" jsonb NOT NULL, "steps_done" integer NOT NULL DEFAULT '0', "steps_total" integer NOT NULL DEFAULT '0', "decided_by" text, "fencing_token" bigint NOT NULL DEFAULT '0', "error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7bfb822f56be449c0b8adbf83cf" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_939d32e41329ed9a9f21b4bfdf" ON "actions"  ("state") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_787d92b68a1f4a8ca18112c4a4" ON "actions"  ("service", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "action_steps" ("action_id" uuid NOT NULL, "index" integer NOT NULL, "weights" jsonb NOT NULL, "idempotency_key" text NOT NULL, "state" text NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "result" jsonb, "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_037620ca1c27031bda714cacf90" PRIMARY KEY ("action_id", "index"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_e779aee0b0209ce05f4c75b951" ON "action_steps"  ("idempotency_key") `,
    );
    await queryRunner.query(
      `CREATE TABLE "freezes" ("id" uuid NOT NULL, "services" text array NOT NULL DEFAULT '{}', "idcs" text array NOT NULL DEFAULT '{}', "until" TIMESTAMP WITH TIME ZONE NOT NULL, "reason" text NOT NULL, "created_by" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "lifted_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_c5dd1d95d66750b41c92acfb105" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "service_traffic" ("service" text NOT NULL, "desired" jsonb NOT NULL, "applied" jsonb, "applied_at" TIMESTAMP WITH TIME ZONE, "override" jsonb, CONSTRAINT "PK_4af048895d8c45f812c6ff34864" PRIMARY KEY ("service"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "automation_settings" ("key" text NOT NULL, "value" jsonb NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2ca76ad43021958b4eda3013505" PRIMARY KEY ("key"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "automation_settings"`);
    await queryRunner.query(`DROP TABLE "service_traffic"`);
    await queryRunner.query(`DROP TABLE "freezes"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_e779aee0b0209ce05f4c75b951"`);
    await queryRunner.query(`DROP TABLE "action_steps"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_787d92b68a1f4a8ca18112c4a4"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_939d32e41329ed9a9f21b4bfdf"`);
    await queryRunner.query(`DROP TABLE "actions"`);
  }
}
