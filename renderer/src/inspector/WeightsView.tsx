// A weight tensor: storage, shape, element count, statistics, histogram and .npy export.
import { useMemo, useState } from 'react';
import { encodeNpy } from '../../../shared/numeric';
import { useHost } from '../hostContext';
import { useViewStore } from '../store/viewStore';
import { histogram, tensorStats } from '../weights/stats';
import type { TensorView } from '../weights/tensor';
import { formatBytes, formatNumber, shapeText } from './format';
import { Histogram } from './Histogram';

/** Tensors above this many elements compute statistics only when asked (a click, not a select). */
const AUTO_STATS_LIMIT = 4_000_000;

export function WeightsView(props: { name: string; tensor: TensorView; exportName: string }) {
  const { tensor: t } = props;
  const host = useHost();
  const [wanted, setWanted] = useState(t.count <= AUTO_STATS_LIMIT);
  const decoded = useMemo(() => (wanted ? t.decode() : undefined), [t, wanted]);
  const stats = useMemo(() => (decoded ? tensorStats(decoded) : undefined), [decoded]);
  const hist = useMemo(() => (decoded && stats ? histogram(decoded, stats) : undefined), [decoded, stats]);

  const exportNpy = async (): Promise<void> => {
    const values = decoded ?? t.decode();
    if (!values) return;
    const shape = t.shape && t.shape.every((d) => d >= 0) && t.shape.reduce((a, b) => a * b, 1) === values.length ? t.shape : [values.length];
    const file = `${props.exportName.replace(/[^A-Za-z0-9_.-]+/g, '_')}.npy`;
    try {
      const where = await host.exportFile(file, encodeNpy({ shape: [...shape], data: values }));
      if (where) useViewStore.getState().setNotice(`Exported ${where}`);
    } catch (e) {
      useViewStore.getState().report(file, `could not export: ${(e as Error).message}`);
    }
  };

  return (
    <div className="weights" data-testid="weights" data-name={props.name} data-storage-kind={t.storageKind} data-count={t.count}>
      <div className="weights-head">
        <span className="field-name">{props.name}</span>
        <span className="weights-storage" data-testid="weights-storage">{t.storage}</span>
      </div>
      <div className="weights-facts">
        {t.shape && <span data-testid="weights-shape">shape {shapeText(t.shape)}</span>}
        <span data-testid="weights-count">{t.count.toLocaleString('en-US')} elements</span>
        <span>{formatBytes(t.bytes)}</span>
      </div>
      {t.location && <div className="muted small">{t.location}</div>}
      {t.problem && <div className="weights-problem">{t.problem}</div>}
      {stats && (
        <div className="weights-stats" data-testid="weights-stats">
          <span>min {formatNumber(stats.min)}</span>
          <span>max {formatNumber(stats.max)}</span>
          <span>mean {formatNumber(stats.mean)}</span>
          <span>std {formatNumber(stats.std)}</span>
          {stats.zeros > 0 && <span>{stats.zeros.toLocaleString('en-US')} zeros</span>}
          {stats.nonFinite > 0 && <span className="warn">{stats.nonFinite} NaN/∞</span>}
        </div>
      )}
      {hist && stats && <Histogram counts={hist} min={stats.min} max={stats.max} />}
      <div className="weights-actions">
        {!wanted && !t.problem && <button type="button" onClick={() => setWanted(true)}>Compute statistics</button>}
        {!t.problem && <button type="button" data-testid="export-npy" onClick={() => void exportNpy()}>Export .npy</button>}
      </div>
    </div>
  );
}
