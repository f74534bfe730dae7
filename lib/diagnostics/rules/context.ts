import type { GraphIndex } from '../graph';
import type { Finding, ShapeRequest } from '../findings';

/** What every static rule gets. */
export interface RuleContext {
  g: GraphIndex;
  /** Shapes asked for (--shapes, --inputs dims, profile bounds); empty when none. */
  requests: readonly ShapeRequest[];
}

export type StaticRule = (ctx: RuleContext) => Finding[];
