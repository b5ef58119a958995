// `mlsurgeon edit IN -o OUT [operations…]`: the editor's named operations from the command line,
// applied in the order given, each refusing bad requests with the same reasons the UI shows.
import type { Model } from '../shared/format';
import {
  PREPROCESSING_PRESETS, applyOperationChecked, isPreprocessingPreset, parseLabelFile, type AppliedOperation,
  type ArrayDataTypeName, type CheckOptions, type CheckedOperation, type ColorSpaceName, type OperationArgs,
  type OperationName, type SetPreprocessingArgs,
} from '../shared/surgery';

export class EditUsageError extends Error {}

export const EDIT_USAGE = `usage: mlsurgeon edit IN -o OUT [operations…]   (applied in order)
  --rename-input OLD=NEW        rename a model input everywhere it is referenced
  --rename-output OLD=NEW       rename a model output everywhere it is referenced
  --rename-blob OLD=NEW         rename any blob (intermediate tensor)
  --describe NAME=TEXT          set a feature's short description
  --set-shape NAME=D1,D2,…      set a multiArray feature's shape (add or drop size-1 dimensions)
  --set-type NAME=DTYPE         FLOAT32, DOUBLE, INT32, FLOAT16 or INT8
  --set-image NAME=WxH[,COLOR]  set an image feature's size (and RGB, BGR or GRAYSCALE)
  --optional NAME=true|false    mark an input optional
  --preprocess NAME:K=V,…       scale=S, bias=R,G,B, std=R,G,B, color=RGB|BGR, or preset=zeroToOne|minusOneToOne|caffe|imagenet
  --fp16                        convert fp32 weights to fp16
  --quantize BITS[,MODE]        quantize weights: MODE linear (default), linear-per-channel, kmeans-lut, linear-lut
  --expose BLOB                 make an intermediate blob an extra model output
  --author TEXT  --license TEXT  --version TEXT  --short-description TEXT
  --meta KEY=VALUE              set a user-defined metadata entry
  --labels FILE                 set a classifier's class labels from a text file (one per line)
  --spec-version N|minimum      declare a specification version (never below what the model needs)
  --force                       apply and write even if an edit introduces validation errors
Every edit is validated as it is applied; one that introduces a validation error stops the command
and nothing is written (unless --force). Whenever the specification version rises (fp16,
quantization, a newer feature, or on save), the new version and the reasons are printed.`;

function split(value: string, flag: string, sep = '='): [string, string] {
  const i = value.indexOf(sep);
  if (i <= 0) throw new EditUsageError(`${flag} needs NAME${sep}VALUE (got "${value}")`);
  return [value.slice(0, i), value.slice(i + 1)];
}

function numbers(text: string, flag: string): number[] {
  const out = text.split(',').map((t) => Number(t.trim()));
  if (out.some((n) => !Number.isFinite(n))) throw new EditUsageError(`${flag}: "${text}" is not a list of numbers`);
  return out;
}

/** "image:scale=0.007843,bias=-1,-1,-1" -> {input: 'image', scale: …, bias: [...]} */
export function parsePreprocess(value: string): SetPreprocessingArgs {
  const [input, rest] = split(value, '--preprocess', ':');
  const groups: Record<string, string[]> = {};
  let key = '';
  for (const token of rest.split(',')) {
    const eq = token.indexOf('=');
    if (eq >= 0) {
      key = token.slice(0, eq).trim();
      if (groups[key]) throw new EditUsageError(`--preprocess: ${key} is given twice`);
      groups[key] = [token.slice(eq + 1).trim()];
    }
    else if (key) groups[key].push(token.trim());
    else throw new EditUsageError(`--preprocess: "${token}" has no key (write scale=…, bias=…)`);
  }
  const args: { -readonly [K in keyof SetPreprocessingArgs]?: SetPreprocessingArgs[K] } = { input };
  const one = (k: string, v: string[]) => {
    if (v.length !== 1 || v[0] === '') throw new EditUsageError(`--preprocess ${k}: give one ${k === 'scale' ? 'number' : 'value'} (got "${v.join(',')}")`);
    return v[0];
  };
  for (const [k, v] of Object.entries(groups)) {
    switch (k) {
      case 'scale': args.scale = numbers(one(k, v), '--preprocess scale')[0]; break;
      case 'bias': args.bias = numbers(v.join(','), '--preprocess bias'); break;
      case 'std': args.std = numbers(v.join(','), '--preprocess std'); break;
      case 'color': {
        const c = one(k, v).toUpperCase();
        if (c !== 'RGB' && c !== 'BGR') throw new EditUsageError(`--preprocess color: "${v[0]}" is not a channel order; use RGB or BGR`);
        args.colorSpace = c;
        break;
      }
      case 'preset': {
        const name = one(k, v);
        if (!isPreprocessingPreset(name)) throw new EditUsageError(`--preprocess preset: "${name}" is not a preset; use ${PREPROCESSING_PRESETS.join(', ')}`);
        args.preset = name;
        break;
      }
      default: throw new EditUsageError(`--preprocess: unknown key ${k} (scale, bias, std, color, preset)`);
    }
  }
  return args as SetPreprocessingArgs;
}

