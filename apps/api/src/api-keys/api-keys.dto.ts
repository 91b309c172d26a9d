import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';
import { KEY_ROLES, type ApiRole } from '@libs/domain';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'ci-deployer', description: 'Unique among active keys; shown in the audit log' })
  @Matches(/^[a-z0-9][-a-z0-9_.]{0,62}$/, {
    message: 'expected 1-63 lowercase letters, digits, "-", "_" or "."',
  })
  name!: string;

  @ApiProperty({ enum: KEY_ROLES })
  @IsIn(KEY_ROLES, { message: `expected one of ${KEY_ROLES.join(', ')}` })
  role!: ApiRole;
}

export class ApiKeyDto {
  id!: string;
  name!: string;
  @ApiProperty({ enum: KEY_ROLES }) role!: ApiRole;
  /** The first characters of the token */
  prefix!: string;
  createdBy!: string;
  createdAt!: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) lastUsedAt!: Date | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  /** The key itself; shown once, store it now */
  token!: string;
}
