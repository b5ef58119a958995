// A small SVG histogram of a tensor's values.
import { formatNumber } from './format';

export function Histogram(props: { counts: readonly number[]; min: number; max: number }) {
  const W = 240, H = 56;
  const peak = Math.max(1, ...props.counts);
  const bw = W / props.counts.length;
  return (
    <figure className="histogram" data-testid="histogram">
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label="histogram of values">
        {props.counts.map((c, i) => {
          // Square-root scale keeps sparse tails visible next to a tall peak.
          const h = c ? Math.max(1, Math.sqrt(c / peak) * (H - 2)) : 0;
          return <rect key={i} x={i * bw + 0.5} y={H - h} width={Math.max(1, bw - 1)} height={h}><title>{c}</title></rect>;
        })}
      </svg>
      <figcaption><span>{formatNumber(props.min)}</span><span>{formatNumber(props.max)}</span></figcaption>
    </figure>
  );
}
