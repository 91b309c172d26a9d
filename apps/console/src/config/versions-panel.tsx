import { useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { stringify } from 'yaml';
import { api, ok } from '../api';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { formatTime } from '../ui/format';
import { ErrorBox, Loading } from '../ui/page';
import { restoreVersion } from './config-api';
import { PlanView, planSummary } from './plan-view';

const YamlMerge = lazy(() => import('./yaml-merge'));
const PAGE = 20;

function useVersion(n: number | null) {
  return useQuery({
    queryKey: ['config', 'version', n],
    queryFn: () => ok(api.GET('/api/v1/config/versions/{n}', { params: { path: { n: n as number } } })),
    enabled: n !== null && n > 0,
    staleTime: Infinity,
  });
}

function useDiff(n: number | null, against: number | null) {
  return useQuery({
    queryKey: ['config', 'diff', n, against],
    queryFn: () =>
      ok(
        api.GET('/api/v1/config/versions/{n}/diff', {
          params: { path: { n: n as number }, query: { against: against as number } },
        }),
      ),
    enabled: n !== null && against !== null,
    staleTime: Infinity,
  });
}

const toYaml = (document: Record<string, unknown> | undefined) => (document ? stringify(document) : '');

/** Applied versions, newest first; one version's YAML, its diff against another, and Restore. */
export function VersionsPanel({
  headVersion,
  canRestore,
}: {
  headVersion: number | null;
  canRestore: boolean;
}) {
  const [params, setParams] = useSearchParams();
  const [offset, setOffset] = useState(0);
  const selected = Number(params.get('version')) || null;
  const versions = useQuery({
    queryKey: ['config', 'versions', offset],
    queryFn: () => ok(api.GET('/api/v1/config/versions', { params: { query: { limit: PAGE, offset } } })),
  });

  const select = (n: number | null) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (n === null) next.delete('version');
        else next.set('version', String(n));
        next.delete('against');
        return next;
      },
      { replace: true },
    );

  return (
    <section className="versions" aria-labelledby="versions-title">
      <h2 id="versions-title">Versions</h2>
      {versions.error ? <ErrorBox error={versions.error} /> : null}
      {versions.isPending ? <Loading what="Loading versions" /> : null}
      {versions.data && versions.data.items.length === 0 ? <p>No versions yet.</p> : null}
      {versions.data?.items.length ? (
        <>
          <table>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Applied</th>
                <th scope="col">By</th>
                <th scope="col">Message</th>
                <th scope="col">Changes</th>
                <th scope="col">
                  <span className="visually-hidden">Open</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {versions.data.items.map((v) => (
                <tr key={v.version} aria-current={v.version === selected ? 'true' : undefined}>
                  <td>
                    v{v.version}
                    {v.version === headVersion ? ' (current)' : ''}
                  </td>
                  <td>{formatTime(v.createdAt)}</td>
                  <td>{v.author}</td>
                  <td>
                    {v.message ?? <span className="muted">—</span>}
                    {v.restoredFrom ? <span className="muted"> (restore of v{v.restoredFrom})</span> : null}
                  </td>
                  <td>{planSummary({ changes: [], summary: v.summary })}</td>
                  <td>
                    <button type="button" onClick={() => select(v.version)}>
                      View v{v.version}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="pager">
            <button
              type="button"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PAGE))}
            >
              Newer
            </button>
            <span className="muted">
              {offset + 1}–{offset + versions.data.items.length} of {versions.data.total}
            </span>
            <button
              type="button"
              disabled={offset + PAGE >= versions.data.total}
              onClick={() => setOffset(offset + PAGE)}
            >
              Older
            </button>
          </div>
        </>
      ) : null}
      {selected ? (
        <VersionDetail
          n={selected}
          headVersion={headVersion}
          canRestore={canRestore}
          onClose={() => select(null)}
        />
      ) : null}
    </section>
  );
}

function VersionDetail(props: {
  n: number;
  headVersion: number | null;
  canRestore: boolean;
  onClose(): void;
}) {
  const { n, headVersion } = props;
  const client = useQueryClient();
  const [params, setParams] = useSearchParams();
  const against = params.has('against') ? Number(params.get('against')) : n - 1;
  const [sideBySide, setSideBySide] = useState(false);
  const version = useVersion(n);
  const older = useVersion(sideBySide && against > 0 ? against : null);
  const diff = useDiff(n, against);
  const restoring = useDiff(n, props.canRestore && headVersion && headVersion !== n ? headVersion : null);
  const text = useMemo(() => toYaml(version.data?.document), [version.data]);
  const olderText = useMemo(() => (against > 0 ? toYaml(older.data?.document) : ''), [against, older.data]);

  const setAgainst = (value: string) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        next.set('against', value);
        return next;
      },
      { replace: true },
    );

  const restore = async (message: string) => {
    if (headVersion === null) return;
    await restoreVersion(n, headVersion, message || undefined);
    await client.invalidateQueries({ queryKey: ['config'] });
  };

  return (
    <article className="version-detail panel" aria-labelledby="version-title">
      <header className="page-header">
        <h3 id="version-title">Version {n}</h3>
        <div className="page-actions">
          {props.canRestore && headVersion !== null && headVersion !== n ? (
            <ConfirmDialog
              label="Restore"
              title={`Restore version ${n}?`}
              confirmLabel="Restore"
              reason="optional"
              onConfirm={restore}
            >
              <p>
                Version {n} becomes current again as a new version (version {headVersion + 1}). Versions are
                never rewritten.
              </p>
              {restoring.error ? <ErrorBox error={restoring.error} /> : null}
              {restoring.data ? (
                <PlanView plan={restoring.data} title={`From version ${headVersion} to ${n}`} />
              ) : (
                <Loading what="Loading what changes" />
              )}
            </ConfirmDialog>
          ) : null}
          <button type="button" onClick={props.onClose}>
            Close
          </button>
        </div>
      </header>
      {version.error ? <ErrorBox error={version.error} /> : null}
      {version.data ? (
        <p className="muted">
          Applied {formatTime(version.data.createdAt)} by {version.data.author}
          {version.data.message ? `: ${version.data.message}` : ''}
        </p>
      ) : null}
      <div className="field inline">
        <label htmlFor="against">Compare with version</label>
        <input
          id="against"
          type="number"
          min={0}
          value={against}
          onChange={(e) => setAgainst(e.target.value)}
        />
        <span className="muted">(0: empty)</span>
        <label className="field inline">
          <input type="checkbox" checked={sideBySide} onChange={(e) => setSideBySide(e.target.checked)} />
          Side by side
        </label>
      </div>
      {diff.error ? <ErrorBox error={diff.error} /> : null}
      {diff.data ? <PlanView plan={diff.data} title={`From version ${against} to ${n}`} /> : null}
      {sideBySide ? (
        older.error ? (
          <ErrorBox error={older.error} />
        ) : version.data && (against === 0 || older.data) ? (
          <Suspense fallback={<Loading what="Loading the diff" />}>
            <YamlMerge
              before={olderText}
              after={text}
              beforeLabel={`Version ${against}`}
              afterLabel={`Version ${n}`}
            />
          </Suspense>
        ) : (
          <Loading what="Loading the versions" />
        )
      ) : (
        <details>
          <summary>YAML of version {n} (secrets redacted)</summary>
          {version.data ? <pre>{text}</pre> : <Loading />}
        </details>
      )}
    </article>
  );
}
