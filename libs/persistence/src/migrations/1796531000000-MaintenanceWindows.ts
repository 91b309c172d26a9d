import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Maintenance windows (one-off or recurring, freezing and/or silencing a scope), and which window
 * silenced a notification.
 */
export class MaintenanceWindows1796531000000 implements MigrationInterface {
  name = 'MaintenanceWindows1796531000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "maintenance_windows" ("id" uuid NOT NULL, "version" integer NOT NULL DEFAULT '1', "reason" text NOT NULL, "kind" text NOT NULL, "rule" text, "timezone" text, "duration" text, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE, "until" TIMESTAMP WITH TIME ZONE, "services" text array NOT NULL DEFAULT '{}', "idcs" text array NOT NULL DEFAULT '{}', "labels" jsonb NOT NULL DEFAULT '{}', "freeze_automation" boolean NOT NULL, "silence_notifications" boolean NOT NULL, "created_by" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "cancelled_at" TIMESTAMP WITH TIME ZONE, "cancelled_by" text, CONSTRAINT "PK_c939ec0e19687a7d64b5e357d28" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_c34d79bccca144c853d214b366" ON "maintenance_windows"  ("cancelled_at") `,
    );
    await queryRunner.query(`ALTER TABLE "notifications" ADD "maintenance_window_id" uuid`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "notifications" DROP COLUMN "maintenance_window_id"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_c34d79bccca144c853d214b366"`);
    await queryRunner.query(`DROP TABLE "maintenance_windows"`);
  }
}
