// The readable form of an InspectResult: what Xcode's General tab shows, plus a histogram of
// layer types and where the weight bytes are.
import { describeFeatureType } from '../format';
import { SPEC_VERSION_OS, type InspectResult, type ModelTreeNode } from './inspect';

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

function tree(nodes: readonly ModelTreeNode[], indent: string, out: string[]): void {
  nodes.forEach((n, i) => {
    out.push(`${indent}${i + 1}. ${n.modelType}`);
    if (n.models) tree(n.models, `${indent}   `, out);
  });
}

export function formatInspectSummary(r: InspectResult, fileName: string, fileBytes?: number): string {
  const out: string[] = [];
  const os = SPEC_VERSION_OS[r.specificationVersion];
  out.push(`${fileName}${fileBytes !== undefined ? `  (${formatBytes(fileBytes)})` : ''}`);
  out.push(`  Format:         ${r.format === 'mlpackage' ? 'ML Package (.mlpackage)' : 'Core ML model (.mlmodel)'}`);
  out.push(`  Type:           ${r.modelType ?? '(none)'}${r.isUpdatable ? ' (updatable)' : ''}`);
  out.push(`  Spec version:   ${r.specificationVersion}${os ? ` — ${os}` : ''}`);
  const md = r.metadata;
  if (md.shortDescription) out.push(`  Description:    ${md.shortDescription}`);
  if (md.author) out.push(`  Author:         ${md.author}`);
  if (md.license) out.push(`  License:        ${md.license}`);
  if (md.versionString) out.push(`  Version:        ${md.versionString}`);
  if (r.models.length) {
    out.push('  Pipeline:');
    tree(r.models, '    ', out);
  }
  const features = (title: string, list: InspectResult['inputs']): void => {
    if (!list.length) return;
    out.push(`  ${title}:`);
    const w = Math.max(...list.map((f) => f.name.length));
    for (const f of list) out.push(`    ${f.name.padEnd(w)}  ${describeFeatureType(f.type)}${f.shortDescription ? `  — ${f.shortDescription}` : ''}`);
  };
  features('Inputs', r.inputs);
  features('Outputs', r.outputs);
  if (r.predictedFeatureName) out.push(`  Predicted feature:       ${r.predictedFeatureName}`);
  if (r.predictedProbabilitiesName) out.push(`  Predicted probabilities: ${r.predictedProbabilitiesName}`);
  for (const p of r.preprocessing) out.push(`  Preprocessing:  ${p.kind} on ${p.featureName || '(the image input)'}`);
  for (const c of r.classLabels ?? []) {
    out.push(`  Class labels:   ${c.count} ${c.kind} labels (${c.first.slice(0, 5).join(', ')}${c.count > 5 ? ', …' : ''})`);
  }
  const ud = Object.entries(md.userDefined);
  if (ud.length) {
    out.push('  User-defined metadata:');
    for (const [k, v] of ud) out.push(`    ${k}: ${v}`);
  }
  if (r.mlProgram) {
    out.push(`  ML Program:     functions ${r.mlProgram.functions.join(', ')}; opsets ${r.mlProgram.opsets.join(', ')}; ${r.mlProgram.opCount} operations`);
  }
  if (r.layerCount) {
    out.push(`  ${r.mlProgram ? 'Operations' : 'Layers'} (${r.layerCount}):`);
    const hist = Object.entries(r.layerTypes).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const max = hist[0][1];
    const w = Math.max(...hist.map(([k]) => k.length));
    for (const [k, n] of hist) out.push(`    ${k.padEnd(w)}  ${String(n).padStart(5)}  ${'█'.repeat(Math.max(1, Math.round((n / max) * 30)))}`);
  }
  const wb = Object.entries(r.weights.bytes).filter(([, n]) => n > 0);
  if (wb.length) {
    out.push('  Weights:');
    for (const [k, n] of wb) out.push(`    ${k.padEnd(24)} ${formatBytes(n).padStart(10)}${r.weights.counts[k] ? `  in ${r.weights.counts[k]} tensors` : ''}`);
  }
  for (const w of r.warnings) out.push(`  Warning: ${w}`);
  return out.join('\n');
}
