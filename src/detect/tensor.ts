/** One model output as the decoders see it: a name, its dimensions and its values, row-major. */
export interface OutputTensor {
  name: string;
  dims: readonly number[];
  data: Float32Array;
}

/** What every decoder needs besides the outputs. */
export interface DecodeParams {
  /** Model input size in pixels; boxes come back in this space. */
  inputWidth: number;
  inputHeight: number;
  /** Keep candidates scoring at least this. */
  score_threshold: number;
}

export function shapeText(o: Pick<OutputTensor, 'name' | 'dims'>): string {
  return `${o.name} [${o.dims.join(',')}]`;
}
