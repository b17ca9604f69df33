// Job: per-channel symmetric int8 weight-only quantisation, bit-for-bit as the recipe's numpy code:
//   scale = max|w| over the other axes / 127 (float32; 0 -> 1);  q = clip(round_half_even(w / scale), -127, 127).

export interface Quantized {
  readonly q: Int8Array;
  /** One float32 scale per index along `axis`. */
  readonly scale: Float32Array;
}

// numpy's np.round is round-half-to-even (Math.round would round .5 up and break byte equality).
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** `data` is C-order with `shape`; only 2-D weights occur in this model, which is all we support. */
export function quantizePerChannel(data: Float32Array, shape: readonly number[], axis: number): Quantized {
  if (shape.length !== 2 || (axis !== 0 && axis !== 1)) throw new Error(`quantize: unsupported shape/axis ${shape}/${axis}`);
  const rows = shape[0] ?? 0;
  const cols = shape[1] ?? 0;
  const channels = axis === 0 ? rows : cols;
  const chan = (r: number, c: number): number => (axis === 0 ? r : c);

  const absMax = new Float32Array(channels);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const a = Math.abs(data[r * cols + c] ?? 0);
      const k = chan(r, c);
      if (a > (absMax[k] ?? 0)) absMax[k] = a;
    }
  }
  // float32 / 127.0 in numpy is a correctly rounded float32 division; dividing in double and rounding once to
  // float32 (the Float32Array store) gives the same result because double has more than 2*24+2 bits.
  const scale = new Float32Array(channels);
  for (let k = 0; k < channels; k++) {
    const s = Math.fround((absMax[k] ?? 0) / 127);
    scale[k] = s === 0 ? 1 : s;
  }

  const q = new Int8Array(data.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      // Math.fround: numpy divides in float32, so round the quotient to float32 before rounding to an integer.
      const v = roundHalfEven(Math.fround((data[i] ?? 0) / (scale[chan(r, c)] ?? 1)));
      q[i] = v > 127 ? 127 : v < -127 ? -127 : v;
    }
  }
  return { q, scale };
}
