/**
 * Parses the Python literals that Ultralytics (and some Deepness models) write as metadata values,
 * e.g. `{0: 'car', 1: 'truck'}`, `[640, 640]`, `True`. Dicts become Maps so integer keys survive.
 */
export type PyValue = string | number | boolean | null | PyValue[] | Map<string | number, PyValue>;

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

class Parser {
  private pos = 0;
  constructor(private readonly s: string) {}

  parseAll(): PyValue {
    const v = this.value();
    this.ws();
    if (this.pos !== this.s.length) throw new Error(`unexpected '${this.s[this.pos]}' at ${this.pos}`);
    return v;
  }

  private ws(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos])) this.pos++;
  }

  private value(): PyValue {
    this.ws();
    const c = this.s[this.pos];
    if (c === '{') return this.dict();
    if (c === '[' || c === '(') return this.list(c === '[' ? ']' : ')');
    if (c === "'" || c === '"') return this.str(c);
    const word = /^(True|False|None|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/.exec(this.s.slice(this.pos));
    if (!word) throw new Error(`unexpected '${c ?? 'end'}' at ${this.pos}`);
    this.pos += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    return Number(word[0]);
  }

  private expect(ch: string): void {
    this.ws();
    if (this.s[this.pos] !== ch) throw new Error(`expected '${ch}' at ${this.pos}`);
    this.pos++;
  }

  /** True when the next non-space character closes the container (after an optional comma). */
  private closes(close: string, first: boolean): boolean {
    this.ws();
    if (this.s[this.pos] === close) {
      this.pos++;
      return true;
    }
    if (!first) {
      this.expect(',');
      this.ws();
      if (this.s[this.pos] === close) {
        this.pos++;
        return true;
      }
    }
    return false;
  }

  private dict(): Map<string | number, PyValue> {
    this.pos++;
    const out = new Map<string | number, PyValue>();
    for (let first = true; !this.closes('}', first); first = false) {
      const k = this.value();
      if (typeof k !== 'string' && typeof k !== 'number') throw new Error(`unsupported dict key at ${this.pos}`);
      this.expect(':');
      out.set(k, this.value());
    }
    return out;
  }

  private list(close: string): PyValue[] {
    this.pos++;
    const out: PyValue[] = [];
    for (let first = true; !this.closes(close, first); first = false) out.push(this.value());
    return out;
  }

  private str(quote: string): string {
    let out = '';
    this.pos++;
    while (this.pos < this.s.length) {
      const c = this.s[this.pos++];
      if (c === quote) return out;
      if (c === '\\') {
        const e = this.s[this.pos++];
        out += ESCAPES[e] ?? `\\${e}`;
      } else out += c;
    }
    throw new Error('unterminated string');
  }
}

/** Parses one Python literal; throws an Error naming the position of the first problem. */
export function parsePyLiteral(text: string): PyValue {
  return new Parser(text).parseAll();
}
