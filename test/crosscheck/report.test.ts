/**
 * Reports of a real cross-check (super_resolution: PyTorch references, onnxruntime with graph optimizations off
 * and on): the HTML is one self-contained file with the error histogram (vega SVG) and the heatmap (PNG data URI),
 * escapes what it shows, and is written atomically; the terminal table and the JSON say the same.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PNG } from 'pngjs';
import { crossCheck, type CrossCheckResult, type Runner } from '../../lib/crosscheck';
import { crossCheckJson, escapeHtml, formatCrossCheckTable, renderHtmlReport, writeHtmlReport } from '../../lib/report';
import { encodeModel, node, valueInfo } from '../onnx/build-model';
import { fixture, modelOf, samplesOf } from './manifest';

let result: CrossCheckResult;
let dir: string;

beforeAll(async () => {
  const f = fixture('super_resolution');
  result = await crossCheck(modelOf(f), {
    samples: samplesOf(f),
    runners: [{ kind: 'reference' }, { kind: 'onnxruntime', graphOptimization: 'disabled' }, { kind: 'onnxruntime' }],
    errorMaps: true,
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-report-'));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function imagesOf(html: string): string[] {
  return [...html.matchAll(/<img class="heat(?: muted)?"[^>]* src="data:image\/png;base64,([^"]+)"/g)].map((m) => m[1]);
}

describe('HTML report', () => {
  test('one self-contained file: no script, nothing fetched from the network', async () => {
    const file = path.join(dir, 'report.html');
    await writeHtmlReport(file, result);
    const html = fs.readFileSync(file, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
    // Every src is inline data.
    for (const m of html.matchAll(/\bsrc="([^"]*)"/g)) expect(m[1].startsWith('data:image/png;base64,')).toBe(true);
    // Written atomically: no temporary file left beside it.
    expect(fs.readdirSync(dir)).toEqual(['report.html']);
  });

  test('per output: error-by-probe chart and histogram as inline SVG, heatmap as a PNG ≤ 512 px a side', async () => {
    const html = await renderHtmlReport(result);
    const pairs = new Set(result.probes.flatMap((p) => p.comparisons.map((c) => `${c.actual}|${c.expected}`)));
    expect(pairs).toEqual(new Set(['onnxruntime-noopt|reference', 'onnxruntime|reference', 'onnxruntime|onnxruntime-noopt']));
    expect(html.match(/data-chart="histogram"><svg/g)).toHaveLength(pairs.size);
    expect(html.match(/data-chart="error-by-probe"><svg/g)).toHaveLength(pairs.size);
    // The histogram's bars are drawn (vega marks), with the decade labels on the axis.
    expect(html).toMatch(/1e-8–1e-7/);
    const images = imagesOf(html);
    expect(images).toHaveLength(pairs.size);
    // Every error here is 1e-7 rounding noise against atol 1e-4: the maps are greyed out, and say why.
    expect(html.match(/<img class="heat muted"/g)).toHaveLength(pairs.size);
    for (const b64 of images) {
      const png = PNG.sync.read(Buffer.from(b64, 'base64'));
      expect(Math.max(png.width, png.height)).toBeLessThanOrEqual(512);
      expect(png.width).toBeGreaterThan(1);
    }
    // The worst probe of onnxruntime vs reference is the 96x80 sample: a 288x240 output, shown unscaled.
    const map = result.errorMaps!.find((m) => m.actual === 'onnxruntime' && m.expected === 'reference')!;
    expect([map.height, map.width, map.scale]).toEqual([288, 240, 1]);
    expect(map.max).toBeCloseTo(result.probes[map.probe].comparisons.find((c) => c.actual === 'onnxruntime')!.outputs[0].maxAbsError!, 10);
    // The legend gives the range.
    expect(html).toContain('class="legend"');
  });

  test('large outputs are max-pooled to ≤ 512 px, keeping the largest error', async () => {
    const r = await crossCheck(modelOf(fixture('super_resolution')), {
      runners: [{ kind: 'onnxruntime', graphOptimization: 'disabled' }, { kind: 'onnxruntime' }],
      probes: [{ input: [1, 1, 200, 180] }],
      errorMaps: { maxSide: 256 },
    });
    const map = r.errorMaps![0];
    expect(map.dims).toEqual([1, 1, 600, 540]);
    expect(map.scale).toBe(3);
    expect([map.height, map.width]).toEqual([200, 180]);
    expect(map.max).toBe(r.probes[0].comparisons[0].outputs[0].maxAbsError);
    // toJSON leaves the pixels out.
    expect(JSON.parse(JSON.stringify(map))).not.toHaveProperty('values');
  });

  test('escapes names from the model or the user', async () => {
    const evil = '<img src=x onerror=alert(1)>&"';
    const runner: Runner = {
      name: evil,
      kind: 'onnxruntime',
      description: '<b>bold</b>',
      supports: () => true,
      run: async (feeds) => ({ output: { type: 'float32', dims: [1, 1, 3 * feeds.input.dims[2], 3 * feeds.input.dims[3]], data: new Float32Array(9 * feeds.input.dims[2] * feeds.input.dims[3]) } }),
      dispose: () => undefined,
    };
    const r = await crossCheck(modelOf(fixture('super_resolution')), { runners: [{ kind: 'onnxruntime' }, runner], probes: [{ input: [1, 1, 8, 8] }], errorMaps: true });
    const html = await renderHtmlReport(r);
    expect(html).not.toContain(evil);
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toContain(escapeHtml(evil));
    expect(escapeHtml(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
  });

  test('a sweep with one runner says there was nothing to compare', async () => {
    const r = await crossCheck(modelOf(fixture('traced_reshape')));
    const html = await renderHtmlReport(r);
    expect(html).toMatch(/nothing to compare/);
    expect(html).toMatch(/First failure:/);
    expect(html).toContain('id="probe-');
    expect(html).toContain('SHAPE_NOT_DYNAMIC');
  });
});

describe('terminal table and JSON', () => {
  test('one row per probe, the dims relation, and the verdict', () => {
    const text = formatCrossCheckTable(result);
    for (const p of result.probes) expect(text).toContain(p.label.slice(0, 12));
    expect(text).toMatch(/'output' axis 2 \(out_height\) = 3 × height/);
    expect(text).toMatch(/Cross-check: PASS \(against the reference: (\d+) of \1 probes passed; \d+ of \d+ compared probes passed/);
  });
  test('the first failure is marked', async () => {
    const r = await crossCheck(modelOf(fixture('traced_reshape')));
    const text = formatCrossCheckTable(r);
    expect(text).toMatch(/FAIL .*<- first failure/);
    expect(text).toMatch(/First failure: probe 0 \(min, input 1x3x32x32\)/);
  });
  test('JSON: NaN/Inf errors are written as strings, not as null (null means "not compared")', async () => {
    const file = path.join(dir, 'identity.onnx');
    fs.writeFileSync(
      file,
      encodeModel({ nodes: [node('Identity', ['x'], ['y'])], inputs: [valueInfo('x', [1, 4])], outputs: [valueInfo('y', [1, 4])] }),
    );
    const x = { type: 'float32', dims: [1, 4], data: new Float32Array([1, 2, 3, 4]) } as const;
    const y = { type: 'float32', dims: [1, 4], data: new Float32Array([1, NaN, 3, 4]) } as const;
    const r = await crossCheck(file, { samples: [{ inputs: { x }, reference: { y } }], sweep: false });
    const o = r.probes[0].comparisons[0].outputs[0];
    expect(o.maxAbsError).toBe(Infinity);
    const back = JSON.parse(crossCheckJson(r));
    const b = back.probes[0].comparisons[0].outputs[0];
    expect(b.maxAbsError).toBe('Infinity');
    expect(b.worst.expected).toBe('NaN');
    expect(b.pass).toBe(false);
  });
  test('JSON: the result, error maps without pixels', () => {
    const back = JSON.parse(crossCheckJson(result));
    expect(back.pass).toBe(true);
    expect(back.errorMaps.length).toBe(result.errorMaps!.length);
    expect(back.errorMaps[0]).toMatchObject({ width: expect.any(Number), height: expect.any(Number), max: expect.any(Number) });
    expect(back.errorMaps[0].values).toBeUndefined();
  });
});
