// The reference decoder the benchmarks compare against: protobufjs with a reflection Root loaded
// from the same proto/*.proto files our schema is generated from (keepCase, so field names match).
import protobuf from 'protobufjs';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function loadReferenceModelType(protoDir: string): protobuf.Type {
  const root = new protobuf.Root();
  // Imports name bare files ("DataStructures.proto"): all of them live in protoDir.
  root.resolvePath = (_origin, target) => join(protoDir, target.replace(/^.*[\\/]/, ''));
  const files = readdirSync(protoDir).filter((f) => f.endsWith('.proto')).sort();
  root.loadSync(files.map((f) => join(protoDir, f)), { keepCase: true });
  root.resolveAll();
  return root.lookupType('CoreML.Specification.Model');
}
