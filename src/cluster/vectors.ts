// Small vector helpers for unit-length embeddings.

export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += a[index]! * b[index]!;
  return sum;
}

export function addInto(target: Float32Array, source: Float32Array): void {
  for (let index = 0; index < target.length; index++) target[index]! += source[index]!;
}

export function normalized(vector: Float32Array): Float32Array {
  const length = Math.sqrt(dot(vector, vector)) || 1;
  return vector.map((value) => value / length);
}

/** Similarity of a vector to the mean direction of a sum of unit vectors. */
export function cosineToSum(vector: Float32Array, sum: Float32Array): number {
  const length = Math.sqrt(dot(sum, sum));
  return length === 0 ? 0 : dot(vector, sum) / length;
}
