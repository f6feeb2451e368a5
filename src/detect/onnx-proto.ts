/**
 * Just enough of the protobuf wire format to read an ONNX ModelProto's header and its
 * `metadata_props`, which onnxruntime-node does not expose. Every other field is stepped over by
 * its length, so a large graph costs nothing to skip.
 */

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

// ModelProto field numbers (onnx.proto3).
const MODEL_IR_VERSION = 1;
const MODEL_GRAPH = 7;
const MODEL_METADATA_PROPS = 14;
// StringStringEntryProto.
const ENTRY_KEY = 1;
const ENTRY_VALUE = 2;

export interface OnnxHeader {
  irVersion: number;
  /** metadata_props as key → value; a later duplicate key wins. */
  metadata: Record<string, string>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

class Reader {
  private pos: number;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** Field number and wire type of the next field. */
  tag(): [field: number, wire: number] {
    const t = this.varint();
    return [Math.floor(t / 8), t % 8];
  }

  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    throw new Error('varint longer than 10 bytes');
  }

  /** A reader over the payload of the length-delimited field at the cursor; moves past it. */
  nested(): Reader {
    const len = this.varint();
    const start = this.pos;
    if (start + len > this.end) throw new Error('a field runs past the end of its message');
    this.pos = start + len;
    return new Reader(this.buf, start, this.pos);
  }

  string(): string {
    const r = this.nested();
    return utf8.decode(this.buf.subarray(r.pos, r.end));
  }

  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.varint();
    else if (wire === WIRE_LEN) this.nested();
    else if (wire === WIRE_I64 || wire === WIRE_I32) {
      const n = wire === WIRE_I64 ? 8 : 4;
      if (this.pos + n > this.end) throw new Error('a fixed-width field runs past the end');
      this.pos += n;
    } else throw new Error(`invalid wire type ${wire}`);
  }
}

function readEntry(r: Reader): [string, string] {
  let key = '';
  let value = '';
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field === ENTRY_KEY && wire === WIRE_LEN) key = r.string();
    else if (field === ENTRY_VALUE && wire === WIRE_LEN) value = r.string();
    else r.skip(wire);
  }
  return [key, value];
}

/**
 * Reads an ONNX file's IR version and metadata. Throws an Error saying what is wrong when the
 * bytes are not a ModelProto with a graph, so random or truncated files are told apart from models.
 */
export function readOnnxHeader(bytes: Uint8Array): OnnxHeader {
  const r = new Reader(bytes);
  let irVersion = 0;
  let hasGraph = false;
  const metadata: Record<string, string> = {};
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field === 0) throw new Error('field number 0');
    if (field === MODEL_IR_VERSION) {
      if (wire !== WIRE_VARINT) throw new Error('ir_version is not a varint');
      irVersion = r.varint();
    } else if (field === MODEL_GRAPH) {
      if (wire !== WIRE_LEN) throw new Error('graph is not a message');
      r.nested();
      hasGraph = true;
    } else if (field === MODEL_METADATA_PROPS) {
      if (wire !== WIRE_LEN) throw new Error('metadata_props is not a message');
      const [k, v] = readEntry(r.nested());
      metadata[k] = v;
    } else r.skip(wire);
  }
  if (irVersion === 0) throw new Error('no ir_version');
  if (!hasGraph) throw new Error('no graph');
  return { irVersion, metadata };
}
