import { z } from '../../../platform/shared/zod';
import { QUANT_DTYPES, TENSOR_DTYPES } from './dtypes';
import { MAX_FILES, MAX_GRAPH_NODES, MAX_NAME_LENGTH, MAX_RANK, MAX_TENSORS } from './limits';

/**
 * Schemas of the three JSON files an upload may start from (TF.js model formats):
 *
 * - a layers model: `{format: 'layers-model', modelTopology: <Keras JSON>, weightsManifest}`;
 * - a graph model (tensorflowjs_converter from a SavedModel): `{format: 'graph-model',
 *   modelTopology: {node: [...]}, weightsManifest}`;
 * - a bare weights manifest (`*-weights_manifest.json`): `[{paths, weights}]`, no topology.
 *
 * Shapes are checked for sign and size by the reader (readModel.ts), which names the tensor.
 */

const Name = z.string().check(z.minLength(1), z.maxLength(MAX_NAME_LENGTH));

export const QuantizationSchema = z.union([
  z.looseObject({ dtype: z.literal('float16') }),
  z.looseObject({
    dtype: z.enum(['uint8', 'uint16']),
    scale: z.number(),
    min: z.number(),
  }),
]);

export const WeightEntrySchema = z.looseObject({
  name: Name,
  shape: z.array(z.number()).check(z.maxLength(MAX_RANK)),
  dtype: z.enum(TENSOR_DTYPES),
  quantization: z.optional(QuantizationSchema),
});
export type WeightEntry = z.infer<typeof WeightEntrySchema>;

export const WeightGroupSchema = z.looseObject({
  paths: z.array(Name).check(z.minLength(1), z.maxLength(MAX_FILES)),
  weights: z.array(WeightEntrySchema).check(z.maxLength(MAX_TENSORS)),
});
export type WeightGroup = z.infer<typeof WeightGroupSchema>;

export const ManifestSchema = z
  .array(WeightGroupSchema)
  .check(z.minLength(1), z.maxLength(MAX_FILES));

const Meta = {
  format: z.optional(z.string().check(z.maxLength(64))),
  generatedBy: z.optional(z.nullable(z.string().check(z.maxLength(MAX_NAME_LENGTH)))),
  convertedBy: z.optional(z.nullable(z.string().check(z.maxLength(MAX_NAME_LENGTH)))),
};

export const LayersModelSchema = z.looseObject({
  ...Meta,
  modelTopology: z.looseObject({}),
  weightsManifest: ManifestSchema,
});

export const GraphModelSchema = z.looseObject({
  ...Meta,
  modelTopology: z.looseObject({
    node: z
      .array(z.looseObject({ name: Name, op: Name, input: z.optional(z.array(z.string())) }))
      .check(z.maxLength(MAX_GRAPH_NODES)),
  }),
  weightsManifest: ManifestSchema,
});

/** Up to three of zod's issues as a sentence: "weightsManifest[0].weights[2].dtype: …". */
export function describeIssues(error: z.core.$ZodError): string {
  const parts = error.issues.slice(0, 3).map((i) => {
    const where = i.path
      .map((p, k) => (typeof p === 'number' ? `[${p}]` : `${k === 0 ? '' : '.'}${String(p)}`))
      .join('');
    return `${where || 'the file'}: ${i.message}`;
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return `${parts.join('; ')}${more}`;
}

export { QUANT_DTYPES };
