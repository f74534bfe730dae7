/**
 * `trt-node doctor [--json]`: the truth about this machine for trt-node — Node, the native addon and how it was
 * built, TensorRT (found or not, with every place the build searched), the CUDA runtime and driver, and the GPUs the
 * runtime sees now. Exit code 0 when engines can be built and run here, 1 when not (the report says why).
 */
import type { Command } from 'commander';
import { doctorReport, formatDoctorReport } from '../../trt/doctor';
import { toJson } from '../../util/json';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('report Node, the native addon, TensorRT, CUDA and GPUs on this machine')
    .option('--json', 'print one JSON document instead of text')
    .action((options: { json?: boolean }) => {
      const report = doctorReport();
      process.stdout.write(options.json ? `${toJson(report)}\n` : formatDoctorReport(report));
      process.exitCode = report.ready ? 0 : 1;
    });
}
