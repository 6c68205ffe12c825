/**
 * The table of a keyset-paged list (`usePagedList`): the rows loaded so far, the "show more" button while
 * there is a next page, and the busy state while a page loads.
 */
import { type Column, Table } from './ui.tsx';

export function ListTable<R>({
  caption,
  columns,
  rowKey,
  list,
}: {
  caption: string;
  columns: Column<R>[];
  rowKey: (r: R) => string;
  list: { rows: R[]; more: (() => void) | null; busy: boolean };
}) {
  return (
    <Table
      caption={caption}
      columns={columns}
      rows={list.rows}
      rowKey={rowKey}
      more={list.more}
      busy={list.busy}
    />
  );
}
