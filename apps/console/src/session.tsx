import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { api, ok, setCsrfToken, whenSignedOut, type Schema } from './api';

export type Role = 'viewer' | 'operator' | 'admin';
const RANK: Record<string, number> = { viewer: 0, operator: 1, admin: 2 };

/** Who is signed in: the API key's name and role, and when the session ends. */
export type Session = Schema<'SessionDto'>;

interface SessionState {
  session: Session | null;
  /** Exchanges an API key for a session cookie; throws an ApiError with the server's reason. */
  signIn(apiKey: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);
const SESSION_KEY = ['session'];

/** Holds the console's session: read once at start (`GET /session`), dropped on any 401. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const query = useQuery({
    queryKey: SESSION_KEY,
    queryFn: async () => {
      const { data, response } = await api.GET('/api/v1/session');
      return response.ok && data ? data : null;
    },
    staleTime: Infinity,
    retry: false,
  });
  const session = query.data ?? null;
  setCsrfToken(session?.csrfToken ?? null);

  useEffect(() => {
    whenSignedOut(() => {
      if (client.getQueryData(SESSION_KEY)) {
        client.setQueryData(SESSION_KEY, null);
        client.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
      }
    });
  }, [client]);

  const signIn = useCallback(
    async (apiKey: string) => {
      const next = await ok(api.POST('/api/v1/session', { body: { apiKey } }));
      setCsrfToken(next.csrfToken ?? null);
      client.setQueryData(SESSION_KEY, next);
    },
    [client],
  );
  const signOut = useCallback(async () => {
    await api.DELETE('/api/v1/session');
    setCsrfToken(null);
    // Not client.clear(): it would drop the query the SessionProvider observes, which then keeps
    // showing the signed-in shell; set it to null and drop every other query instead.
    client.setQueryData(SESSION_KEY, null);
    client.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
  }, [client]);

  const value = useMemo(() => ({ session, signIn, signOut }), [session, signIn, signOut]);
  if (query.isPending) return <p className="loading">Loading…</p>;
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

/**
 * Whether the signed-in key has at least `role`. The console offers only what the role may do; the
 * server enforces it regardless.
 */
export function useCan(role: Role): boolean {
  const { session } = useSession();
  return session !== null && (RANK[session.role] ?? -1) >= RANK[role];
}
