/** The option names of the shape parsers (v.optionNames: TypeScript keeps each list equal to its type). */
import { optionNames } from '../validate';
import type { ParseDimsOptions, ParseShapeListOptions, ParseShapeTextOptions, SplitNamedListOptions } from './spec';

export const PARSE_DIMS_OPTIONS = optionNames<ParseDimsOptions>()({ option: true, entry: true, allowZero: true });
export const SPLIT_NAMED_LIST_OPTIONS = optionNames<SplitNamedListOptions>()({ option: true, example: true, allowUnnamed: true });
export const PARSE_SHAPE_LIST_OPTIONS = optionNames<ParseShapeListOptions>()({ option: true, allowZero: true });
export const PARSE_SHAPE_TEXT_OPTIONS = optionNames<ParseShapeTextOptions>()({ label: true, allowZero: true });
