import { MigrationInterface, QueryRunner } from 'typeorm';

export class HealthHistory1795453467834 implements MigrationInterface {
  name = 'HealthHistory1795453467834';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "endpoint_rollups" ("endpoint" text NOT NULL, "minute" TIMESTAMP WITH TIME ZONE NOT NULL, "service" text NOT NULL, "idc" text NOT NULL, "count" integer NOT NULL, "failures" integer NOT NULL, "latency_p50" real NOT NULL, "latency_p95" real NOT NULL, "latency_p99" real NOT NULL, CONSTRAINT "PK_a7427f56779bd921b5ebf443b5d" PRIMARY KEY ("endpoint", "minute"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_242ac0b8fa9c0043901d1c31f9" ON "endpoint_rollups"  ("service", "idc", "minute") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_b60603952580fc020a264e2751" ON "endpoint_rollups"  ("minute") `,
    );
    await queryRunner.query(
      `CREATE TABLE "health_events" ("id" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "kind" text NOT NULL, "service" text, "idc" text, "endpoint" text, "vantage" text, "before" text NOT NULL, "after" text NOT NULL, "reason" text NOT NULL, "details" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "PK_f374289cf02fed7cd2b2419f773" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_16bb3b73a2f3060aff7f3f1b22" ON "health_events"  ("service", "idc", "at") `,
    );
    await queryRunner.query(`CREATE INDEX "IDX_b45dfc47a1c1c7221f20522d41" ON "health_events"  ("at") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_b45dfc47a1c1c7221f20522d41"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_16bb3b73a2f3060aff7f3f1b22"`);
    await queryRunner.query(`DROP TABLE "health_events"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_b60603952580fc020a264e2751"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_242ac0b8fa9c0043901d1c31f9"`);
    await queryRunner.query(`DROP TABLE "endpoint_rollups"`);
  }
}
