/** A syntax problem in JSON text, at a 0-based character offset. */
export interface JsonSyntaxError {
  offset: number;
  message: string;
}

const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
// Control characters (U+0000-U+001F) are not allowed unescaped inside JSON strings.
// eslint-disable-next-line no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const MAX_DEPTH = 100;

/**
 * Finds the first syntax error of strict JSON text, or a duplicate object key (JSON.parse silently
 * keeps the last one; in a config that hides a mistake). Returns undefined when the text is fine.
 */
export function findJsonError(text: string): JsonSyntaxError | undefined {
  const scanner = new Scanner(text);
  try {
    scanner.value(0);
    scanner.skipSpace();
    if (scanner.pos < text.length) scanner.fail('unexpected text after the end of the JSON value');
    return undefined;
  } catch (err) {
    if (err instanceof ScanError) return { offset: err.offset, message: err.message };
    throw err;
  }
}

class ScanError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

class Scanner {
  pos = 0;
  constructor(private readonly text: string) {}

  value(depth: number): void {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    this.skipSpace();
    const char = this.text[this.pos];
    if (char === '{') return this.object(depth);
    if (char === '[') return this.array(depth);
    if (char === '"') return void this.string();
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.pos)) return void (this.pos += word.length);
    }
    if (this.match(NUMBER) === undefined) this.fail(`expected a value, found ${this.unexpected()}`);
  }

  private object(depth: number): void {
    this.pos++;
    const keys = new Set<string>();
    this.skipSpace();
    if (this.text[this.pos] === '}') return void this.pos++;
    for (;;) {
      this.skipSpace();
      const start = this.pos;
      if (this.text[this.pos] !== '"')
        this.fail(`expected a double-quoted property name, found ${this.unexpected()}`);
      const key = JSON.parse(this.string()) as string;
      if (keys.has(key)) this.fail(`duplicate key ${JSON.stringify(key)}`, start);
      keys.add(key);
      this.expect(':');
      this.value(depth + 1);
      if (this.endOf('}')) return;
    }
  }

  private array(depth: number): void {
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ']') return void this.pos++;
    for (;;) {
      this.value(depth + 1);
      if (this.endOf(']')) return;
    }
  }

  /** After an element: true at the closing bracket, false after a comma. */
  private endOf(close: string): boolean {
    this.skipSpace();
    const char = this.text[this.pos];
    if (char === close) {
      this.pos++;
      return true;
    }
    if (char !== ',') this.fail(`expected "," or "${close}", found ${this.unexpected()}`);
    this.pos++;
    return false;
  }

  private string(): string {
    const token = this.match(STRING);
    if (token === undefined) this.fail('unterminated or invalid string');
    return token;
  }

  private expect(char: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== char) this.fail(`expected "${char}", found ${this.unexpected()}`);
    this.pos++;
  }

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.pos;
    const found = pattern.exec(this.text);
    if (!found) return undefined;
    this.pos += found[0].length;
    return found[0];
  }

  skipSpace(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos])) this.pos++;
  }

  private unexpected(): string {
    return this.pos >= this.text.length ? 'the end of the text' : JSON.stringify(this.text[this.pos]);
  }

  fail(message: string, offset = this.pos): never {
    throw new ScanError(message, offset);
  }
}
