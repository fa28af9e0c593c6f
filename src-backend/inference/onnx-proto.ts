// Minimal protobuf reader for the parts of an ONNX ModelProto the contract validator needs: opset,
// metadata_props and the graph's input/output value infos. Field numbers from onnx/onnx.proto.
// Tensor data is skipped without copying (only each tensor's name and data_location are read, to
// find tensors stored in external files), so a multi-MB model parses in microseconds.

export interface OnnxDim {
  value?: number;
  param?: string;
}
export interface OnnxValueInfo {
  name: string;
  elemType: number | null;
  dims: OnnxDim[] | null;
}
export interface OnnxModelHeader {
  irVersion: number;
  producerName: string;
  opsets: Array<{ domain: string; version: number }>;
  metadata: Map<string, string>;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  initializerNames: Set<string>;
  /** Tensors (initializers, Constant attributes, sparse values, in subgraphs too) whose bytes live
   * in an external file (TensorProto.data_location = EXTERNAL or external_data entries). */
  externalTensors: string[];
}

/** TensorProto.DataType numbers → names used in problems and by onnxruntime-node. */
export const ONNX_DTYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};

export class OnnxParseError extends Error {}

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;
const utf8 = new TextDecoder('utf-8', { fatal: false });

class Reader {
  pos: number;
  readonly buf: Uint8Array;
  readonly end: number;
  constructor(buf: Uint8Array, start: number, end: number) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }
  done(): boolean {
    return this.pos >= this.end;
  }
  varint(): number {
    // Values above 2^53 lose precision; no field we read gets near that.
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new OnnxParseError('truncated varint');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    throw new OnnxParseError('varint longer than 10 bytes');
  }
  /** Next field as [fieldNumber, wireType]. */
  tag(): [number, number] {
    const t = this.varint();
    return [Math.floor(t / 8), t & 7];
  }
  sub(): Reader {
    const len = this.varint();
    if (this.pos + len > this.end) throw new OnnxParseError(`field of ${len} bytes runs past the end of its message`);
    const r = new Reader(this.buf, this.pos, this.pos + len);
    this.pos += len;
    return r;
  }
  string(): string {
    const r = this.sub();
    return utf8.decode(this.buf.subarray(r.pos, r.end));
  }
  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.varint();
    else if (wire === WIRE_I64) this.pos += 8;
    else if (wire === WIRE_I32) this.pos += 4;
    else if (wire === WIRE_LEN) this.sub();
    else throw new OnnxParseError(`unsupported wire type ${wire}`);
    if (this.pos > this.end) throw new OnnxParseError('field runs past the end of its message');
  }
}

function readDim(r: Reader): OnnxDim {
  const d: OnnxDim = {};
  while (!r.done()) {
    const [f, w] = r.tag();
    if (f === 1 && w === WIRE_VARINT) d.value = r.varint();
    else if (f === 2 && w === WIRE_LEN) d.param = r.string();
    else r.skip(w);
  }
  return d;
}

function readValueInfo(r: Reader): OnnxValueInfo {
  const vi: OnnxValueInfo = { name: '', elemType: null, dims: null };
  while (!r.done()) {
    const [f, w] = r.tag();
    if (f === 1 && w === WIRE_LEN) vi.name = r.string();
    else if (f === 2 && w === WIRE_LEN) {
      const type = r.sub(); // TypeProto
      while (!type.done()) {
        const [tf, tw] = type.tag();
        if (tf !== 1 || tw !== WIRE_LEN) {
          type.skip(tw);
          continue;
        } // only tensor_type
        const tensor = type.sub();
        while (!tensor.done()) {
          const [ef, ew] = tensor.tag();
          if (ef === 1 && ew === WIRE_VARINT) vi.elemType = tensor.varint();
          else if (ef === 2 && ew === WIRE_LEN) {
            const shape = tensor.sub();
            vi.dims = [];
            while (!shape.done()) {
              const [sf, sw] = shape.tag();
              if (sf === 1 && sw === WIRE_LEN) vi.dims.push(readDim(shape.sub()));
              else shape.skip(sw);
            }
          } else tensor.skip(ew);
        }
      }
    } else r.skip(w);
  }
  return vi;
}

/** TensorProto: its name (8) and whether its data is external (data_location 14 = 1, external_data 13). */
function readTensor(r: Reader, external: string[]): string {
  let name = '';
  let isExternal = false;
  while (!r.done()) {
    const [f, w] = r.tag();
    if (f === 8 && w === WIRE_LEN) name = r.string();
    else if (f === 14 && w === WIRE_VARINT) {
      if (r.varint() === 1) isExternal = true; // read unconditionally: the varint must be consumed
    } else if (f === 13 && w === WIRE_LEN) {
      r.sub();
      isExternal = true;
    } else r.skip(w);
  }
  if (isExternal) external.push(name || '(unnamed tensor)');
  return name;
}

