import { create } from 'zustand';
import { useStore } from '../../../platform/state/store';
import type { UploadInput, UploadProblem } from '../shared/readModel';
import { openUploadStore } from '../store/uploadStore';
import type { UploadedModelInfo } from '../store/uploadStore';
import type { UploadedModelId } from '../../model';

/**
 * The app's uploaded models: the IndexedDB store, the list the picker shows, and an upload in
 * progress. An upload is read and checked on the page by the validating reader (the files never
 * reach tfjs unchecked); only a model that reads cleanly is kept and picked, so a failed upload
 * leaves the app on its previous model, with the problems listed. A link naming an uploaded
 * model this browser does not have falls back to the shipped model and says which files to
 * upload.
 */
export const uploadStore = openUploadStore();
uploadStore.catch(() => undefined);

export type UploadStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'reading'; readonly files: readonly string[] }
  | {
      readonly kind: 'failed';
      readonly files: readonly string[];
      readonly problems: readonly UploadProblem[];
    }
  | {
      readonly kind: 'done';
      readonly name: string;
      readonly why: string;
      readonly warnings: readonly string[];
    };

export interface UploadsState {
  readonly models: readonly UploadedModelInfo[];
  readonly loaded: boolean;
  readonly status: UploadStatus;
  /** A link named an uploaded model this browser does not have. */
  readonly missing: UploadedModelId | null;
  refresh: () => Promise<void>;
  upload: (inputs: readonly UploadInput[]) => Promise<void>;
  remove: (id: UploadedModelId) => Promise<void>;
  dismiss: () => void;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A chosen or dropped file as the reader takes it; its bytes are read once and kept. */
export function fileInput(file: File): UploadInput & { read: Uint8Array | null } {
  const input = {
    name: file.name,
    size: file.size,
    read: null as Uint8Array | null,
    async bytes() {
      input.read ??= new Uint8Array(await file.arrayBuffer());
      return input.read;
    },
  };
  return input;
}

/** Reads the bytes of inputs that were not read yet (files an upload keeps). */
async function bytesOf(input: UploadInput): Promise<ArrayBuffer> {
  const b = await input.bytes();
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength
    ? (b.buffer as ArrayBuffer)
    : (b.slice().buffer as ArrayBuffer);
}

export const useUploads = create<UploadsState>()((set, get) => ({
  models: [],
  loaded: false,
  status: { kind: 'idle' },
  missing: null,
  dismiss: () => set({ status: { kind: 'idle' } }),
  refresh: async () => {
    let models: readonly UploadedModelInfo[] = [];
    try {
      const list = await (await uploadStore).list();
      models = list.models;
      for (const p of list.problems)
        useStore
          .getState()
          .addNotice('warning', `An uploaded model could not be read: ${p.problem}`);
    } catch (e) {
      useStore
        .getState()
        .addNotice(
          'warning',
          `Uploaded models cannot be kept in this browser (IndexedDB): ${message(e)}`,
        );
    }
    set({ models, loaded: true });
    reconcile(models);
  },
  upload: async (inputs) => {
    const files = inputs.map((f) => f.name);
    set({ status: { kind: 'reading', files } });
    // The validating reader (≈ 8 KB gzip) loads on the first upload, not with the first screen.
    const { readUpload } = await import('../shared/readModel');
    const r = await readUpload(inputs);
    if (!r.ok) {
      set({ status: { kind: 'failed', files, problems: r.problems } });
      return;
    }
    const m = r.model;
    try {
      const stored = await Promise.all(
        inputs.map(async (f) => ({ name: f.name, data: await bytesOf(f) })),
      );
      const { evicted } = await (await uploadStore).put(m, stored);
      if (evicted.length)
        useStore
          .getState()
          .addNotice(
            'info',
            `${evicted.length} older uploaded model${evicted.length > 1 ? 's were' : ' was'} removed to make room.`,
          );
    } catch (e) {
      set({
        status: {
          kind: 'failed',
          files,
          problems: [
            {
              file: null,
              tensor: null,
              message: `${m.name} reads correctly but could not be kept in this browser (IndexedDB): ${message(e)}`,
            },
          ],
        },
      });
      return;
    }
    await get().refresh();
    useStore.getState().pickUploadedModel(m.id);
    if (get().missing === m.id) set({ missing: null });
    set({
      status: { kind: 'done', name: m.name, why: m.why, warnings: m.warnings },
    });
  },
  remove: async (id) => {
    try {
      await (await uploadStore).delete(id);
    } catch (e) {
      useStore.getState().addNotice('warning', `Could not delete: ${message(e)}`);
    }
    if (useStore.getState().config.uploaded === id) useStore.getState().pickUploadedModel(null);
    await get().refresh();
  },
}));

/** The config names an uploaded model: make sure it is here, else the shipped model. */
function reconcile(models: readonly UploadedModelInfo[]): void {
  const { config, pickUploadedModel } = useStore.getState();
  if (config.uploaded === null) return;
  if (!models.some((x) => x.id === config.uploaded)) {
    useUploads.setState({ missing: config.uploaded });
    pickUploadedModel(null);
  }
}
