import { useState } from 'react';
import { PANELS, PANEL_LABELS } from '../../../platform/shared/panels';
import type { Panel } from '../../../platform/shared/panels';
import { serializeConfig } from '../../../platform/shared/url';
import { useStore } from '../../../platform/state/store';
import { useUiPrefs } from '../../../platform/state/uiPrefs';
import { copyText, linkFor } from '../../../platform/ui/copyText';
import { Dialog } from './Dialog';

/**
 * A teacher's own lesson: the experiment as it is now, with the panels they choose hidden (and
 * not computed), as a link for the class.
 */
export function LessonMaker() {
  const open = useUiPrefs((s) => s.overlay === 'maker');
  const setOverlay = useUiPrefs((s) => s.setOverlay);
  const close = () => setOverlay('none');
  return (
    <Dialog title="Make a lesson link" open={open} onClose={close} className="maker">
      <MakerBody onDone={close} />
    </Dialog>
  );
}

function MakerBody({ onDone }: { onDone: () => void }) {
  const config = useStore((s) => s.config);
  const setClassroom = useStore((s) => s.setClassroom);
  const addNotice = useStore((s) => s.addNotice);
  const [hide, setHide] = useState<Panel[]>(() => [...config.hide]);
  const viewTab = `tab-${config.view}` as Panel;
  const hash = serializeConfig({ ...config, hide });
  const link = linkFor(hash);
  const toggle = (p: Panel) =>
    setHide((h) => (h.includes(p) ? h.filter((x) => x !== p) : [...h, p]));
  return (
    <>
      <p className="muted">
        The link opens this experiment as it is now (model, every setting, the view). Tick what the
        class should not see: hidden panels are not drawn and their results are not computed.
      </p>
      <fieldset className="maker-panels">
        <legend>Hide</legend>
        {PANELS.map((p) => (
          <label key={p} className="check">
            <input
              type="checkbox"
              checked={hide.includes(p)}
              disabled={p === viewTab}
              onChange={() => toggle(p)}
            />
            {PANEL_LABELS[p]}
            {p === viewTab && <span className="muted"> (the view the link opens)</span>}
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span>Link ({link.length.toLocaleString('en')} characters)</span>
        <input type="text" readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
      </label>
      <div className="lesson-nav">
        <button
          type="button"
          className="primary"
          onClick={() => {
            void copyText(link).then((ok) =>
              addNotice(
                ok ? 'info' : 'warning',
                ok
                  ? `Lesson link copied (${link.length} characters).`
                  : 'Could not copy: select the link in the box and copy it yourself.',
              ),
            );
          }}
        >
          Copy lesson link
        </button>
        <button
          type="button"
          onClick={() => {
            setClassroom({ hide: hide.filter((p) => p !== viewTab) });
            onDone();
          }}
        >
          Hide them here too
        </button>
      </div>
    </>
  );
}
