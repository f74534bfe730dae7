import { toJson } from '../../lib/util/json';

test('toJson keeps NaN/±Infinity apart from null, and writes bigints', () => {
  const back = JSON.parse(toJson({ a: NaN, b: Infinity, c: -Infinity, d: null, e: 1.5, f: 7n, g: 2n ** 64n, h: [NaN] }));
  expect(back).toEqual({ a: 'NaN', b: 'Infinity', c: '-Infinity', d: null, e: 1.5, f: 7, g: '18446744073709551616', h: ['NaN'] });
});
