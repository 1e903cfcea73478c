/** Why an HTTP request to a source or a node gave no usable answer. */
export type HttpErrorType =
  /** The URL is not http(s) or cannot be parsed. */
  | 'BadUrl'
  /** The egress guard refused the address before any DNS query or connection. */
  | 'EgressDenied'
  /** No connection (refused, reset, name not resolved). */
  | 'Unreachable'
  /** The whole exchange did not finish within its deadline. */
  | 'Timeout'
  /** The body exceeded the size cap. */
  | 'TooLarge'
  /** The TLS handshake failed (unknown CA, wrong name, not TLS). */
  | 'TlsError'
  /** More redirects than allowed. */
  | 'TooManyRedirects'
  /** An answer the caller cannot use (status, body). */
  | 'BadResponse';

/** A failed request: data, never an exception. */
export interface HttpError {
  type: HttpErrorType;
  message: string;
}
