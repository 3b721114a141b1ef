import { openUploadStore } from '../store/uploadStore';
import type { UploadStore } from '../store/uploadStore';
import type { NormalizedModel } from '../shared/readModel';
import type { UploadedModelId } from '../../model';

/**
 * Uploaded models as the workers read them: from IndexedDB (which workers open too), checked
 * again by the validating reader on the way (the store's `get`). One read per model and worker;
 * a failed read is forgotten, so the next request tries again.
 */
let store: Promise<UploadStore> | null = null;
const models = new Map<string, Promise<NormalizedModel>>();

export function getUploadedRecord(id: UploadedModelId): Promise<NormalizedModel> {
  let p = models.get(id);
  if (!p) {
    p = (async () => {
      store ??= openUploadStore();
      store.catch(() => (store = null));
      const got = await (await store).get(id);
      if (!got)
        throw new Error(
          'This link is for a model uploaded in another browser (or deleted here): upload its model.json and weight files to open it.',
        );
      return got.model;
    })();
    p.catch(() => models.delete(id));
    models.set(id, p);
  }
  return p;
}
