import { MigrationInterface, QueryRunner } from 'typeorm';

export class StepFencing1796225496538 implements MigrationInterface {
  name = 'StepFencing1796225496538';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "action_steps" ADD "fencing_token" bigint NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "service_traffic" ADD "fencing_token" bigint NOT NULL DEFAULT '0'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "service_traffic" DROP COLUMN "fencing_token"`);
    await queryRunner.query(`ALTER TABLE "action_steps" DROP COLUMN "fencing_token"`);
  }
}
