/** The foot of a cursor-paginated list: how many are shown and a button for the next page. */
export function LoadMore({
  shown,
  hasMore,
  loading,
  onMore,
}: {
  shown: number;
  hasMore: boolean;
  loading: boolean;
  onMore(): void;
}) {
  return (
    <p className="load-more">
      <span className="muted">{shown} shown</span>
      {hasMore ? (
        <button type="button" onClick={onMore} disabled={loading}>
          {loading ? 'Loading…' : 'Load more'}
        </button>
      ) : null}
    </p>
  );
}
