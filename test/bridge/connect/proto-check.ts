// Checks a message the client built against the real Spark Connect protos, as loaded at run time:
// protobufjs drops a field it does not know and turns an unknown enum name into 0 without a word,
// so a misspelt field would reach Spark as "not set". Every key must be a field (camelCase, as
// the loader maps names) or a oneof's name, and every enum value a value of its enum. (The
// loader's descriptors do not tell which oneof a field is in, so oneofs are not checked.)
import { join } from 'node:path';
import * as protoLoader from '@grpc/proto-loader';

interface FieldDesc {
  name: string;
  label?: string;
  type?: string;
  typeName?: string;
}

interface MessageDesc {
  name: string;
  field?: FieldDesc[];
  nestedType?: MessageDesc[];
  enumType?: { name: string; value?: { name: string }[] }[];
  oneofDecl?: { name: string }[];
  options?: { mapEntry?: boolean } | null;
}

interface Index {
  messages: Map<string, MessageDesc>;
  enums: Map<string, Set<string>>;
}

const indexes = new Map<string, Index>();

function indexOf(protosDir: string): Index {
  let index = indexes.get(protosDir);
  if (index) return index;
  const def = protoLoader.loadSync(join(protosDir, 'spark', 'connect', 'base.proto'), {
    includeDirs: [protosDir],
    keepCase: false,
    defaults: false,
    oneofs: true,
  });
  index = { messages: new Map(), enums: new Map() };
  const add = (fullName: string, desc: MessageDesc): void => {
    index!.messages.set(fullName, desc);
    for (const e of desc.enumType ?? []) index!.enums.set(`${fullName}.${e.name}`, new Set((e.value ?? []).map((v) => v.name)));
    for (const n of desc.nestedType ?? []) add(`${fullName}.${n.name}`, n);
  };
  for (const [name, entry] of Object.entries(def)) {
    const e = entry as { format?: string; type?: unknown };
    if (e.format?.includes('DescriptorProto') && !e.format.includes('Enum') && !e.format.includes('Service')) add(name, e.type as MessageDesc);
    if (e.format?.includes('EnumDescriptorProto')) {
      const values = ((e.type as { value?: { name: string }[] }).value ?? []).map((v) => v.name);
      index.enums.set(name, new Set(values));
    }
  }
  indexes.set(protosDir, index);
  return index;
}

/** Protobuf name resolution: the innermost enclosing scope that has the name wins. */
function resolve<T>(map: Map<string, T>, scope: string, typeName: string): [string, T] | undefined {
  if (typeName.startsWith('.')) {
    const found = map.get(typeName.slice(1));
    return found === undefined ? undefined : [typeName.slice(1), found];
  }
  const parts = scope.split('.');
  for (let i = parts.length; i >= 0; i--) {
    const name = [...parts.slice(0, i), typeName].join('.');
    const found = map.get(name);
    if (found !== undefined) return [name, found];
  }
  return undefined;
}

/** What is wrong with `value` as a `typeName` message (e.g. 'spark.connect.Relation'); empty when nothing. */
export function protoProblems(protosDir: string, typeName: string, value: unknown): string[] {
  const index = indexOf(protosDir);
  const problems: string[] = [];
  const visit = (fullName: string, v: unknown, path: string): void => {
    const desc = index.messages.get(fullName);
    if (!desc) {
      problems.push(`${path}: no message ${fullName}`);
      return;
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      problems.push(`${path}: ${fullName} must be an object`);
      return;
    }
    const oneofNames = new Set((desc.oneofDecl ?? []).map((o) => o.name));
    for (const [key, fieldValue] of Object.entries(v)) {
      if (fieldValue === null || fieldValue === undefined) continue;
      const field = desc.field?.find((f) => f.name === key);
      if (!field) {
        // The loader adds the oneof's own name (which member is set) to messages it decodes.
        if (oneofNames.has(key) && typeof fieldValue === 'string') continue;
        problems.push(`${path}.${key}: ${fullName} has no field ${key}`);
        continue;
      }
      const items = field.label === 'LABEL_REPEATED' && Array.isArray(fieldValue) ? fieldValue : [fieldValue];
      if (field.type === 'TYPE_MESSAGE') {
        const child = resolve(index.messages, fullName, field.typeName ?? '');
        if (!child) {
          problems.push(`${path}.${key}: cannot resolve ${field.typeName}`);
          continue;
        }
        const [childName, childDesc] = child;
        if (childDesc.options?.mapEntry) {
          const valueField = childDesc.field?.find((f) => f.name === 'value');
          if (valueField?.type === 'TYPE_MESSAGE') {
            const valueType = resolve(index.messages, childName, valueField.typeName ?? '');
            for (const [k, mv] of Object.entries(fieldValue as object)) if (valueType) visit(valueType[0], mv, `${path}.${key}[${k}]`);
          }
          continue;
        }
        items.forEach((item, i) => visit(childName, item, items.length > 1 || Array.isArray(fieldValue) ? `${path}.${key}[${i}]` : `${path}.${key}`));
      } else if (field.type === 'TYPE_ENUM') {
        const values = resolve(index.enums, fullName, field.typeName ?? '');
        for (const item of items) {
          if (typeof item === 'string' && values && !values[1].has(item)) problems.push(`${path}.${key}: ${item} is not a value of ${values[0]}`);
        }
      }
    }
  };
  visit(typeName, value, typeName.split('.').at(-1) ?? typeName);
  return problems;
}
