import { MigrationInterface, QueryRunner } from 'typeorm';

export class Notifications1795464818363 implements MigrationInterface {
  name = 'Notifications1795464818363';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "alerts" ("fingerprint" text NOT NULL, "source" text NOT NULL, "name" text NOT NULL, "status" text NOT NULL, "labels" jsonb NOT NULL, "annotations" jsonb NOT NULL, "service" text, "idc" text, "endpoint" text, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE, "generator_url" text, "received_count" integer NOT NULL DEFAULT '1', "first_received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e882cf52bf0ff3759438cd030e6" PRIMARY KEY ("fingerprint"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_db2f8516e5379beaf408418839" ON "alerts"  ("status", "updated_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "notifications" ("id" uuid NOT NULL, "dedup_key" text NOT NULL, "incident_key" text NOT NULL, "event" text NOT NULL, "phase" text NOT NULL, "severity" text NOT NULL, "channel" text NOT NULL, "title" text NOT NULL, "text" text NOT NULL, "labels" jsonb NOT NULL, "details" jsonb NOT NULL DEFAULT '{}', "state" text NOT NULL, "silence_id" uuid, "attempts" integer NOT NULL DEFAULT '0', "last_error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "delivered_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_6a72c3c0f683f6462415e653c3a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_4b9358d8a649bfbd1aac36de71" ON "notifications"  ("dedup_key") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_1bb35211f6ca2f06d3d91097aa" ON "notifications"  ("incident_key") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_77ee7b06d6f802000c0846f3a5" ON "notifications"  ("created_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_19044f16d300e72432c9054e95" ON "notifications"  ("state", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "silences" ("id" uuid NOT NULL, "matchers" jsonb NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "comment" text NOT NULL, "created_by" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b4439bdeda8c2240b661f157884" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_70ac70d901f5cb48f59ae8f646" ON "silences"  ("ends_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_56d8618010736306a6f197df51" ON "actions"  ("updated_at") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_56d8618010736306a6f197df51"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_70ac70d901f5cb48f59ae8f646"`);
    await queryRunner.query(`DROP TABLE "silences"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_19044f16d300e72432c9054e95"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_77ee7b06d6f802000c0846f3a5"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_1bb35211f6ca2f06d3d91097aa"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_4b9358d8a649bfbd1aac36de71"`);
    await queryRunner.query(`DROP TABLE "notifications"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_db2f8516e5379beaf408418839"`);
    await queryRunner.query(`DROP TABLE "alerts"`);
  }
}
