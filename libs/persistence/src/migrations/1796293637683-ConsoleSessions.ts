import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `console_sessions`: the web console's sign-ins (a cookie exchanged for an API key), by the SHA-256
 * of their token; a key's sessions go with it (revoking deletes them, the FK cascades a deleted row).
 */
export class ConsoleSessions1796293637683 implements MigrationInterface {
  name = 'ConsoleSessions1796293637683';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "console_sessions" ("id" uuid NOT NULL, "token_hash" text NOT NULL, "api_key_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, "source_ip" text, CONSTRAINT "PK_15fe3f1740801e7a0581dea8d49" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "console_sessions_token_hash" ON "console_sessions"  ("token_hash") `,
    );
    await queryRunner.query(
      `CREATE INDEX "console_sessions_api_key_id" ON "console_sessions"  ("api_key_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "console_sessions_expires_at" ON "console_sessions"  ("expires_at") `,
    );
    await queryRunner.query(
      `ALTER TABLE "console_sessions" ADD CONSTRAINT "FK_12a52910c50ba4545cf58d8253f" FOREIGN KEY ("api_key_id") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "console_sessions" DROP CONSTRAINT "FK_12a52910c50ba4545cf58d8253f"`,
    );
    await queryRunner.query(`DROP INDEX "public"."console_sessions_expires_at"`);
    await queryRunner.query(`DROP INDEX "public"."console_sessions_api_key_id"`);
    await queryRunner.query(`DROP INDEX "public"."console_sessions_token_hash"`);
    await queryRunner.query(`DROP TABLE "console_sessions"`);
  }
}
