import { useEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { formatBits, formatInt, formatPercent } from '../../../platform/shared/format';
import { historyCsv, historyJson } from '../shared/export';
import type { HistoryRecord } from '../shared/record';
import { NAME_MAX_LENGTH } from '../shared/record';
import { useHistory } from '../state/appHistory';
import { SETTLE_MS } from '../state/drafts';
import { compareRows, formatTime } from './compareRows';
import { ParetoChart } from './ParetoChart';
import { paretoGroups } from './paretoModel';
import './history.css';

/** The History tab: measurements and training runs kept in this browser, compared. */
export function HistoryView() {
  const status = useHistory((s) => s.status);
  const records = useHistory((s) => s.records);
  const problems = useHistory((s) => s.problems);
  const error = useHistory((s) => s.error);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());

  // Read again on opening the tab: another tab of the app may have saved meanwhile.
  useEffect(() => {
    void useHistory.getState().refresh();
  }, []);

  const chosen = useMemo(() => records.filter((r) => selected.has(r.id)), [records, selected]);
  const groups = useMemo(() => paretoGroups(records), [records]);
  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  return (
    <div className="history">
      <section className="panel" aria-labelledby="history-title">
        <div className="panel-head">
          <h2 id="history-title">Experiments history</h2>
          <div className="history-downloads">
            <button
              type="button"
              className="history-button"
              disabled={records.length === 0}
              onClick={() => download('history.csv', historyCsv(records), 'text/csv')}
            >
              Download CSV
            </button>
            <button
              type="button"
              className="history-button"
              disabled={records.length === 0}
              onClick={() => download('history.json', historyJson(records), 'application/json')}
            >
              Download JSON
            </button>
          </div>
        </div>
        <p className="muted small">
          Saved automatically in this browser (IndexedDB, the newest 500): each configuration
          measured on the full test set in the Quantize or Prune &amp; cluster tab, once its
          settings have stayed put for {SETTLE_MS / 1000} s (a slider drag saves only where it
          stops), and each training run that ends with a kept model. The same configuration is kept
          once. Accuracy is on the full test set; size is the true packed size.
        </p>
        {error && (
          <p className="history-error" role="alert" data-testid="history-error">
            {error}
          </p>
        )}
        <UndoBar />
        {status === 'loading' || status === 'idle' ? (
          <p className="muted">Reading the history…</p>
        ) : records.length === 0 ? (
          <EmptyState failed={status === 'failed'} />
        ) : (
          <EntriesTable records={records} selected={selected} onToggle={toggle} />
        )}
      </section>
      {records.length > 0 && <Compare records={chosen} onClear={() => setSelected(new Set())} />}
      {groups.map((g) => (
        <ParetoChart key={g.key} group={g} />
      ))}
      {problems.length > 0 && <Problems />}
    </div>
  );
}

function EmptyState({ failed }: { failed: boolean }) {
  if (failed)
    return <p className="muted">Nothing can be kept in this browser, so the history is empty.</p>;
  return (
    <div className="history-empty" data-testid="history-empty">
      <p>Nothing saved yet.</p>
      <p className="muted small">
        Open the Quantize or Prune &amp; cluster tab and change a setting: once the compressed
        model&apos;s accuracy on the full test set is in, the configuration is saved here with its
        size, and a Pareto chart per model shows which ones are worth it. Training runs are saved
        when they end.
      </p>
    </div>
  );
}

