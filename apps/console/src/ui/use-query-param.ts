import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';

/**
 * One URL query parameter as state: the control updates at once (a controlled input bound to the URL
 * alone lags behind the router's transition, and a radio or a typed character snaps back), and the
 * URL follows (replace, so typing does not fill the history). Back/forward and links update it.
 */
export function useQueryParam(key: string): [string, (value: string) => void] {
  const [params, setParams] = useSearchParams();
  const fromUrl = params.get(key) ?? '';
  const [value, setValue] = useState(fromUrl);
  useEffect(() => setValue(fromUrl), [fromUrl]);
  const set = (next: string) => {
    setValue(next);
    setParams(
      (current) => {
        const query = new URLSearchParams(current);
        if (next) query.set(key, next);
        else query.delete(key);
        return query;
      },
      { replace: true },
    );
  };
  return [value, set];
}

/**
 * The URL query of a filtered list, and a setter of one filter in it: an empty value removes it, and
 * the URL is replaced (no history entry per change).
 */
export function useFilters(): [URLSearchParams, (key: string, value: string) => void] {
  const [params, setParams] = useSearchParams();
  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  return [params, setFilter];
}

/** `value` when it is one of `all`, else undefined (a hand-edited URL may hold anything). */
export const pick = <T extends string>(all: readonly T[], value: string | null): T | undefined =>
  all.find((choice) => choice === value);
