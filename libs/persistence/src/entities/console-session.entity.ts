import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';

/**
 * A console sign-in: a browser's `vigil_session` cookie, exchanged for an API key, acting as that key.
 * Only the SHA-256 of the cookie's token is kept (the token is 256-bit random); revoking the key
 * deletes its sessions, and expired rows are deleted at the next sign-in.
 */
@Entity('console_sessions')
export class ConsoleSessionEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Index('console_sessions_token_hash', { unique: true })
  @Column('text', { name: 'token_hash' })
  tokenHash!: string;

  @Index('console_sessions_api_key_id')
  @Column('uuid', { name: 'api_key_id' })
  apiKeyId!: string;

  @ManyToOne(() => ApiKeyEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'api_key_id' })
  apiKey?: ApiKeyEntity;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Index('console_sessions_expires_at')
  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  /** Written at most once a minute, not on every request. */
  @Column('timestamptz', { name: 'last_seen_at' })
  lastSeenAt!: Date;

  @Column('text', { name: 'source_ip', nullable: true })
  sourceIp!: string | null;
}