function EntriesTable({
  records,
  selected,
  onToggle,
}: {
  records: readonly HistoryRecord[];
  selected: ReadonlySet<string>;
  onToggle: (id: string, on: boolean) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="layer-table history-table" data-testid="history-table">
        <caption className="muted small">
          Newest first. Accuracy: on the full test set. Size: packed codes, scales, sparse indices
          and biases, and how many times smaller than float32.
        </caption>
        <thead>
          <tr>
            <th scope="col">Compare</th>
            <th scope="col">Name</th>
            <th scope="col">Model</th>
            <th scope="col" className="num">
              Accuracy
            </th>
            <th scope="col" className="num">
              True size
            </th>
            <th scope="col">Saved</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr
              key={r.id}
              className={selected.has(r.id) ? 'selected' : undefined}
              data-testid="history-row"
              data-id={r.id}
            >
              <td>
                <label className="history-check">
                  <input
                    type="checkbox"
                    checked={selected.has(r.id)}
                    onChange={(e) => onToggle(r.id, e.target.checked)}
                    aria-label={`Compare ${r.name}`}
                  />
                </label>
              </td>
              <th scope="row" className="history-name">
                <NameCell record={r} />
              </th>
              <td>{r.modelLabel}</td>
              <td
                className="num"
                title={`${formatInt(r.results.correct)} / ${formatInt(r.results.total)} correct`}
              >
                {formatPercent(r.results.accuracy)}
              </td>
              <td className="num">
                {formatBits(r.results.sizeBits)}{' '}
                <span className="muted">· {r.results.ratio.toFixed(1)}×</span>
              </td>
              <td>
                <time dateTime={new Date(r.createdAt).toISOString()}>
                  {formatTime(r.createdAt)}
                </time>
              </td>
              <td>
                <div className="history-actions">
                  <button
                    type="button"
                    className="history-button"
                    onClick={() => reopen(r)}
                    aria-label={`Re-open ${r.name}`}
                    title="Restore its settings (and tab) in the labs"
                  >
                    Re-open
                  </button>
                  <button
                    type="button"
                    className="history-button"
                    onClick={() => void useHistory.getState().remove(r.id)}
                    aria-label={`Delete ${r.name}`}
                  >
                    Delete
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The entry's config back in the app: its link, which the app's URL sync reads. */
function reopen(r: HistoryRecord) {
  window.location.hash = r.hash;
}

/** The name, and a Rename button that turns it into a text field (Enter keeps, Escape drops). */
function NameCell({ record }: { record: HistoryRecord }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(record.name);
  const [problem, setProblem] = useState<string | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);

  // Back from the field, the focus returns to the Rename button.
  useEffect(() => {
    if (wasEditing.current && !editing) button.current?.focus();
    wasEditing.current = editing;
  }, [editing]);

  const finish = async () => {
    if (value.trim() === record.name) {
      setEditing(false);
      setProblem(null);
      return;
    }
    const why = await useHistory.getState().rename(record.id, value);
    setProblem(why);
    if (why === null) setEditing(false);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void finish();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      setProblem(null);
      setEditing(false);
    }
  };

  if (editing)
    return (
      <span className="history-rename">
        <input
          type="text"
          value={value}
          maxLength={NAME_MAX_LENGTH}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={onKeyDown}
          aria-label={`New name for ${record.name}`}
          aria-describedby={`rename-help-${record.id}`}
          aria-invalid={problem !== null}
          // The field opens on request, focused: the user asked to type.
          autoFocus
        />
        <span id={`rename-help-${record.id}`} className={problem ? 'history-error' : 'muted'}>
          {problem ?? 'Enter keeps, Escape cancels.'}
        </span>
      </span>
    );
  // The pipeline under the name, unless the name says it already (as the default name does).
  const detail =
    record.kind === 'run'
      ? `training run · ${record.summary}`
      : record.name.includes(record.summary)
        ? null
        : record.summary;
  return (
    <span className="history-rename">
      <span data-testid="history-name">{record.name}</span>
      <button
        ref={button}
        type="button"
        className="history-button small"
        onClick={() => {
          setValue(record.name);
          setProblem(null);
          setEditing(true);
        }}
        aria-label={`Rename ${record.name}`}
      >
        Rename
      </button>
      {detail && <span className="history-detail">{detail}</span>}
    </span>
  );
}

/** "Deleted …. Undo": the deleted entry can come back until another one goes. */
function UndoBar() {
  const deleted = useHistory((s) => s.deleted);
  const undo = useRef<HTMLButtonElement>(null);
  // The row under the focus is gone: the focus goes to Undo rather than to the page's start.
  useEffect(() => {
    if (deleted) undo.current?.focus();
  }, [deleted]);
  return (
    <div role="status" className="history-undo-slot">
      {deleted && (
        <div className="history-undo" data-testid="history-undo">
          Deleted “{deleted.name}”.{' '}
          <button
            ref={undo}
            type="button"
            className="history-button"
            onClick={() => void useHistory.getState().undoRemove()}
          >
            Undo
          </button>
        </div>
      )}
    </div>
  );
}

function Compare({ records, onClear }: { records: readonly HistoryRecord[]; onClear: () => void }) {
  const rows = useMemo(() => compareRows(records), [records]);
  return (
    <section
      className="panel"
      aria-labelledby="history-compare-title"
      data-testid="history-compare"
    >
      <div className="panel-head">
        <h2 id="history-compare-title">Compare</h2>
        {records.length > 0 && (
          <button type="button" className="history-button" onClick={onClear}>
            Clear selection
          </button>
        )}
      </div>
      {records.length < 2 ? (
        <p className="muted small">
          Tick two or more entries in the table above to see their settings and numbers side by side
          {records.length === 1 ? ' (one ticked so far)' : ''}.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="layer-table history-compare" data-testid="compare-table">
            <caption className="muted small">
              Settings read from each entry&apos;s link; rows marked ≠ differ.
            </caption>
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">Setting</span>
                </th>
                {records.map((r) => (
                  <th scope="col" key={r.id}>
                    {r.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.label} className={row.differs ? 'differs' : undefined}>
                  <th scope="row">
                    {row.label}
                    {row.differs ? (
                      <span className="history-differs" title="differs">
                        {' '}
                        ≠
                      </span>
                    ) : null}
                  </th>
                  {row.values.map((v, i) => (
                    <td key={records[i]!.id}>{v}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Problems() {
  const problems = useHistory((s) => s.problems);
  return (
    <section className="panel" aria-labelledby="history-problems-title">
      <h2 id="history-problems-title">Entries that cannot be read</h2>
      <p className="muted small">
        Damaged, or written by a newer version of the app. They are not shown above; delete them to
        free their space.
      </p>
      <ul className="history-problems" data-testid="history-problems">
        {problems.map((p) => (
          <li key={p.key}>
            <span>{p.problem}</span>{' '}
            <button
              type="button"
              className="history-button"
              onClick={() => void useHistory.getState().removeProblem(p.key)}
              aria-label={`Delete damaged entry ${p.key}`}
            >
              Delete
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Saves text as a file: a link to a blob, clicked, then let go. */
function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
