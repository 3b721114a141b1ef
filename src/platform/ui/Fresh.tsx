import type { HTMLAttributes, ReactNode } from 'react';
import type { State } from '../state/store';
import { useStore } from '../state/store';
import { useDim } from './useDim';

type Props = HTMLAttributes<HTMLElement> & {
  /** Whether the result drawn inside is the current one. */
  select: (s: State) => boolean;
  className: string;
  children: ReactNode;
  as?: 'div' | 'section';
  [data: `data-${string}`]: string | number | boolean | undefined;
};

/**
 * Dims what it wraps while its result is stale (a newer one is being computed, see useDim) and
 * marks it with `data-current`. It subscribes to the freshness flag itself, so a flip re-renders only this
 * wrapper: the chart inside, an unchanged element, is not drawn again.
 */
export function Fresh({ select, className, children, as = 'div', ...rest }: Props) {
  const current = useStore(select);
  const dim = useDim(current);
  const Tag = as;
  return (
    <Tag className={dim ? `${className} stale` : className} data-current={current} {...rest}>
      {children}
    </Tag>
  );
}
