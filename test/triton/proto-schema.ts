/**
 * Triton's own schema: model_config.proto of triton-inference-server/common, fetched into .triton-proto/ (git-ignored:
 * fetched code is never committed; README "Triton" says how), parsed with protobufjs. Used only by the checks that
 * compare trt-node's hand-written description (lib/triton/schema.ts) and its configs with it; nothing trt-node runs
 * needs the file.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as protobuf from 'protobufjs';
import type { FieldSchema, MessageSchema, ScalarType, TextFormatSchema } from '../../lib/triton/schema';

export const PROTO_DIR = path.resolve(__dirname, '../../.triton-proto');
export const PROTO_FILE = path.join(PROTO_DIR, 'model_config.proto');

/** Why the schema checks cannot run here, or null. */
export function protoSkipReason(): string | null {
  return fs.existsSync(PROTO_FILE) ? null : `${path.relative(process.cwd(), PROTO_FILE)} is absent (fetch triton-inference-server/common's protobuf/model_config.proto there: README, "Triton")`;
}

/** The commit of triton-inference-server/common the proto was taken from, when recorded beside it. */
export function protoCommit(): string {
  const file = path.join(PROTO_DIR, 'COMMIT');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : 'unknown commit';
}

export function loadProto(): protobuf.Root {
  const root = protobuf.parse(fs.readFileSync(PROTO_FILE, 'utf8'), { keepCase: true }).root;
  root.resolveAll();
  return root;
}

const SCALARS = new Set<string>(['string', 'bytes', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'float', 'double']);

/** A field as lib/triton/schema.ts writes it, from protobufjs's reflection. */
export function fieldSchemaOf(field: protobuf.Field): FieldSchema {
  const out: FieldSchema = { name: field.name, number: field.id, type: 'string' };
  if (SCALARS.has(field.type)) out.type = field.type as ScalarType;
  else if (field.resolvedType instanceof protobuf.Enum) out.type = 'enum';
  else if (field.resolvedType instanceof protobuf.Type) out.type = 'message';
  else throw new Error(`unsupported field type ${field.type} of ${field.fullName}`);
  if (out.type === 'enum' || out.type === 'message') out.typeName = field.resolvedType!.fullName.replace(/^\./, '');
  if (field.repeated) out.repeated = true;
  if (field instanceof protobuf.MapField) out.mapKey = field.keyType as ScalarType;
  if (field.partOf) out.oneof = field.partOf.name;
  return out;
}

/** Every message and enum of the proto, in the reader's schema format: the full schema, nothing opaque. */
export function schemaFromProto(root: protobuf.Root): TextFormatSchema {
  const messages: Record<string, MessageSchema> = {};
  const enums: Record<string, Record<string, number>> = {};
  const visit = (ns: protobuf.NamespaceBase) => {
    for (const nested of ns.nestedArray) {
      const name = nested.fullName.replace(/^\./, '');
      if (nested instanceof protobuf.Type) messages[name] = { name, fields: nested.fieldsArray.map(fieldSchemaOf) };
      if (nested instanceof protobuf.Enum) enums[name] = { ...nested.values };
      if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) visit(nested as protobuf.NamespaceBase);
    }
  };
  visit(root);
  return { messages, enums };
}
