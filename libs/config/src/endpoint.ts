/** The parts of an endpoint that say where to probe. */
export interface EndpointTargetFields {
  url?: string;
  address?: string;
}

/** Where a probe connects: host and port, plus the scheme and URL when the endpoint has a url. */
export interface EndpointTarget {
  host: string;
  port: number;
  scheme?: 'http' | 'https';
  url?: URL;
}

const DEFAULT_PORTS = { http: 80, https: 443 } as const;

/**
 * Resolves an endpoint's url or address into host and port (IPv6 hosts without brackets).
 * Returns undefined when neither is set or the value cannot be parsed.
 */
export function endpointTarget(endpoint: EndpointTargetFields): EndpointTarget | undefined {
  if (endpoint.url !== undefined) return urlTarget(endpoint.url);
  if (endpoint.address !== undefined) return addressTarget(endpoint.address);
  return undefined;
}

function urlTarget(text: string): EndpointTarget | undefined {
  if (!URL.canParse(text)) return undefined;
  const url = new URL(text);
  const scheme = url.protocol === 'https:' ? 'https' : url.protocol === 'http:' ? 'http' : undefined;
  if (scheme === undefined) return undefined;
  const port = url.port === '' ? DEFAULT_PORTS[scheme] : Number(url.port);
  return { host: stripBrackets(url.hostname), port, scheme, url };
}

function addressTarget(text: string): EndpointTarget | undefined {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const port = Number(text.slice(colon + 1));
  if (!Number.isInteger(port)) return undefined;
  return { host: stripBrackets(text.slice(0, colon)), port };
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * The name an endpoint gets when it has none: its url's host[:port] or its address, lowercased, with
 * every run of characters other than a-z, 0-9, "." and "-" replaced by "-": `10.0.0.1:8080` -> `10.0.0.1-8080`.
 */
export function defaultEndpointName(endpoint: EndpointTargetFields): string {
  let source = endpoint.address ?? '';
  if (endpoint.url !== undefined)
    source = URL.canParse(endpoint.url) ? new URL(endpoint.url).host : endpoint.url;
  return source
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 253)
    .replace(/[-.]+$/, '');
}
