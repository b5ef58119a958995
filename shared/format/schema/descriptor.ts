// The shape of the schema tables generated from proto/ by scripts/gen-schema.ts.
// Everything that reads or writes Core ML protobuf walks these tables, so a field exists
// for the codec, the inspector and the wire diff exactly when it exists in proto/.

export type ScalarType =
  | 'double' | 'float'
  | 'int32' | 'int64' | 'uint32' | 'uint64' | 'sint32' | 'sint64'
  | 'fixed32' | 'fixed64' | 'sfixed32' | 'sfixed64'
  | 'bool' | 'string' | 'bytes';

export type FieldKind = 'scalar' | 'enum' | 'message' | 'map';

export interface FieldDescriptor {
  /** Field name exactly as written in the .proto file. */
  readonly name: string;
  readonly no: number;
  readonly kind: FieldKind;
  /** Scalar type name, or the fully qualified enum/message name. For maps: the value type. */
  readonly type: string;
  readonly repeated: boolean;
  /** For maps: key scalar type and whether the value is a scalar, enum or message. */
  readonly keyType?: ScalarType;
  readonly valueKind?: 'scalar' | 'enum' | 'message';
  /** Name of the oneof group this field belongs to. */
  readonly oneof?: string;
}

export interface MessageDescriptor {
  readonly fullName: string;
  /** Fields in declaration order. */
  readonly fields: readonly FieldDescriptor[];
  /** oneof name -> member field names */
  readonly oneofs: Readonly<Record<string, readonly string[]>>;
}

export interface EnumDescriptor {
  readonly fullName: string;
  readonly values: Readonly<Record<string, number>>;
}
