import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `alerts.change_xid`: the transaction that last wrote the row, set by a trigger on every insert and
 * update (webhooks, expiry, anything else), so the leader reads only the alerts changed since it last
 * looked (see AlertFacts). A transaction id, not a time: now() is when a transaction began, not when
 * it committed, so a time cursor skips a slow transaction's rows. Rows from before are 0: the leader
 * reads every firing alert once when it takes over. Also an index for the expiry of firing alerts
 * by `ends_at`, which otherwise reads every firing row each second.
 */
export class AlertChanges1796226000000 implements MigrationInterface {
  name = 'AlertChanges1796226000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "alerts" ADD "change_xid" bigint NOT NULL DEFAULT '0'`);
    await queryRunner.query(
      `CREATE FUNCTION "alerts_stamp_change"() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         NEW.change_xid := pg_current_xact_id()::text::bigint;
         RETURN NEW;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "alerts_stamp_change" BEFORE INSERT OR UPDATE ON "alerts"
       FOR EACH ROW EXECUTE FUNCTION "alerts_stamp_change"()`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_1cc4fbf8c2dec3949aec1811b3" ON "alerts" ("change_xid") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_1f9319165dfd2f2c68d057e122" ON "alerts" ("ends_at") WHERE "status" = 'firing'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_1f9319165dfd2f2c68d057e122"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_1cc4fbf8c2dec3949aec1811b3"`);
    await queryRunner.query(`DROP TRIGGER "alerts_stamp_change" ON "alerts"`);
    await queryRunner.query(`DROP FUNCTION "alerts_stamp_change"()`);
    await queryRunner.query(`ALTER TABLE "alerts" DROP COLUMN "change_xid"`);
  }
}
