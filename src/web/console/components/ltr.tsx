import type { ComponentChildren } from 'preact';

/**
 * A Latin token (a snapshot or server name, an id, a token) in its own left-to-right isolate, so inside
 * Pashto text its hyphens and digits stay in order and it does not pull its neighbours around.
 */
export function Ltr({
  children,
  class: className,
  id,
}: {
  children: ComponentChildren;
  class?: string;
  id?: string;
}) {
  return (
    <bdi dir="ltr" class={className} id={id}>
      {children}
    </bdi>
  );
}
