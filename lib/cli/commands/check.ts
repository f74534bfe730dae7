/**
 * `trt-node check [model]`: the export pitfalls named in PyTorch terms, then the runs (onnxruntime-node, and a
 * TensorRT engine when given) compared with the PyTorch reference, the dynamic axes probed, and with --sweep,
 * --probes or an engine the cross-check over the whole dynamic range. Exit 0 pass, 1 fail, 2 usage, 130 interrupted.
 */
import type { Command } from 'commander';
import { addBudgetOption, addExternalDataOption, addJsonOption, addModelOptions, collect } from '../options';
import { addEngineSource, type EngineSourceFlags } from '../options/engine';
import type { CliContext } from '../output';

export interface CheckCliOptions extends EngineSourceFlags {
  onnx?: string;
  externalDataDir?: string;
  shapes?: string[];
  inputs?: string;
  reference?: string;
  atol?: string[];
  rtol?: string[];
  range?: string;
  unordered?: string;
  saveOutputs?: string;
  probe?: boolean;
  seed?: string;
  sweep?: boolean;
  probes?: string[];
  report?: string;
  json?: string | boolean;
  maxTensorBytes?: string;
  tritonConfig?: string;
  layers?: string;
}

export function defineCheck(program: Command, ctx: CliContext): void {
  const command = program
    .command('check')
    .description(
      'diagnose PyTorch export pitfalls (fixed dims, weights as inputs, ops TensorRT cannot import, resize semantics, ' +
        'training mode, dynamic axes that cannot vary), run the model and compare with a reference, across the dynamic range',
    )
    .argument('[model]', 'the .onnx file (default: the bundled super-resolution example and its PyTorch references)')
    .option('--inputs <npz>', '.npz with the model inputs by name (numpy.savez(f, **{input_name: array})); a .npy (numpy.save) for a model with one input')
    .option('--reference <npz>', '.npz with the expected outputs by name (e.g. PyTorch outputs of the same inputs); a .npy for one output; alone for a model without inputs')
    .option(
      '--shapes <spec>',
      "run at these shapes with generated inputs, trtexec syntax 'input:1x1x256x256,mask:1x256' (repeat for more); " +
        "'input:min..opt..max' is a profile: check builds a TensorRT engine with it (and any build option) and cross-checks it",
      collect,
    )
    .option('--atol <tol>', "absolute tolerance: '1e-4' for every output and/or 'output:1e-3' per output (default: by dtype, float32 1e-4)", collect)
    .option('--rtol <tol>', "relative tolerance: '1e-3' for every output and/or 'output:1e-2' per output (default: by dtype, float32 1e-3)", collect)
    .option('--unordered <outputs>', 'compare these outputs in any row order, comma-separated (detections after NMS/TopK)')
    .option('--range <spec>', "value range of generated inputs: '-1..1' for all and/or 'mask:0..1' per input (default 0..1)")
    .option('--seed <n>', 'seed of generated inputs (default 0)')
    .option('--save-outputs <npz>', "save the outputs of the runs to this .npz (several runs: keys '<output>@<shape>')")
    .option('--no-probe', 'do not probe the dynamic axes at other sizes')
    .option('--sweep', "cross-check the whole dynamic range: each profile's min/opt/max, sizes in between and odd sizes")
    .option('--probes <spec>', "cross-check at these shapes instead, one set per option (trtexec syntax; a bare 1x1x64x64 for one input)", collect)
    .option(
      '--layers <spec>',
      "compare intermediate tensors too: 'all', or tensor names, node names and op types, comma-separated (e.g. Resize,Softmax); " +
        'names the first diverging node and its PyTorch module (a TensorRT engine built here gets a marked twin)',
    )
    .option('--report <file>', 'write the cross-check report: .html (self-contained, with charts and error heatmaps) or .json')
    .option('--triton-config <pbtxt>', "lint a Triton config.pbtxt against --engine's plan: each mismatch Triton would report at load time, with the line to change");
  addEngineSource(command, { engine: 'also run this TensorRT engine (.plan) and cross-check it with onnxruntime-node across its profiles' });
  addModelOptions(command);
  addExternalDataOption(command);
  addBudgetOption(command);
  addJsonOption(command, 'the check report');
  command.action(async (model: string | undefined, cli: CheckCliOptions) => {
    ctx.exitCode =
      cli.tritonConfig !== undefined
        ? await (require('../run/check-triton') as typeof import('../run/check-triton')).runTritonConfigCheck(ctx, model, cli)
        : await (require('../run/check') as typeof import('../run/check')).runCheck(ctx, model, cli);
  });
}
