import type { Notice } from '@libs/domain';

/** Links into the web console (VIGIL_EXTERNAL_URL) for one notice. */
export interface ConsoleLinks {
  /**
   * The page of the notice's most specific subject: its action, else its endpoint, else its service
   * for a traffic drift (where the weights in force are shown), else its incident.
   */
  console: string;
  /** `<url>/actions/<id>`: action notices (an approval request links straight to its action). */
  action?: string;
  /** `<url>/endpoints/<endpoint id>`: a transition of one endpoint. */
  endpoint?: string;
  /** `<url>/incidents/<incident key>`: notices that are about neither an action nor one endpoint. */
  incident?: string;
  /** `<url>/services/<service>`: every notice about a service. */
  service?: string;
}

/**
 * The console pages of `notice` under `baseUrl` (no trailing slash, as VIGIL_EXTERNAL_URL is read),
 * or undefined when `baseUrl` is unset: then nothing about the bodies changes. Path segments are
 * percent-encoded (an endpoint id has a dot, an incident key slashes). Pure.
 */
export function consoleLinks(baseUrl: string | undefined, notice: Notice): ConsoleLinks | undefined {
  if (!baseUrl) return undefined;
  const page = (kind: string, id: string) => `${baseUrl}/${kind}/${encodeURIComponent(id)}`;
  const { action, endpoint, service } = notice.labels;
  const service_ = service === undefined ? {} : { service: page('services', service) };
  if (action !== undefined) {
    const link = page('actions', action);
    return { console: link, action: link, ...service_ };
  }
  if (notice.event === 'endpoint.state' && endpoint !== undefined) {
    const link = page('endpoints', endpoint);
    return { console: link, endpoint: link, ...service_ };
  }
  if (notice.event === 'traffic.drift' && service_.service !== undefined) {
    return { console: service_.service, ...service_ };
  }
  const link = page('incidents', notice.incidentKey);
  return { console: link, incident: link, ...service_ };
}
