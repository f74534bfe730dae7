/**
 * trt-node against Triton's own schema, where .triton-proto/model_config.proto is present (`npm run check:triton`;
 * skipped with the reason elsewhere, CI included: it cannot fetch): the hand-written description of the fields
 * trt-node reads and writes matches the proto field by field, and the configs trt-node generates and lints parse
 * against the full proto (a schema built from it, every message described) and survive protobufjs's
 * verify / encode / decode unchanged.
 */
import { readModel } from '../../lib/onnx/reader';
import { tritonConfigFor } from '../../lib/triton/generate';
import { MODEL_CONFIG, TRITON_SCHEMA } from '../../lib/triton/schema';
import { parseTextFormat } from '../../lib/triton/textformat';
import { EXAMPLE_MODEL, exampleIO, TWO_INPUT_MODEL, twoInputIO } from './helpers';
import { EXAMPLE_SEEDS, TWO_INPUT_SEEDS } from './seeds';
import { fieldSchemaOf, loadProto, protoCommit, protoSkipReason, schemaFromProto } from './proto-schema';

const reason = protoSkipReason();
if (reason && process.env.TRT_NODE_REQUIRE_TRITON_PROTO === '1') {
  test("Triton's model_config.proto is present (TRT_NODE_REQUIRE_TRITON_PROTO=1)", () => {
    throw new Error(reason);
  });
} else if (reason) {
  process.stderr.write(`skipping the checks against Triton's model_config.proto: ${reason}\n`);
}

(reason ? describe.skip : describe)(`trt-node's Triton schema against model_config.proto`, () => {
  const root = reason ? null : loadProto();
  const full = root ? schemaFromProto(root) : null;

  beforeAll(() => process.stderr.write(`checking against model_config.proto of triton-inference-server/common at ${protoCommit()}\n`));

  it('describes every message it names with every field of the proto: same names, numbers, types, labels and oneofs', () => {
    for (const [name, message] of Object.entries(TRITON_SCHEMA.messages)) {
      const type = root!.lookupType(name);
      expect({ name, fields: message.fields }).toEqual({ name, fields: type.fieldsArray.map(fieldSchemaOf) });
    }
  });

  it('names only types the proto has, and lists each enum it reads with exactly the proto values', () => {
    for (const message of Object.values(TRITON_SCHEMA.messages)) {
      for (const field of message.fields.filter((f) => f.typeName)) expect(root!.lookup(field.typeName!)).not.toBeNull();
    }
    for (const [name, values] of Object.entries(TRITON_SCHEMA.enums)) expect({ name, values }).toEqual({ name, values: { ...root!.lookupEnum(name).values } });
  });

  it.each([
    ['the bundled example', EXAMPLE_MODEL, exampleIO, { dynamicBatching: { maxQueueDelayMicroseconds: 100 }, instances: 2 }],
    ['two_input_bias (two inputs, two profiles)', TWO_INPUT_MODEL, twoInputIO, { gpus: [0, 1] }],
  ] as const)('generates a config for %s that parses against the full proto and round-trips through protobufjs', async (_what, model, io, options) => {
    expect((await readModel(model)).inputs.length).toBeGreaterThan(0);
    const { text, config } = tritonConfigFor(await io(), { name: 'm', ...options });
    const parsed = parseTextFormat(text, full!, MODEL_CONFIG).value;
    expect(JSON.parse(JSON.stringify(parsed))).toEqual(JSON.parse(JSON.stringify(config)));
    const ModelConfig = root!.lookupType(MODEL_CONFIG);
    const message = ModelConfig.fromObject(parsed);
    expect(ModelConfig.verify(message)).toBeNull();
    const decoded = ModelConfig.toObject(ModelConfig.decode(ModelConfig.encode(message).finish()), { enums: String, longs: Number, defaults: false });
    // proto3 writes no default value: max_batch_size 0 does not come back.
    expect(decoded).toEqual(JSON.parse(JSON.stringify({ ...config, max_batch_size: config.max_batch_size || undefined })));
  });

  it('reads each config the lint is tested on (seeded with a load-time mismatch) against the full proto, as trt-node reads it', async () => {
    const bases = [
      { text: tritonConfigFor(await exampleIO(), { name: 'm', dynamicBatching: true }).text, seeds: EXAMPLE_SEEDS },
      { text: tritonConfigFor(await twoInputIO(), { name: 'm', instances: 2, gpus: [0, 1] }).text, seeds: TWO_INPUT_SEEDS },
    ];
    let read = 0;
    for (const { text, seeds } of bases) {
      for (const seed of seeds.filter((s) => s.code !== 'TRITON_SYNTAX')) {
        const seeded = seed.edit(text);
        expect(parseTextFormat(seeded, TRITON_SCHEMA, MODEL_CONFIG).value).toEqual(parseTextFormat(seeded, full!, MODEL_CONFIG).value);
        read++;
      }
    }
    expect(read).toBeGreaterThanOrEqual(8);
  });

  it("reads every field of a hand-written config the same with trt-node's schema as with the full proto", () => {
    const text = `name: "m" platform: "tensorrt_plan" max_batch_size: 4
      input [ { name: "x" data_type: TYPE_FP16 format: FORMAT_NCHW dims: [ 3, -1, -1 ] reshape { shape: [ 3, -1, -1 ] } optional: true } ]
      output [ { name: "y" data_type: TYPE_FP32 dims: [ -1 ] label_filename: "labels.txt" } ]
      instance_group [ { name: "g" kind: KIND_GPU count: 2 gpus: [ 0 ] profile: [ "0" ] host_policy: "h" } ]
      dynamic_batching { preferred_batch_size: [ 2, 4 ] max_queue_delay_microseconds: 50 preserve_ordering: true priority_levels: 2 default_priority_level: 1 }
      optimization { priority: PRIORITY_MAX gather_kernel_buffer_threshold: 3 eager_batching: true }
      default_model_filename: "model.plan" cc_model_filenames { key: "9.0" value: "h100.plan" }
      parameters { key: "p" value { string_value: "v" } } metric_tags { key: "t" value: "u" }`;
    expect(parseTextFormat(text, TRITON_SCHEMA, MODEL_CONFIG).value).toEqual(parseTextFormat(text, full!, MODEL_CONFIG).value);
  });
});
