import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface Props {
  titleId: string;
  title: ComponentChildren;
  /** Called when the dialog closes by itself (Escape) or is unmounted by its owner. */
  onClose: () => void;
  /** While a request runs, Escape does not close the dialog under it. */
  busy?: boolean;
  children: ComponentChildren;
}

/**
 * A native modal <dialog>, open for as long as it is mounted: showModal() makes the rest of the page
 * inert, keeps focus inside, closes on Escape and gives focus back to the button that opened it.
 */
export function Modal({ titleId, title, onClose, busy = false, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      class="modal"
      aria-labelledby={titleId}
      onClose={onClose}
      onCancel={(event) => {
        if (busy) event.preventDefault();
      }}
    >
      <h2 class="modal-title" id={titleId}>
        {title}
      </h2>
      {children}
    </dialog>
  );
}
