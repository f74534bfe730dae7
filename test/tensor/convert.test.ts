/**
 * toTensorLike: onnxruntime-node Tensors, TensorLikes and plain {type, dims, data} objects become validated
 * TensorLikes; anything inconsistent is refused with an error naming the tensor.
 */
import * as vm from 'vm';
import * as ort from 'onnxruntime-node';
import { InvalidTypeError, InvalidValueError, ShapeError } from '../../lib/errors';
import { toTensorLike } from '../../lib/tensor/convert';
import { NUMERIC_TENSOR_TYPES } from '../../lib/tensor/types';
import { ARRAY_OF, caught } from './helpers';


describe('toTensorLike', () => {
  it.each(NUMERIC_TENSOR_TYPES)('accepts an onnxruntime-node %s Tensor as is (same data, no copy)', (type) => {
    const data = new ARRAY_OF[type](6);
    const t = toTensorLike(new ort.Tensor(type, data as never, [2, 3]), 'x');
    expect(t).toEqual({ type, dims: [2, 3], data });
    expect(t.data).toBe(data);
  });

  it('accepts an onnxruntime-node string Tensor as is; refuses non-strings in it, and bfloat16 by name', () => {
    const data = ['a', 'bc', ''];
    const t = toTensorLike(new ort.Tensor('string', data, [3]), 's');
    expect(t).toEqual({ type: 'string', dims: [3], data });
    expect(t.data).toBe(data);
    expect(caught(() => toTensorLike({ type: 'string', dims: [2], data: ['a', 1] }, 's')).message).toContain('s.data[1]');
    expect(caught(() => toTensorLike({ type: 'string', dims: [1], data: Uint8Array.of(1) }, 's')).message).toMatch(/an array of strings/);
    const bf = caught(() => toTensorLike({ type: 'bfloat16', dims: [1], data: Uint16Array.of(1) }, 'b'));
    expect(bf.message).toMatch(/onnxruntime-node has no bfloat16 tensors; convert to float32/);
  });

  it('new integer types from plain arrays, range-checked', () => {
    expect(toTensorLike({ type: 'uint64', dims: [2], data: [2n ** 64n - 1n, 3] }, 'x').data).toEqual(BigUint64Array.of(2n ** 64n - 1n, 3n));
    expect(toTensorLike({ type: 'uint16', dims: [1], data: [65535] }, 'x').data).toEqual(Uint16Array.of(65535));
    expect(toTensorLike({ type: 'int16', dims: [1], data: [-32768] }, 'x').data).toEqual(Int16Array.of(-32768));
    expect(toTensorLike({ type: 'uint32', dims: [1], data: [2 ** 32 - 1] }, 'x').data).toEqual(Uint32Array.of(2 ** 32 - 1));
    expect(caught(() => toTensorLike({ type: 'uint64', dims: [1], data: [-1] }, 'x')).message).toContain('x.data[0]');
    expect(caught(() => toTensorLike({ type: 'uint16', dims: [1], data: [65536] }, 'x')).message).toContain('x.data[0]');
  });

  it('accepts typed arrays made in another realm (vm context, native outputs seen from jest)', () => {
    const foreign = vm.runInNewContext('new Float32Array([1, 2, 3])') as Float32Array;
    expect(foreign instanceof Float32Array).toBe(false);
    expect(toTensorLike({ type: 'float32', dims: [3], data: foreign }, 'x').data).toBe(foreign);
  });

  it('accepts a Buffer for uint8 data', () => {
    expect(toTensorLike({ type: 'uint8', dims: [2], data: Buffer.from([1, 2]) }, 'x').dims).toEqual([2]);
  });

  it('converts plain arrays, checking each value', () => {
    expect(Array.from(toTensorLike({ type: 'float32', dims: [2], data: [1.5, -2] }, 'x').data as Float32Array)).toEqual([1.5, -2]);
    expect(Array.from(toTensorLike({ type: 'int64', dims: [2], data: [3, -(2n ** 63n)] }, 'x').data as BigInt64Array)).toEqual([
      3n,
      -(2n ** 63n),
    ]);
    expect(Array.from(toTensorLike({ type: 'bool', dims: [3], data: [true, false, 1] }, 'x').data as Uint8Array)).toEqual([1, 0, 1]);
    expect(toTensorLike({ type: 'int8', dims: [1], data: [-128] }, 'x').data).toBeInstanceOf(Int8Array);

    let e = caught(() => toTensorLike({ type: 'int8', dims: [2], data: [1, 128] }, 'ids'));
    expect(e).toBeInstanceOf(InvalidValueError);
    expect(e.message).toContain('ids.data[1]');
    e = caught(() => toTensorLike({ type: 'int64', dims: [1], data: [2 ** 60] }, 'ids'));
    expect(e.message).toContain('ids.data[0]');
    e = caught(() => toTensorLike({ type: 'float16', dims: [1], data: [1] }, 'h'));
    expect(e).toBeInstanceOf(InvalidTypeError);
    expect(e.message).toContain('Uint16Array');
  });

  it('refuses inconsistent tensors, naming them', () => {
    let e = caught(() => toTensorLike({ type: 'float32', dims: [2, 3], data: new Float32Array(5) }, 'logits'));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/'logits'.*6 elements.*5/);
    e = caught(() => toTensorLike({ type: 'int64', dims: [2], data: new Int32Array(2) }, 'ids'));
    expect(e).toBeInstanceOf(InvalidTypeError);
    expect(e.message).toMatch(/BigInt64Array.*ids\.data.*Int32Array/);
    e = caught(() => toTensorLike({ type: 'complex64', dims: [1], data: new Float32Array(2) }, 'c'));
    expect(e).toBeInstanceOf(InvalidValueError);
    expect(e.message).toMatch(/float32, float16.*string for c\.type.*"complex64"/);
    e = caught(() => toTensorLike({ type: 'float32', dims: [2, -1], data: new Float32Array(2) }, 'x'));
    expect(e.message).toContain('x.dims[1]');
    e = caught(() => toTensorLike({ type: 'float32', dims: '2', data: new Float32Array(2) }, 'x'));
    expect(e.message).toContain('x.dims');
    e = caught(() => toTensorLike(new Float32Array(2), 'x'));
    expect(e.message).toContain('x.type');
    e = caught(() => toTensorLike(null, 'x'));
    expect(e).toBeInstanceOf(InvalidTypeError);
    e = caught(() => toTensorLike({ type: 'float32', dims: [1], location: 'gpu-buffer', get data() { throw new Error('on GPU'); } }, 'out'));
    expect(e.message).toMatch(/out\.location.*getData/);
  });
});
