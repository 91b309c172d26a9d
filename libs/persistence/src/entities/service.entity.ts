import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Read view of a service of the current config version (secrets redacted in `spec`). */
@Entity('services')
export class ServiceEntity {
  @PrimaryColumn('text')
  name!: string;

  @Column('jsonb', { default: {} })
  labels!: Record<string, string>;

  /** checks, weights, trafficManager and policy as in the config file. */
  @Column('jsonb')
  spec!: object;

  @Column('int', { name: 'endpoint_count' })
  endpointCount!: number;

  @Column('int', { name: 'config_version' })
  configVersion!: number;
}
