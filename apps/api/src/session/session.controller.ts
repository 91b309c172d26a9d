import { Body, Controller, Delete, ForbiddenException, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { stringifySetCookie } from 'cookie';
import type { Request, Response } from 'express';
import {
  AuditSource,
  AuthService,
  ConsoleSessionService,
  MinRole,
  Public,
  sameHost,
  SESSION_COOKIE,
  sessionTokenOf,
  type AuditActor,
  type VigilRequest,
} from '@libs/runtime';
import { CreateSessionDto, SessionDto } from './session.dto';

/** The session cookie: HttpOnly (scripts never see it), same-site only, Secure over TLS. */
function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return stringifySetCookie(SESSION_COOKIE, value, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    maxAge: maxAgeSeconds,
    secure,
  });
}

/** The caller as the console sees it; the CSRF token only for a session (bearer keys need none). */
function viewOf(req: VigilRequest): SessionDto {
  const credential = req.credential;
  if (!credential || !('principal' in credential)) throw new Error('session route without a caller');
  const { name, role } = credential.principal;
  if (credential.via !== 'session') return { name, role, expiresAt: null };
  return { name, role, expiresAt: credential.session.expiresAt, csrfToken: credential.session.csrfToken };
}

/**
 * Console sign-in and sign-out: an API key is exchanged for the `vigil_session` cookie, which then
 * authenticates like the key (writes also need X-CSRF-Token); see ConsoleSessionService.
 */
@ApiTags('session')
@Controller('session')
export class SessionController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: ConsoleSessionService,
  ) {}

  @Post()
  @Public()
  @ApiOperation({
    summary: 'Sign in to the console: exchange an API key for the vigil_session cookie',
    description:
      'Sets `vigil_session` (HttpOnly, SameSite=Strict, Path=/, Max-Age=VIGIL_SESSION_TTL, Secure over ' +
      'TLS). A bad key counts as a failed authentication like a bearer key.',
  })
  @ApiCreatedResponse({ type: SessionDto })
  @ApiUnauthorizedResponse({ description: 'Unknown or revoked API key' })
  @ApiForbiddenResponse({
    description: 'A webhook key or the bootstrap admin token (no console), or a cross-site Origin',
  })
  @ApiTooManyRequestsResponse({
    description: 'Too many failed authentications from this address; retry after `Retry-After` seconds',
  })
  async create(
    @Body() body: CreateSessionDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionDto> {
    const origin = req.headers.origin;
    if (origin !== undefined && !sameHost(origin, req.host)) {
      throw new ForbiddenException('a sign-in must come from the console itself (Origin is another site)');
    }
    const principal = await this.auth.authenticateKey(req as VigilRequest, body.apiKey);
    // The browser's old cookie, if any, is replaced: its session ends with this sign-in.
    const { token, session } = await this.sessions.start(principal, req.ip ?? null, sessionTokenOf(req));
    res.setHeader('Set-Cookie', sessionCookie(token, Math.floor(this.sessions.ttlMs / 1000), req.secure));
    return {
      name: principal.name,
      role: principal.role,
      expiresAt: session.expiresAt,
      csrfToken: session.csrfToken,
    };
  }

  @Get()
  @MinRole('viewer')
  @ApiOperation({ summary: 'Who the caller is: its session (or bearer key), role and expiry' })
  @ApiOkResponse({ type: SessionDto })
  get(@Req() req: Request): SessionDto {
    return viewOf(req as VigilRequest);
  }

  @Delete()
  @MinRole('viewer')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Sign out: end the session and clear its cookie (needs X-CSRF-Token; a bearer key has none to end)',
  })
  @ApiNoContentResponse({ description: 'Signed out' })
  async remove(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @AuditSource() source: AuditActor,
  ): Promise<void> {
    const credential = (req as VigilRequest).credential;
    if (credential && 'principal' in credential && credential.via === 'session') {
      await this.sessions.end(credential.session.id, source);
    }
    res.setHeader('Set-Cookie', sessionCookie('', 0, req.secure));
  }
}
