import type { VigilClient } from './client';

export type OutputFormat = 'text' | 'json' | 'yaml';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'yaml'];

/** What a command's action gets: the API client and how to print its answer. */
export interface Context {
  client: VigilClient;
  output: OutputFormat;
  /** Prints the API's JSON with `-o json` or `-o yaml`, else the text rendering. */
  print(json: unknown, text: () => string): void;
  /**
   * Prints one item of a stream (`vigil events --follow`): a line of text, one line of compact JSON
   * (NDJSON) or one YAML document, so that each item can be read as soon as it is printed.
   */
  printItem(json: unknown, text: () => string): void;
  /** Sets the exit code the CLI returns once the command is done (e.g. 3: `vigil plan` found changes). */
  exit(code: number): void;
  /** Aborts on Ctrl-C or SIGTERM (or when the caller of `run` aborts); `dispose` stops listening. */
  interrupt(): { signal: AbortSignal; dispose: () => void };
}
