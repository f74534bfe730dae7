/**
 * TRAINING_MODE: the model was exported in training mode (model.train(), or
 * torch.onnx.export(..., training=TrainingMode.TRAINING)): Dropout keeps dropping (its training_mode input is a
 * constant true) and BatchNormalization normalises with the batch's own statistics (training_mode=1, or extra
 * running-mean/var outputs). Results then depend on the batch and on chance; TensorRT imports Dropout only when
 * training_mode is a false initializer.
 */
import type { NodeSummary } from '../../onnx/types';
import type { Exporter } from '../graph';
import { constantValues, describeNode, exporterOf, intAttribute, isConstant, nodeRef } from '../graph';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

/** dynamo=True has no `training` argument: it exports the mode the module is in (and warns when it is training). */
export function trainingModeFix(exporter: Exporter): string {
  return exporter === 'dynamo'
    ? 'call model.eval() before torch.onnx.export(..., dynamo=True), which exports the mode the model is in'
    : 'call model.eval() before torch.onnx.export, or pass training=torch.onnx.TrainingMode.EVAL';
}

function finding(exporter: Exporter, node: NodeSummary, severity: 'error' | 'warning', cause: string, details: Record<string, unknown>): Finding {
  const fix = trainingModeFix(exporter);
  return {
    code: 'TRAINING_MODE',
    severity,
    message: `${describeNode(node)} ${cause}: the model was exported in training mode. Fix: ${fix}.`,
    fix,
    node: nodeRef(node),
    details,
  };
}

export function checkTrainingMode(ctx: RuleContext): Finding[] {
  const { g } = ctx;
  const exporter = exporterOf(g.model);
  const findings: Finding[] = [];
  for (const node of g.model.nodes) {
    if (node.domain !== '') continue;
    if (node.opType === 'Dropout') {
      const flag = node.inputs[2];
      if (!flag) continue; // absent training_mode means inference
      const values = constantValues(g, flag);
      if (values && values.length === 1 && values[0] !== 0) {
        findings.push(
          finding(exporter, node, 'error', 'runs in training mode (its training_mode input is a constant true), so it randomly zeroes activations at inference', {
            trainingMode: true,
          }),
        );
      } else if (!isConstant(g, flag)) {
        // A graph input is fed at run time, not computed: say which it is.
        const source = g.model.inputs.some((i) => i.name === flag) ? 'the graph input' : 'a computed tensor';
        findings.push(
          finding(exporter, node, 'warning', `takes training_mode from ${source} '${flag}'; TensorRT requires it to be a false initializer`, {
            trainingMode: flag,
          }),
        );
      }
    } else if (node.opType === 'BatchNormalization') {
      const mode = intAttribute(node, 'training_mode');
      const outputs = node.outputs.filter(Boolean).length;
      if (mode === 1 || outputs > 1) {
        findings.push(
          finding(
            exporter,
            node,
            'error',
            `computes batch statistics (${mode === 1 ? 'training_mode=1' : ''}${mode === 1 && outputs > 1 ? ', ' : ''}${outputs > 1 ? `${outputs} outputs: running mean/var updates` : ''}) instead of using the saved running_mean/running_var, so each output depends on the rest of the batch`,
            { trainingMode: mode ?? null, outputs },
          ),
        );
      }
    }
  }
  return findings;
}
