import { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795450415245 implements MigrationInterface {
  name = 'Initial1795450415245';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "api_keys" ("id" uuid NOT NULL, "name" text NOT NULL, "role" text NOT NULL, "prefix" text NOT NULL, "hash" text NOT NULL, "created_by" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "api_keys_name_active" ON "api_keys"  ("name") WHERE revoked_at IS NULL`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "api_keys_hash" ON "api_keys"  ("hash") `);
    await queryRunner.query(
      `CREATE TABLE "audit_log" ("id" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor" text NOT NULL, "action" text NOT NULL, "target" text NOT NULL, "source_ip" text, "summary" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_ba27cef5b8b2b1a756e06ebcc5" ON "audit_log"  ("at") `);
    await queryRunner.query(
      `CREATE TABLE "config_versions" ("version" integer NOT NULL, "author" text NOT NULL, "message" text, "document" jsonb NOT NULL, "plan" jsonb NOT NULL, "restored_from" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6b6c7e6bbe800f79b17991c31c1" PRIMARY KEY ("version"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "endpoints" ("id" text NOT NULL, "service" text NOT NULL, "name" text NOT NULL, "idc" text NOT NULL, "target" text NOT NULL, "capacity" double precision NOT NULL, "labels" jsonb NOT NULL DEFAULT '{}', "config_version" integer NOT NULL, CONSTRAINT "PK_70835610dfa54ad5d990e02f70a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_bf34018796cb96a37d82db5f85" ON "endpoints"  ("idc") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_2d04ab5eb8dc2144532e9c1bb3" ON "endpoints"  ("service", "idc") `,
    );
    await queryRunner.query(
      `CREATE TABLE "idcs" ("name" text NOT NULL, "region" text, "capacity" double precision NOT NULL, "labels" jsonb NOT NULL DEFAULT '{}', "config_version" integer NOT NULL, CONSTRAINT "PK_cc91a7c082de80e936a69156300" PRIMARY KEY ("name"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "services" ("name" text NOT NULL, "labels" jsonb NOT NULL DEFAULT '{}', "spec" jsonb NOT NULL, "endpoint_count" integer NOT NULL, "config_version" integer NOT NULL, CONSTRAINT "PK_019d74f7abcdcb5a0113010cb03" PRIMARY KEY ("name"))`,
    );
    // The audit log is append-only for everyone, the application included.
    await queryRunner.query(
      `CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON "audit_log" FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "services"`);
    await queryRunner.query(`DROP TABLE "idcs"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_2d04ab5eb8dc2144532e9c1bb3"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_bf34018796cb96a37d82db5f85"`);
    await queryRunner.query(`DROP TABLE "endpoints"`);
    await queryRunner.query(`DROP TABLE "config_versions"`);
    await queryRunner.query(`DROP TRIGGER audit_log_append_only ON "audit_log"`);
    await queryRunner.query(`DROP FUNCTION audit_log_append_only()`);
    await queryRunner.query(`DROP INDEX "public"."IDX_ba27cef5b8b2b1a756e06ebcc5"`);
    await queryRunner.query(`DROP TABLE "audit_log"`);
    await queryRunner.query(`DROP INDEX "public"."api_keys_hash"`);
    await queryRunner.query(`DROP INDEX "public"."api_keys_name_active"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
  }
}
