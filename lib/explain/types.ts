/**
 * What `trt-node explain` answers: the findings of `check` (same codes, same PyTorch-worded fixes) that an error
 * text amounts to — a traceback of torch.onnx.export, an onnxruntime message, a TensorRT build log — plus notes for
 * what it recognises but is no pitfall (a benign warning). JSON-able.
 */
import type { Finding } from '../diagnostics/findings';

/** The tool whose text a finding was read from. */
export type ExplainSource = 'torch.onnx.export (dynamo=False)' | 'torch.onnx.export (dynamo=True)' | 'torch.onnx.export' | 'onnxruntime' | 'TensorRT' | 'trt-node check';

/** A finding read from text: check's Finding, with the tool and the line it came from. */
export type ExplainedFinding = Finding & {
  source: ExplainSource;
  /** The line of the text that says it (trimmed, at most 300 characters). */
  evidence: string;
};

/** Something recognised that needs no fix, or is no trt-node pitfall (e.g. TensorRT casting INT64 weights). */
export interface ExplainNote {
  source: ExplainSource;
  message: string;
  fix?: string;
  evidence: string;
}

export interface Explanation {
  findings: ExplainedFinding[];
  notes: ExplainNote[];
  /** Whether anything in the text was recognised. */
  recognized: boolean;
}