export interface EditFlagsResult {
  readonly spec: Model;
  readonly applied: AppliedOperation[];
  /** Each operation's checked result, in order: introduced findings and version raises. */
  readonly steps: CheckedOperation[];
}

/**
 * Applies the operations named by the flags, in order, each checked as the editor checks it: one
 * that introduces a validation error throws EditIntroducesErrors unless `force` is set.
 */
export function applyEditFlags(spec: Model, flags: readonly string[], textFiles: Readonly<Record<string, string>> = {}, options: CheckOptions = {}): EditFlagsResult {
  const applied: AppliedOperation[] = [];
  const steps: CheckedOperation[] = [];
  let s = spec;
  const run = <K extends OperationName>(from: Model, name: K, args: OperationArgs[K]) => {
    const r = applyOperationChecked(from, name, args, options);
    s = r.spec;
    applied.push(r.applied);
    steps.push(r);
  };
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i];
    const value = () => {
      const v = flags[++i];
      if (v === undefined) throw new EditUsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--rename-input': case '--rename-output': case '--rename-blob': {
        const [from, to] = split(value(), flag);
        run(s, flag === '--rename-blob' ? 'renameBlob' : 'renameFeature', { from, to });
        break;
      }
      case '--describe': { const [name, text] = split(value(), flag); run(s, 'setFeatureType', { name, shortDescription: text }); break; }
      case '--set-shape': { const [name, dims] = split(value(), flag); run(s, 'setFeatureType', { name, shape: numbers(dims, flag) }); break; }
      case '--set-type': { const [name, t] = split(value(), flag); run(s, 'setFeatureType', { name, dataType: t.toUpperCase() as ArrayDataTypeName }); break; }
      case '--set-image': {
        const [name, spec2] = split(value(), flag);
        const m = /^(\d+)x(\d+)(?:,(\w+))?$/.exec(spec2);
        if (!m) throw new EditUsageError(`${flag} needs NAME=WIDTHxHEIGHT[,COLOR] (got "${spec2}")`);
        run(s, 'setFeatureType', { name, width: Number(m[1]), height: Number(m[2]), ...(m[3] ? { colorSpace: m[3].toUpperCase() as ColorSpaceName } : {}) });
        break;
      }
      case '--optional': {
        const [name, v] = split(value(), flag);
        if (v !== 'true' && v !== 'false') throw new EditUsageError(`--optional ${name}: give true or false (got "${v}")`);
        run(s, 'setFeatureType', { name, optional: v === 'true' });
        break;
      }
      case '--preprocess': run(s, 'setPreprocessing', parsePreprocess(value())); break;
      case '--fp16': run(s, 'convertToFloat16', {}); break;
      case '--quantize': {
        const [bits, mode = 'linear'] = value().split(',');
        if (!/^\d+$/.test(bits)) throw new EditUsageError(`--quantize: "${bits}" is not a number of bits (1 to 8)`);
        const modes: Record<string, { mode: 'linear' | 'kmeansLut' | 'linearLut'; perChannel?: boolean }> = {
          linear: { mode: 'linear' }, 'linear-per-channel': { mode: 'linear', perChannel: true }, 'kmeans-lut': { mode: 'kmeansLut' }, 'linear-lut': { mode: 'linearLut' },
        };
        if (!modes[mode]) throw new EditUsageError(`--quantize: unknown mode ${mode} (linear, linear-per-channel, kmeans-lut, linear-lut)`);
        run(s, 'quantizeWeights', { bits: Number(bits), ...modes[mode] });
        break;
      }
      case '--expose': run(s, 'exposeBlob', { blob: value() }); break;
      case '--author': run(s, 'setMetadata', { author: value() }); break;
      case '--license': run(s, 'setMetadata', { license: value() }); break;
      case '--version': run(s, 'setMetadata', { versionString: value() }); break;
      case '--short-description': run(s, 'setMetadata', { shortDescription: value() }); break;
      case '--labels': {
        const file = value();
        const text = textFiles[file];
        if (text === undefined) throw new EditUsageError(`--labels: ${file} was not read`);
        run(s, 'setClassLabels', { labels: parseLabelFile(text) });
        break;
      }
      case '--spec-version': { const v = value(); run(s, 'setSpecificationVersion', { version: v === 'minimum' ? 'minimum' : Number(v) }); break; }
      case '--meta': { const [k, v] = split(value(), flag); run(s, 'setMetadata', { set: { [k]: v } }); break; }
      default: throw new EditUsageError(`unknown edit option ${flag}\n${EDIT_USAGE}`);
    }
  }
  return { spec: s, applied, steps };
}
