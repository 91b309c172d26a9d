import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { API_ROLES, type ApiRole } from '@libs/domain';

export class CreateSessionDto {
  /** An API key (vgl_...) of the viewer, operator or admin role; exchanged for the session cookie */
  @IsString({ message: 'expected an API key string' })
  @Length(1, 512, { message: 'expected an API key of 1 to 512 characters' })
  apiKey!: string;
}

export class SessionDto {
  /** The API key's name: the session acts as it (and the audit log names it) */
  name!: string;
  @ApiProperty({ enum: API_ROLES }) role!: ApiRole;
  /** When the session ends; null when the caller came with a bearer key instead of a session */
  @ApiProperty({ nullable: true, type: Date }) expiresAt!: Date | null;
  /** Session callers only: send it in X-CSRF-Token with every method but GET, HEAD and OPTIONS */
  @ApiPropertyOptional() csrfToken?: string;
}
