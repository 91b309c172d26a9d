/**
 * Reading untrusted JSON: every accessor checks a type and, when it is wrong, records an issue at a
 * path and returns undefined, so a parser reports every problem at once and never throws. Only own
 * properties are read (a body's "constructor" is not Object's), and only known fields are walked, so
 * the depth of unknown extras costs nothing.
 */
import { utf8Bytes } from './fingerprint';
import { parseRfc3339, ZERO_TIME_MS } from './time';
import { ALERT_LIMITS, type FieldIssue } from './types';

export type Path = ReadonlyArray<string | number>;
export type Json = Record<string, unknown>;

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** `alerts[2].labels.idc`, `labels["app.kubernetes.io/name"]`; the root is ''. */
export function formatPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment.length > 120 ? `${segment.slice(0, 120)}…` : segment)}]`;
  }
  return out;
}

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const own = (obj: Json, key: string): unknown => (Object.hasOwn(obj, key) ? obj[key] : undefined);

/** How a stored map of strings is bounded (ALERT_LIMITS): labels or annotations. */
export interface MapLimits {
  /** What its entries are called in messages. */
  noun: 'labels' | 'annotations';
  entries: number;
  /** UTF-8 bytes of one value. */
  valueBytes: number;
  /** UTF-8 bytes of all names and values together. */
  totalBytes: number;
}

export const LABEL_LIMITS: MapLimits = {
  noun: 'labels',
  entries: ALERT_LIMITS.labels,
  valueBytes: ALERT_LIMITS.labelValueBytes,
  totalBytes: ALERT_LIMITS.labelBytes,
};

export const ANNOTATION_LIMITS: MapLimits = {
  noun: 'annotations',
  entries: ALERT_LIMITS.annotations,
  valueBytes: ALERT_LIMITS.annotationBytes,
  totalBytes: ALERT_LIMITS.annotationBytes,
};

/** The message for a map over its total size. */
export const tooLarge = (limits: MapLimits) =>
  `larger than ${limits.totalBytes / 1024} KiB in all (names and values, UTF-8)`;

/** Whether Postgres can store a string (text and jsonb refuse NUL and unpaired surrogates). */
export function isStorable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0) return false;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1); // NaN past the end
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (code >= 0xdc00 && code <= 0xdfff) return false;
  }
  return true;
}

/** Whether a string has a control character (C0 or DEL). */
const hasControl = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
};
const NOT_STORABLE = 'contains a NUL character or an unpaired surrogate';

export class Reader {
  private readonly issues: FieldIssue[] = [];
  private dropped = 0;

  get failed(): boolean {
    return this.issues.length > 0;
  }

  issue(path: Path, message: string): undefined {
    if (this.issues.length < ALERT_LIMITS.issues) this.issues.push({ path: formatPath(path), message });
    else this.dropped++;
    return undefined;
  }

  /** The issues, with a last one counting those left out. */
  details(): FieldIssue[] {
    if (!this.dropped) return [...this.issues];
    return [...this.issues, { path: '', message: `and ${this.dropped} more problem(s) not listed` }];
  }

  object(value: unknown, path: Path): Json | undefined {
    return isObject(value) ? value : this.issue(path, 'expected an object');
  }

  /** A field that must be present. */
  required(obj: Json, key: string, path: Path): unknown {
    const value = own(obj, key);
    return value === undefined ? this.issue([...path, key], 'is required') : value;
  }

  /** A string field; absent is undefined without an issue unless `required`. */
  string(obj: Json, key: string, path: Path, required = false): string | undefined {
    const value = required ? this.required(obj, key, path) : own(obj, key);
    if (value === undefined || typeof value === 'string') return value;
    return this.issue([...path, key], 'expected a string');
  }

  /** A string field with one of `options`. */
  oneOf<T extends string>(
    obj: Json,
    key: string,
    path: Path,
    options: readonly T[],
    required = false,
  ): T | undefined {
    const value = this.string(obj, key, path, required);
    if (value === undefined || (options as readonly string[]).includes(value)) return value as T | undefined;
    return this.issue([...path, key], `expected ${options.map((o) => `"${o}"`).join(' or ')}`);
  }

  /** A whole number field (`truncatedAlerts`, `orgId`). */
  integer(obj: Json, key: string, path: Path, min = 0): number | undefined {
    const value = own(obj, key);
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return value;
    return this.issue([...path, key], `expected a whole number of at least ${min}`);
  }

  /**
   * A map of strings: labels or annotations. With `limits`, each name is 1 to ALERT_LIMITS.nameLength
   * characters and the count, each value and the whole map are bounded (what is stored); without,
   * only the types are checked.
   */
  stringMap(
    obj: Json,
    key: string,
    path: Path,
    required: boolean,
    limits: MapLimits | null,
  ): Json | undefined {
    const value = required ? this.required(obj, key, path) : own(obj, key);
    if (value === undefined) return undefined;
    const at = [...path, key];
    if (!isObject(value)) return this.issue(at, 'expected an object of strings');
    const entries = Object.entries(value);
    if (limits && entries.length > limits.entries) {
      return this.issue(at, `more than ${limits.entries} ${limits.noun}`);
    }
    const before = this.issues.length + this.dropped;
    let bytes = 0;
    for (const [name, v] of entries) {
      if (typeof v !== 'string') this.issue([...at, name], 'expected a string');
      else if (!limits) continue;
      else if (name.length === 0) this.issue(at, 'a name is empty');
      else if (!isStorable(name)) this.issue(at, `a name ${NOT_STORABLE}`);
      else if (name.length > ALERT_LIMITS.nameLength) {
        this.issue([...at, name], `name longer than ${ALERT_LIMITS.nameLength} characters`);
      } else if (!isStorable(v)) this.issue([...at, name], NOT_STORABLE);
      else {
        const size = utf8Bytes(v);
        if (size > limits.valueBytes) {
          this.issue([...at, name], `value longer than ${limits.valueBytes} bytes (UTF-8)`);
        }
        bytes += utf8Bytes(name) + size;
      }
    }
    if (this.issues.length + this.dropped !== before) return undefined;
    if (limits && bytes > limits.totalBytes) {
      return this.issue(at, `${tooLarge(limits)}: ${bytes} bytes`);
    }
    return value;
  }

  /** A map of numbers, or null (Grafana's `values`). */
  numberMap(obj: Json, key: string, path: Path): void {
    const value = own(obj, key);
    if (value === undefined || value === null) return;
    if (!isObject(value)) return void this.issue([...path, key], 'expected an object of numbers');
    for (const [name, v] of Object.entries(value)) {
      if (typeof v !== 'number') this.issue([...path, key, name], 'expected a number');
    }
  }

  /**
   * An RFC 3339 timestamp as epoch ms. Go's zero time is `null` where `zeroIsNull` (end times), and an
   * issue elsewhere; absent is undefined.
   */
  time(
    obj: Json,
    key: string,
    path: Path,
    required: boolean,
    zeroIsNull: boolean,
  ): number | null | undefined {
    const text = this.string(obj, key, path, required);
    if (text === undefined) return undefined;
    const ms = parseRfc3339(text);
    if (ms === null) {
      return this.issue([...path, key], 'expected an RFC 3339 timestamp such as 2030-01-02T03:04:05Z');
    }
    if (ms === ZERO_TIME_MS) {
      return zeroIsNull ? null : this.issue([...path, key], 'expected a time, not zero');
    }
    return ms;
  }

  /** An http(s) URL; '' or absent is null. */
  url(obj: Json, key: string, path: Path): string | null | undefined {
    const text = this.string(obj, key, path);
    if (text === undefined || text === '') return null;
    if (text.length > ALERT_LIMITS.urlLength) {
      return this.issue([...path, key], `longer than ${ALERT_LIMITS.urlLength} characters`);
    }
    // No spaces or control characters (nor anything Postgres cannot store).
    const ok = /^https?:\/\/\S+$/i.test(text) && !hasControl(text) && isStorable(text);
    return ok ? text : this.issue([...path, key], 'expected an http(s) URL');
  }
}
