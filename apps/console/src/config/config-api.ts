import { api, ApiError, errorMessage, ok, type Schema } from '../api';

export type ApplyResult = Schema<'ApplyResultDto'>;

/** The current config as YAML and its version (the ETag); version 0 and no text before the first apply. */
export interface CurrentConfig {
  version: number;
  text: string;
}

/** `"3"`, `W/"3"` or `3` → 3; null when the header is missing or unreadable. */
export function versionOfEtag(etag: string | null): number | null {
  const match = etag ? /^(?:W\/)?"?(\d+)"?$/.exec(etag.trim()) : null;
  return match ? Number(match[1]) : null;
}

export async function fetchCurrentConfig(): Promise<CurrentConfig> {
  const { data, error, response } = await api.GET('/api/v1/config', {
    headers: { Accept: 'application/yaml' },
    parseAs: 'text',
    cache: 'no-store',
  });
  if (response.status === 404) return { version: 0, text: '' };
  if (!response.ok) {
    const body = parseJson(error);
    throw new ApiError(
      response.status,
      errorMessage(body, `${response.status} ${response.statusText}`),
      body,
    );
  }
  return { version: versionOfEtag(response.headers.get('ETag')) ?? 0, text: String(data ?? '') };
}

/** Error bodies arrive as text when the request asked for text. */
function parseJson(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return { message: body };
  }
}

export function fetchConfigSchema(): Promise<object> {
  return ok(api.GET('/api/v1/config/schema'));
}

/** PUT /config with the YAML text: a plan (`dryRun`) or a new version, only if `baseVersion` is current. */
export function putConfig(
  text: string,
  options: { dryRun: boolean; baseVersion: number; message?: string },
): Promise<ApplyResult> {
  return ok(
    api.PUT('/api/v1/config', {
      params: {
        query: { dryRun: options.dryRun, ...(options.message ? { message: options.message } : {}) },
        header: { 'If-Match': `"${options.baseVersion}"` },
      },
      // The body is the YAML text itself, sent as is.
      body: text as unknown as Schema<'VigilConfig'>,
      bodySerializer: (body: unknown) => body as string,
      headers: { 'Content-Type': 'application/yaml' },
    }),
  );
}

export function restoreVersion(n: number, headVersion: number, message?: string): Promise<ApplyResult> {
  return ok(
    api.POST('/api/v1/config/versions/{n}/restore', {
      params: {
        path: { n },
        query: message ? { message } : {},
        header: { 'If-Match': `"${headVersion}"` },
      },
    }),
  );
}

/** Whether an error is the server refusing a stale If-Match (409 here; 412 is the HTTP classic). */
export function isConflict(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 409 || error.status === 412);
}
