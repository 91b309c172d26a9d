/** Why a delivery failed, and whether trying again later may succeed. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  /** Network error, timeout, 408, 425, 429 or 5xx: try again later. Otherwise the receiver refused. */
  readonly retryable: boolean;
  /** The HTTP status, when the receiver answered. */
  readonly status?: number;
  /** From the answer's `Retry-After` (seconds or HTTP date), when it had one. */
  readonly retryAfterMs?: number;
  /** `TIMEOUT`, the socket or undici error code (`ECONNREFUSED`, ...), or `INVALID_REQUEST`. */
  readonly code?: string;
  /**
   * What the receiver said is wrong (a Slack error word, an excerpt of PagerDuty's `message` and
   * `errors`), secrets cut out; also at the end of `message`.
   */
  readonly detail?: string;

  /** `message` must hold no secret: errors are logged and stored with the notification. */
  constructor(
    message: string,
    info: { retryable: boolean; status?: number; retryAfterMs?: number; code?: string; detail?: string },
  ) {
    super(message);
    this.retryable = info.retryable;
    if (info.status !== undefined) this.status = info.status;
    if (info.retryAfterMs !== undefined) this.retryAfterMs = info.retryAfterMs;
    if (info.code !== undefined) this.code = info.code;
    if (info.detail !== undefined) this.detail = info.detail;
  }
}
