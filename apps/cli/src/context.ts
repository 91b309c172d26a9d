import type { VigilClient } from './client';

/** What a command's action gets: the API client and how to print its answer. */
export interface Context {
  client: VigilClient;
  output: 'text' | 'json';
  /** Prints the raw JSON with `-o json`, else the text rendering. */
  print(json: unknown, text: () => string): void;
}
