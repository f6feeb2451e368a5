import { fileURLToPath } from 'node:url';

/** The shipped default model, resolved from the package root (works from src/ and dist/). */
export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../../models/satcount-vehicles.onnx', import.meta.url));
