import { formatPercent } from '../format.ts';
import { useLanguage } from '../i18n/index.ts';

interface Props {
  /** Percent done, 0–100; absent while it is not known yet. */
  value?: number | undefined;
  label: string;
}

/**
 * A progress bar screen readers announce (role, value, value in words). The fill is sized with the
 * logical `inline-size`, so in right-to-left Pashto it grows from the right.
 */
export function ProgressBar({ value, label }: Props) {
  const language = useLanguage();
  const known = value !== undefined;
  const percent = known ? Math.max(0, Math.min(100, Math.round(value))) : 0;
  const text = known ? formatPercent(language, percent) : undefined;
  return (
    <div class="progress-row">
      <div
        class={known ? 'progress' : 'progress progress-indeterminate'}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={known ? percent : undefined}
        aria-valuetext={text}
      >
        <div class="progress-fill" style={known ? { inlineSize: `${percent}%` } : undefined} />
      </div>
      {text && (
        <span class="progress-text" aria-hidden="true">
          {text}
        </span>
      )}
    </div>
  );
}
