import { spawnSync } from 'child_process';
import * as path from 'path';
import { loadAddon } from '../../lib/native/binding';
import { runCli } from '../helpers/cli';
import { DoctorReport, cudaVersionText, doctorReport, formatDoctorReport } from '../../lib/trt/doctor';

const root = path.join(__dirname, '..', '..');

describe('doctor', () => {
  it('cudaVersionText decodes CUDA version integers', () => {
    expect(cudaVersionText(13000)).toBe('13.0');
    expect(cudaVersionText(12040)).toBe('12.4');
    expect(cudaVersionText(0)).toBeNull();
    expect(cudaVersionText(null)).toBeNull();
  });

  it('--json prints one JSON document that matches what the addon reports now', async () => {
    const { code, stdout } = await runCli(['doctor', '--json']);
    const report = JSON.parse(stdout) as DoctorReport;
    const addon = loadAddon();
    const build = addon.buildInfo();
    const cuda = addon.cudaInfo();
    expect(report.node.version).toBe(process.version);
    expect(report.addon.loaded).toBe(true);
    expect(report.tensorrt.available).toBe(build.tensorrt.available);
    expect(report.tensorrt.searched).toEqual(build.tensorrt.searched);
    expect(report.cuda.deviceCount).toBe(cuda.deviceCount);
    expect(report.cuda.runtimeVersion).toBe(cudaVersionText(cuda.runtimeVersion));
    // ready only when TensorRT is in and a GPU is visible; the exit code says the same
    expect(report.ready).toBe(build.tensorrt.available && cuda.deviceCount > 0 && cuda.driverVersion !== null);
    expect(code).toBe(report.ready ? 0 : 1);
    if (!report.ready) expect(report.problems.length).toBeGreaterThan(0);
  });

  it('text output names TensorRT, CUDA driver and GPUs, and the fix when TensorRT is missing', () => {
    const report = doctorReport();
    const text = formatDoctorReport(report);
    expect(text).toMatch(/^Node\.js {8}v\d+/);
    expect(text).toMatch(/\nTensorRT {7}(yes|no)/);
    expect(text).toMatch(/\nCUDA driver {4}/);
    expect(text).toMatch(new RegExp(`\\nGPUs {11}${report.cuda.deviceCount}`));
    if (!report.tensorrt.available) {
      expect(text).toContain('searched:');
      expect(text).toContain('TENSORRT_ROOT=/path/to/TensorRT npm rebuild trt-node');
    }
  });

  it('runs as a real process through bin/trt-node.js with the same exit code', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'trt-node.js'), 'doctor', '--json'], { encoding: 'utf8', cwd: root });
    const report = JSON.parse(r.stdout) as DoctorReport;
    expect(r.status).toBe(report.ready ? 0 : 1);
  });
});
