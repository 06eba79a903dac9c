import type { ComponentChildren } from 'preact';
import { useMessages } from '../i18n/index.ts';

interface Props {
  kind: 'error' | 'warning' | 'note' | 'info';
  title?: ComponentChildren;
  children: ComponentChildren;
  onDismiss?: () => void;
  /** Extra content under the text, e.g. a button that acts on the advice. */
  action?: ComponentChildren;
  id?: string;
}

/** A message box. Errors are role="alert", so they are read out the moment they appear. */
export function Alert({ kind, title, children, onDismiss, action, id }: Props) {
  const t = useMessages();
  return (
    <div class={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : undefined} id={id}>
      <div class="alert-body">
        {title && <strong class="alert-title">{title}: </strong>}
        {children}
        {action && <div class="alert-action">{action}</div>}
      </div>
      {onDismiss && (
        <button
          type="button"
          class="button-icon"
          onClick={onDismiss}
          aria-label={t.dismiss}
          title={t.dismiss}
        >
          ×
        </button>
      )}
    </div>
  );
}