/** SparseTensorProto: values (1) and indices (2) are TensorProtos. */
function readSparseTensor(r: Reader, external: string[]): string {
  let name = '';
  while (!r.done()) {
    const [f, w] = r.tag();
    if ((f === 1 || f === 2) && w === WIRE_LEN) {
      const n = readTensor(r.sub(), external);
      if (f === 1) name = n;
    } else r.skip(w);
  }
  return name;
}

/** NodeProto attributes (5) → AttributeProto: t (5), g (6), tensors (10), graphs (11), sparse_tensor (22), sparse_tensors (23). */
function scanNode(r: Reader, external: string[], depth: number): void {
  while (!r.done()) {
    const [f, w] = r.tag();
    if (f !== 5 || w !== WIRE_LEN) {
      r.skip(w);
      continue;
    }
    const a = r.sub();
    while (!a.done()) {
      const [af, aw] = a.tag();
      if ((af === 5 || af === 10) && aw === WIRE_LEN) readTensor(a.sub(), external);
      else if ((af === 22 || af === 23) && aw === WIRE_LEN) readSparseTensor(a.sub(), external);
      else if ((af === 6 || af === 11) && aw === WIRE_LEN) scanSubgraph(a.sub(), external, depth + 1);
      else a.skip(aw);
    }
  }
}

/** A subgraph (If/Loop/Scan bodies): only its tensors matter here. */
function scanSubgraph(g: Reader, external: string[], depth: number): void {
  if (depth > 64) throw new OnnxParseError('subgraphs nested more than 64 deep');
  while (!g.done()) {
    const [gf, gw] = g.tag();
    if (gf === 5 && gw === WIRE_LEN) readTensor(g.sub(), external);
    else if (gf === 15 && gw === WIRE_LEN) readSparseTensor(g.sub(), external);
    else if (gf === 1 && gw === WIRE_LEN) scanNode(g.sub(), external, depth);
    else g.skip(gw);
  }
}

/** Parses the header of an ONNX ModelProto; throws OnnxParseError on malformed or truncated bytes. */
export function readOnnxHeader(buf: Uint8Array): OnnxModelHeader {
  const out: OnnxModelHeader = {
    irVersion: 0,
    producerName: '',
    opsets: [],
    metadata: new Map(),
    inputs: [],
    outputs: [],
    initializerNames: new Set(),
    externalTensors: [],
  };
  let sawGraph = false;
  const r = new Reader(buf, 0, buf.length);
  while (!r.done()) {
    const [f, w] = r.tag();
    if (f === 1 && w === WIRE_VARINT) out.irVersion = r.varint();
    else if (f === 2 && w === WIRE_LEN) out.producerName = r.string();
    else if (f === 8 && w === WIRE_LEN) {
      const op = r.sub();
      const entry = { domain: '', version: 0 };
      while (!op.done()) {
        const [of, ow] = op.tag();
        if (of === 1 && ow === WIRE_LEN) entry.domain = op.string();
        else if (of === 2 && ow === WIRE_VARINT) entry.version = op.varint();
        else op.skip(ow);
      }
      out.opsets.push(entry);
    } else if (f === 14 && w === WIRE_LEN) {
      const kv = r.sub();
      let key = '';
      let value = '';
      while (!kv.done()) {
        const [kf, kw] = kv.tag();
        if (kf === 1 && kw === WIRE_LEN) key = kv.string();
        else if (kf === 2 && kw === WIRE_LEN) value = kv.string();
        else kv.skip(kw);
      }
      out.metadata.set(key, value);
    } else if (f === 7 && w === WIRE_LEN) {
      sawGraph = true;
      const g = r.sub();
      while (!g.done()) {
        const [gf, gw] = g.tag();
        if (gf === 11 && gw === WIRE_LEN) out.inputs.push(readValueInfo(g.sub()));
        else if (gf === 12 && gw === WIRE_LEN) out.outputs.push(readValueInfo(g.sub()));
        else if (gf === 5 && gw === WIRE_LEN) out.initializerNames.add(readTensor(g.sub(), out.externalTensors));
        else if (gf === 15 && gw === WIRE_LEN) out.initializerNames.add(readSparseTensor(g.sub(), out.externalTensors));
        else if (gf === 1 && gw === WIRE_LEN) scanNode(g.sub(), out.externalTensors, 0);
        else g.skip(gw);
      }
    } else r.skip(w);
  }
  if (!sawGraph) throw new OnnxParseError('no graph in the file');
  if (out.irVersion === 0) throw new OnnxParseError('no ir_version: not an ONNX model');
  return out;
}
