import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Endpoint drain and read-back: the endpoints a service has in drain and what a step puts there,
 * the endpoint a drain action is about, and the traffic manager's weights as last read back, with
 * the drift seen in them.
 */
export class TrafficReadBack1796400000000 implements MigrationInterface {
  name = 'TrafficReadBack1796400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "service_traffic" ADD "drained" text array NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE "service_traffic" ADD "actual" jsonb`);
    await queryRunner.query(`ALTER TABLE "service_traffic" ADD "drift" text`);
    await queryRunner.query(`ALTER TABLE "service_traffic" ADD "drift_since" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "action_steps" ADD "drained" text array`);
    await queryRunner.query(`ALTER TABLE "actions" ADD "endpoint" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "actions" DROP COLUMN "endpoint"`);
    await queryRunner.query(`ALTER TABLE "action_steps" DROP COLUMN "drained"`);
    await queryRunner.query(`ALTER TABLE "service_traffic" DROP COLUMN "drift_since"`);
    await queryRunner.query(`ALTER TABLE "service_traffic" DROP COLUMN "drift"`);
    await queryRunner.query(`ALTER TABLE "service_traffic" DROP COLUMN "actual"`);
    await queryRunner.query(`ALTER TABLE "service_traffic" DROP COLUMN "drained"`);
  }
}
