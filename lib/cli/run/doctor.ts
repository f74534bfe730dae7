/**
 * `trt-node doctor [--json [file]]`: the truth about this machine for trt-node — Node, the native addon and how it
 * was built, TensorRT (found or not, with every place the build searched), the CUDA runtime and driver, and the GPUs
 * the runtime sees now. Exit code 0 when engines can be built and run here, 1 when not (the report says why).
 */
import { doctorReport, formatDoctorReport } from '../../trt/doctor';
import { EXIT_FAILED, EXIT_OK } from '../exit-codes';
import { emitJson, type CliContext } from '../output';

export async function runDoctor(ctx: CliContext, cli: { json?: string | boolean }): Promise<number> {
  const report = doctorReport();
  if (!(await emitJson(ctx, cli.json, report, []))) ctx.out(formatDoctorReport(report, { width: ctx.style.width }));
  return report.ready ? EXIT_OK : EXIT_FAILED;
}
