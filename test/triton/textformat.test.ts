/**
 * The protobuf text-format reader and writer against the Text Format Language Specification and the way
 * TextFormat::ParseFromString (what Triton calls) treats a config: values, positions, and every refusal at its
 * line and column.
 */
import { TritonConfigError } from '../../lib/errors';
import { readTritonConfig } from '../../lib/triton/config';
import { MODEL_CONFIG, TRITON_SCHEMA } from '../../lib/triton/schema';
import { parseTextFormat } from '../../lib/triton/textformat';
import { formatTextFormat, quoteText } from '../../lib/triton/writer';

const read = (text: string) => parseTextFormat(text, TRITON_SCHEMA, MODEL_CONFIG);

function refusal(text: string): TritonConfigError {
  try {
    read(text);
  } catch (err) {
    if (err instanceof TritonConfigError) return err;
    throw err;
  }
  throw new Error(`read: ${text}`);
}

describe('protobuf text format, read as Triton reads config.pbtxt', () => {
  it('reads scalars, enums, repeated fields in both syntaxes, nested and angle-bracket messages, maps and comments', () => {
    const { value } = read(`
      # a comment
      name: "sr"  platform: 'tensorrt_plan';  max_batch_size: 0x8,
      input [ { name: "a" data_type: TYPE_FP32 dims: [ 1, -1, -1 ] }, < name: "b" data_type: 11 dims: 3 dims: [4, 010] > ]
      output: { name: "o" data_type: TYPE_FP16 dims: -1 reshape { shape: [] } }
      instance_group [ { kind: KIND_GPU count: 2 gpus: [0, 1] profile: ["0", "1"] passive: t } ]
      dynamic_batching { max_queue_delay_microseconds: 100 preserve_ordering: True }
      parameters { key: "k" value { string_value: "v" } }
      parameters: [ { key: "k" value: { string_value: "w" } }, { key: "j" } ]
      cc_model_filenames { key: "8.6" value: "a.plan" }
    `);
    expect(JSON.parse(JSON.stringify(value))).toEqual({
      name: 'sr',
      platform: 'tensorrt_plan',
      max_batch_size: 8,
      input: [
        { name: 'a', data_type: 'TYPE_FP32', dims: [1, -1, -1] },
        { name: 'b', data_type: 'TYPE_FP32', dims: [3, 4, 8] },
      ],
      output: [{ name: 'o', data_type: 'TYPE_FP16', dims: [-1], reshape: {} }],
      instance_group: [{ kind: 'KIND_GPU', count: 2, gpus: [0, 1], profile: ['0', '1'], passive: true }],
      dynamic_batching: { max_queue_delay_microseconds: 100, preserve_ordering: true },
      // A key given twice keeps the last value, as a parsed map does; a missing value is the default message.
      parameters: { k: { string_value: 'w' }, j: {} },
      cc_model_filenames: { '8.6': 'a.plan' },
    });
  });

  it('decodes string escapes and concatenated literals, and refuses strings that are not UTF-8', () => {
    const { value } = read(String.raw`name: "a\"b\\c\n\t\101\x42\u00e9\U0001F600" 'd' "e"`);
    expect(value.name).toBe('a"b\\c\n\tABé😀de');
    expect(refusal(String.raw`name: "\xff"`).reason).toBe('String field "name" contains invalid UTF-8 data.');
    expect(refusal('name: "abc\n"').reason).toMatch(/Unterminated string/);
  });

  it('keeps the line and column of every field and element', () => {
    const { locations } = read('name: "x"\ninput [\n  {\n    name: "a"\n    dims: [ 1,\n -1 ]\n  }\n]\n');
    expect(locations.get('name')).toEqual({ line: 1, column: 1 });
    expect(locations.get('input')).toEqual({ line: 2, column: 1 });
    expect(locations.get('input[0]')).toEqual({ line: 3, column: 3 });
    expect(locations.get('input[0].dims')).toEqual({ line: 5, column: 5 });
    expect(locations.get('input[0].dims[1]')).toEqual({ line: 6, column: 2 });
  });

  it.each([
    ['max_batch_sizes: 1', 1, 1, 'Message type "inference.ModelConfig" has no field named "max_batch_sizes".'],
    ['input { data_type: TYPE_FLOAT }', 1, 20, 'Unknown enumeration value of "TYPE_FLOAT" for field "data_type".'],
    ['max_batch_size 8', 1, 16, 'Expected ":", found "8".'],
    ['name: [ "a" ]', 1, 1, 'Non-repeated field "name" cannot be given as a list ([...]).'],
    ['max_batch_size: 1\nmax_batch_size: 2', 2, 1, 'Non-repeated field "max_batch_size" is specified multiple times.'],
    ['dynamic_batching { }\nsequence_batching { }', 2, 1, 'Field "sequence_batching" is specified along with field "dynamic_batching", another member of oneof "scheduling_choice".'],
    ['max_batch_size: 2147483648', 1, 17, 'Integer out of range (2147483648) for int32 field "max_batch_size".'],
    ['instance_group { gpus: -1 } dynamic_batching { max_queue_delay_microseconds: -1 }', 1, 79, 'Expected integer, got: -1 (field "max_queue_delay_microseconds" is uint64)'],
    ['input { dims: 1.5 }', 1, 15, 'Expected integer, got: 1.5'],
    ['max_batch_size: 8bar', 1, 18, 'Expected space or a separator after the number "8", found "b".'],
    ['input { is_shape_tensor: yes }', 1, 26, 'Invalid value for boolean field "is_shape_tensor". Value: "yes".'],
    ['input { name: "a"', 1, 18, 'Expected "}", found end of input.'],
    ['[inference.ext]: 1', 1, 1, 'Extension "inference.ext" is not defined or is not an extension of "inference.ModelConfig".'],
  ])('refuses %j at %i:%i', (text, line, column, reason) => {
    const err = refusal(text);
    expect([err.line, err.column, err.reason]).toEqual([line, column, reason]);
    expect(err.code).toBe('ERR_TRT_NODE_TRITON_CONFIG');
  });

  it('takes a singular scalar twice while the first holds the default (proto3 presence), as TextFormat::Parser does', () => {
    expect(read('max_batch_size: 0\nmax_batch_size: 4').value.max_batch_size).toBe(4);
  });

  it('reads messages trt-node does not describe for syntax only, refusing broken syntax there too', () => {
    const { value } = read('sequence_batching { direct { } control_input [ { name: "START" control [ { kind: CONTROL_SEQUENCE_START fp32_false_true: [ 0, 1 ] } ] } ] }');
    expect(value.sequence_batching).toEqual({});
    expect(refusal('model_warmup [ { name: "w" inputs { key: "x" value { dims: [ 1 } } } ]').reason).toMatch(/Expected "\]"/);
  });

  it('writes what it reads back unchanged, quoting every string safely', () => {
    const config = {
      name: 'a "quoted" \\ name\n',
      platform: 'tensorrt_plan',
      max_batch_size: 4,
      input: [{ name: 'x', data_type: 'TYPE_FP32', dims: [-1, 3] }, { name: 'é', data_type: 'TYPE_INT64', dims: [2], reshape: { shape: [1, 2] } }],
      output: [{ name: 'y', data_type: 'TYPE_BOOL', dims: [1] }],
      instance_group: [{ kind: 'KIND_GPU', count: 1, gpus: [0, 2], profile: ['0', '1'] }],
      dynamic_batching: {},
      parameters: { k: { string_value: 'v' } },
      cc_model_filenames: { '9.0': 'h100.plan' },
    };
    const text = formatTextFormat(config, TRITON_SCHEMA, MODEL_CONFIG, ['header']);
    expect(text.startsWith('# header\n')).toBe(true);
    expect(JSON.parse(JSON.stringify(readTritonConfig(text).config))).toEqual(config);
    expect(quoteText('\u0001')).toBe('"\\001"');
  });
});
