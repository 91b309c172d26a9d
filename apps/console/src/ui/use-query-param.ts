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
