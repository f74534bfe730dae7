/**
 * What the README says about the native runs holds its own labels: per-run figures measured with trt-node's TensorRT
 * stand-in (its enqueueV3 is onnxruntime in a host function, not TensorRT) say so where they are given, not only in
 * the name of the file they come from (review 2026-12-07, defect 14).
 */
import * as fs from 'fs';
import * as path from 'path';

const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

describe('README', () => {
  it('says "measured with the stand-in" wherever it gives figures from a stand-in result file', () => {
    // Paragraphs and list items: blocks separated by a blank line or starting with "- ".
    const blocks = readme.split(/\n(?=\s*\n|- )/);
    const citing = blocks.filter((b) => /bench\/results\/[\w.-]*standin[\w.-]*/.test(b));
    expect(citing.length).toBeGreaterThan(0);
    for (const block of citing) {
      const withoutFiles = block.replace(/bench\/results\/[\w.-]+/g, '');
      expect([block, /measured with (trt-node's TensorRT |the TensorRT |the )?stand-in/i.test(withoutFiles)]).toEqual([block, true]);
    }
  });
});
