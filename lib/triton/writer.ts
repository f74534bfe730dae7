/**
 * Writes a message as protobuf text format, in the layout of Triton's documentation (`input [ { ... } ]`, one field
 * a line, two-space indents), driven by the same schema the reader uses: fields in the proto's order, enum values by
 * name, strings escaped so that the reader (and Triton's parser) reads back exactly what was written.
 */
import type { FieldSchema, TextFormatSchema } from './schema';

/** A string literal: quotes, backslashes and control characters escaped; other Unicode written as UTF-8. */
export function quoteText(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function scalarText(field: FieldSchema, value: unknown): string {
  if (field.type === 'string') return quoteText(String(value));
  if (field.type === 'enum' || field.type === 'bool') return String(value);
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`formatTextFormat: ${field.name} must be a finite number, not ${String(value)}`);
  return String(value);
}

function messageLines(value: Record<string, unknown>, typeName: string, schema: TextFormatSchema, indent: string): string[] {
  const type = schema.messages[typeName];
  if (!type) throw new TypeError(`formatTextFormat: ${typeName} is not described, so it cannot be written`);
  for (const key of Object.keys(value)) {
    if (value[key] !== undefined && !type.fields.some((f) => f.name === key)) throw new TypeError(`formatTextFormat: ${typeName} has no field ${key}`);
  }
  const lines: string[] = [];
  for (const field of type.fields) {
    const v = value[field.name];
    if (v === undefined) continue;
    if (field.mapKey !== undefined) {
      for (const [key, entry] of Object.entries(v as Record<string, unknown>)) {
        const keyText = field.mapKey === 'string' ? quoteText(key) : key;
        if (field.type === 'message') {
          lines.push(`${indent}${field.name} {`, `${indent}  key: ${keyText}`, ...block('value', entry as Record<string, unknown>, field.typeName!, schema, `${indent}  `), `${indent}}`);
        } else {
          lines.push(`${indent}${field.name} { key: ${keyText} value: ${scalarText(field, entry)} }`);
        }
      }
    } else if (field.type === 'message' && field.repeated) {
      const list = v as Record<string, unknown>[];
      lines.push(`${indent}${field.name} [`);
      list.forEach((m, i) => lines.push(`${indent}  {`, ...messageLines(m, field.typeName!, schema, `${indent}    `), `${indent}  }${i < list.length - 1 ? ',' : ''}`));
      lines.push(`${indent}]`);
    } else if (field.type === 'message') {
      lines.push(...block(field.name, v as Record<string, unknown>, field.typeName!, schema, indent));
    } else if (field.repeated) {
      lines.push(`${indent}${field.name}: [ ${(v as unknown[]).map((x) => scalarText(field, x)).join(', ')} ]`);
    } else {
      lines.push(`${indent}${field.name}: ${scalarText(field, v)}`);
    }
  }
  return lines;
}

function block(name: string, value: Record<string, unknown>, typeName: string, schema: TextFormatSchema, indent: string): string[] {
  const inner = messageLines(value, typeName, schema, `${indent}  `);
  return inner.length ? [`${indent}${name} {`, ...inner, `${indent}}`] : [`${indent}${name} { }`];
}

/** `value` as text format of message `root`; `comments` become '# ' lines at the top. */
export function formatTextFormat(value: Record<string, unknown>, schema: TextFormatSchema, root: string, comments: readonly string[] = []): string {
  const head = comments.map((c) => `# ${c.replace(/[\r\n]+/g, ' ')}`);
  return `${[...head, ...messageLines(value, root, schema, '')].join('\n')}\n`;
}
